//! Arbitrary text as a Markdown body, rendered to a page; see `harness::page`.

#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::page(data);
});
