//! A saved `show --format json` document, as `diff` and history imports read
//! it: records or an error, and a diff of it against itself is empty.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(saved) = licusage::diff::parse(data) {
        assert!(licusage::diff::compare(saved.clone(), saved).is_empty());
    }
});
