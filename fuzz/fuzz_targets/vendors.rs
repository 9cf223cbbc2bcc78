//! Every vendor parser on the same bytes, as main payload and as assignments:
//! records or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use licusage::holder::{Kept, Sink};
use licusage::payload::Body;
use licusage::vendors::{KeyType, Payloads, Shape, VENDORS};

fuzz_target!(|data: &[u8]| {
    for vendor in VENDORS {
        let mut payloads = Payloads { main: vec![Body::Bytes(data.to_vec())], want_holders: true, ..Payloads::default() };
        for key in vendor.keys() {
            if let KeyType::Input { payload, .. } = key.ty {
                payloads.extra.insert(payload, vec![Body::Bytes(data.to_vec())]);
            }
        }
        let mut holders = 0usize;
        // Bound as a source that reads a file and sets none of the kind's keys
        // (a kind that needs one, as generic its `jq`, is left out).
        let Ok(bound) = vendor.bind(Default::default(), Shape { reads_file: true, ..Shape::default() }) else { continue };
        if let Ok(records) = bound.parse(&payloads, &mut Sink::new(&Kept::all, &mut |_| holders += 1)) {
            for r in records {
                // The record arithmetic holds for whatever the vendor said.
                if let (Some(u), Some(l)) = (r.used, r.limit) {
                    assert!(r.balance.is_some() || vendor.kind() == "cpod");
                    if l > 0 {
                        assert!(r.utilization.is_some_and(|x| (x - u as f64 / l as f64).abs() < 1e-9));
                    }
                }
            }
        }
    }
});
