//! The file path (items parsed in place from 1 MiB chunks, `vendors/stream.rs`)
//! against the in-memory path (`serde_json::from_slice` on the whole document):
//! the same records, the same holders, the same error; lists cut into
//! segments of 16 bytes parsed on worker threads.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use licusage::holder::Sink;
use licusage::vendors::{find, Body, KeyType, Payloads};

fuzz_target!(|data: &[u8]| {
    // Segments of a few bytes, so that small inputs go through the worker
    // threads and their guesses at item boundaries too.
    licusage::vendors::set_segment_size(16);
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
        let run = |body: Body| {
            let mut holders = Vec::new();
            let mut payloads = Payloads { main: vec![body.clone()], ..Payloads::default() };
            for key in vendor.keys() {
                if let KeyType::Input { payload, .. } = key.ty {
                    payloads.extra.insert(payload, vec![body.clone()]);
                }
            }
            let settings = vendor.default_settings();
            let records = vendor.parse(&payloads, settings.as_ref(), &mut Sink::new(&|_| true, &mut |h| holders.push(h)));
            (records.map_err(|e| e.to_string()), holders)
        };
        let (from_file, file_holders) = run(Body::File(path.clone()));
        let (from_bytes, byte_holders) = run(Body::Bytes(data.to_vec()));
        assert_eq!(from_file, from_bytes, "{kind}: file and memory disagree");
        if from_bytes.is_ok() {
            assert_eq!(file_holders, byte_holders, "{kind}: holders differ");
        }
    }
});
