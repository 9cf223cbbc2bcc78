//! The file path (items parsed in place from 1 MiB chunks, `payload/stream.rs`)
//! against the in-memory path (`serde_json::from_slice` on the whole document):
//! the same records, the same holders, the same error; lists cut into
//! segments of 16 bytes parsed on worker threads. Then the same bytes on
//! standard input, as a file (`< payload`) and through a pipe (what is read
//! kept aside for the exact pass): the same again.
//!
//! The first byte picks a shape the fast path once got wrong, built around
//! the rest of the input: as it is, list keys written with escapes, two list
//! keys, or padding before the list (past a segment, and now and then past
//! the 1 MiB the fast path keeps of an envelope).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use licusage::holder::{Kept, Sink};
use licusage::payload::Body;
use licusage::vendors::{find, KeyType, Payloads, Shape};

/// The payload for `data`: its first byte picks the shape.
fn shape(data: &[u8]) -> Vec<u8> {
    let Some((&mode, body)) = data.split_first() else { return Vec::new() };
    match mode % 4 {
        1 => {
            // Escaped list keys: `"d\u0061ta"` is `data` to serde.
            let mut out = Vec::with_capacity(body.len() + 16);
            let mut rest = body;
            while !rest.is_empty() {
                let hit = [&b"\"data\""[..], b"\"items\"", b"\"result\""].into_iter().find(|k| rest.starts_with(k));
                match hit {
                    Some(k) => {
                        out.extend_from_slice(b"\"\\u00");
                        out.extend_from_slice(format!("{:02x}", k[1]).as_bytes());
                        out.extend_from_slice(&k[2..]);
                        rest = &rest[k.len()..];
                    }
                    None => {
                        out.push(rest[0]);
                        rest = &rest[1..];
                    }
                }
            }
            out
        }
        2 => {
            // Two list keys, as duplicates or as two names.
            let key = if mode & 4 == 0 { "data" } else { "items" };
            let mut out = b"{\"data\":".to_vec();
            out.extend_from_slice(body);
            out.extend_from_slice(format!(",\"{key}\":").as_bytes());
            out.extend_from_slice(body);
            out.push(b'}');
            out
        }
        3 => {
            // Padding before the list: past a segment, and in one case of
            // sixteen past 1 MiB.
            let n = if mode >= 0xf0 { (1 << 20) + 4096 } else { usize::from(mode) * 8 };
            let mut out = b"{\"pad\":\"".to_vec();
            out.resize(out.len() + n, b'p');
            out.extend_from_slice(b"\",\"result\":");
            out.extend_from_slice(body);
            out.push(b'}');
            out
        }
        _ => body.to_vec(),
    }
}

/// Standard input at its end, with nothing left in std's buffer from the
/// previous run (a real process reads its stdin once).
fn reset_stdin() {
    use std::io::Read;
    // A pipe read to its end first: its writer finishes, never killed by SIGPIPE.
    let _ = std::io::stdin().lock().read_to_end(&mut Vec::new());
    if let Ok(null) = std::fs::File::open("/dev/null") {
        let _ = rustix::stdio::dup2_stdin(&null);
    }
    let _ = std::io::stdin().lock().read_to_end(&mut Vec::new());
}

/// The payloads a kind reads beside its main one.
fn payloads_of(vendor: &dyn licusage::vendors::Vendor) -> Vec<&'static str> {
    vendor.keys().iter().filter_map(|k| if let KeyType::Input { payload, .. } = k.ty { Some(payload) } else { None }).collect()
}

fuzz_target!(|input: &[u8]| {
    // Segments of a few bytes, so that small inputs go through the worker
    // threads and their guesses at item boundaries too.
    licusage::payload::stream::set_segment_size(16);
    let data = shape(input);
    let data = data.as_slice();
    let dir = std::env::temp_dir().join(format!("licusage-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("payload.json");
    let Ok(mut file) = std::fs::File::create(&path) else { return };
    if file.write_all(data).is_err() {
        return;
    }
    drop(file);
    for kind in ["cpod", "4d"] {
        let Some(vendor) = find(kind) else { return };
        // The main payload and each input as given (stdin can be one of them only: the last).
        let run = |main: Body, input: Body| {
            let mut holders = Vec::new();
            let mut payloads = Payloads { main: vec![main], ..Payloads::default() };
            for key in vendor.keys() {
                if let KeyType::Input { payload, .. } = key.ty {
                    payloads.extra.insert(payload, vec![input.clone()]);
                }
            }
            let Ok(bound) = vendor.bind(Default::default(), Shape { reads_file: true, ..Shape::default() }) else { unreachable!() };
            let records = bound.parse(&payloads, &mut Sink::new(&Kept::all, &mut |k| holders.extend(k.into_holder())));
            (records.map_err(|e| e.to_string()), holders)
        };
        let has_input = !payloads_of(vendor).is_empty();
        let bytes = || Body::Bytes(data.to_vec());
        let (from_file, file_holders) = run(Body::File(path.clone()), Body::File(path.clone()));
        let (from_bytes, byte_holders) = run(bytes(), bytes());
        assert_eq!(from_file, from_bytes, "{kind}: file and memory disagree");
        if from_bytes.is_ok() {
            assert_eq!(file_holders, byte_holders, "{kind}: holders differ");
        }
        let on_stdin = || match has_input {
            true => run(bytes(), Body::Stdin),
            false => run(Body::Stdin, bytes()),
        };
        // A file given as standard input.
        reset_stdin();
        let Ok(file) = std::fs::File::open(&path) else { return };
        if rustix::stdio::dup2_stdin(&file).is_err() {
            return;
        }
        let (from_stdin, stdin_holders) = on_stdin();
        assert_eq!(from_stdin, from_bytes, "{kind}: a file on stdin and memory disagree");
        if from_bytes.is_ok() {
            assert_eq!(stdin_holders, byte_holders, "{kind}: holders differ on stdin");
        }
        // A pipe, written by another thread.
        let Ok((reader, mut writer)) = std::io::pipe() else { return };
        if rustix::stdio::dup2_stdin(&reader).is_err() {
            return;
        }
        drop(reader);
        let bytes_in = data.to_vec();
        let feed = std::thread::spawn(move || {
            let _ = writer.write_all(&bytes_in);
        });
        let (from_pipe, pipe_holders) = on_stdin();
        // Whatever was not read is read here, and the writer ends.
        reset_stdin();
        let _ = feed.join();
        assert_eq!(from_pipe, from_bytes, "{kind}: a pipe and memory disagree");
        if from_bytes.is_ok() {
            assert_eq!(pipe_holders, byte_holders, "{kind}: holders differ through a pipe");
        }
    }
});
