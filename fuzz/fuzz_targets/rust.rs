//! Feeds arbitrary bytes to the Rust front-end and every rule, opt-in rules
//! included, with the prefilter off so that no rule is passed over. Any
//! panic is a crash: `scan_text` has none of the scan's containment.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authlint_fuzz::run(&["input.rs"], data);
});
