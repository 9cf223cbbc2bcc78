//! The lmstat reader on any text, as `lmstat -a` output and, after a form
//! feed, `lmstat -i` output: records or an error, never a panic; series ids
//! are unique; and the same text written as UTF-16 (PowerShell's `>`) reads
//! exactly as it does in UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use licusage::holder::{Kept, Sink};
use licusage::payload::Body;
use licusage::vendors::{find, Payloads, Shape};

fn read(a: Vec<u8>, i: Option<Vec<u8>>) -> (Result<String, String>, usize) {
    let Some(vendor) = find("flexlm") else { return (Err("no flexlm".into()), 0) };
    let Ok(bound) = vendor.bind(Default::default(), Shape { reads_file: true, ..Shape::default() }) else { return (Err("bind".into()), 0) };
    let mut payloads = Payloads::one(a);
    if let Some(i) = i {
        payloads.extra.insert("expiry", vec![Body::Bytes(i)]);
    }
    let mut holders = 0;
    let parsed = bound.parse(&payloads, &mut Sink::new(&Kept::all, &mut |_| holders += 1));
    let records = parsed.map_err(|e| e.to_string()).map(|records| {
        let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "two series with one id");
        serde_json::to_string(&records).unwrap_or_default()
    });
    (records, holders)
}

fuzz_target!(|data: &[u8]| {
    let (a, i) = match data.iter().position(|&b| b == 0x0c) {
        Some(at) => (data[..at].to_vec(), Some(data[at + 1..].to_vec())),
        None => (data.to_vec(), None),
    };
    let utf8 = read(a.clone(), i.clone());
    if let Ok(text) = std::str::from_utf8(&a) {
        if !text.starts_with('\u{feff}') && !a.starts_with(&[0xff, 0xfe]) && !a.starts_with(&[0xfe, 0xff]) {
            let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
            assert_eq!(read(utf16, i), utf8, "UTF-16 and UTF-8 read differently");
        }
    }
});
