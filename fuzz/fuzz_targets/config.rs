//! The config parser: a checked config or an error naming the line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = licusage::config::Config::parse(text, std::path::Path::new("fuzz.toml")) {
            assert!(e.0.starts_with("fuzz.toml"), "{}", e.0);
        }
    }
});
