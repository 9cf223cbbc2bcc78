//! The pager's skim of a page (`payload/skim.rs`: pagination fields and item
//! count without parsing the items) against serde's reading of the whole
//! page (`payload::page_info`): where the skim answers, it answers the same;
//! where serde refuses the page and the skim does not, the page's parse
//! (which reads every item) must refuse it too, so a misread page can never
//! pass as a good one.
//!
//! The first byte picks an envelope built around the rest of the input: as
//! it is, under `data` with a cursor after it, or under `result.items` with
//! offset paging.
#![no_main]

use libfuzzer_sys::fuzz_target;
use licusage::payload::{self, skim, Body};

fuzz_target!(|input: &[u8]| {
    let Some((&mode, body)) = input.split_first() else { return };
    let page = match mode % 3 {
        1 => [&b"{\"data\":"[..], body, b",\"next_cursor\":\"c2\"}"].concat(),
        2 => [&b"{\"result\":{\"items\":"[..], body, b",\"total\":9,\"offset\":0},\"limit\":3}"].concat(),
        _ => body.to_vec(),
    };
    let Some(skim) = skim::page_info(&page) else { return };
    match payload::page_info(&page) {
        Ok(serde) => assert_eq!(skim, serde, "skim and serde disagree"),
        Err(_) => {
            let parsed = payload::decode_pages::<serde::de::IgnoredAny>(&[Body::Bytes(page.clone())], "");
            assert!(parsed.is_err(), "the skim read {skim:?} from a page serde refuses, and the parse took it");
        }
    }
});
