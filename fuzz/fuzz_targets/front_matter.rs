//! Arbitrary bytes as a Markdown file of every kind; see `harness::front_matter`.

#![no_main]

#[path = "../harness.rs"]
#[allow(dead_code)]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::front_matter(data);
});
