//! What every fuzz target does with its input: pick a file name from the
//! first byte (so one target covers every extension of its language), read
//! the rest as the scan reads a file, and run every rule on it.

use authlint::rules;
use authlint::scan;

/// Scans `data` under one of `names`. Bad UTF-8 is replaced as the real scan
/// replaces it, so the rules see the same text a user's file would give.
pub fn run(names: &[&str], data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = names[usize::from(pick) % names.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    // A parser giving up is an expected outcome; a panic is a bug, and a
    // rule's panic, which `scan_text` contains and reports as an internal
    // error, must crash the target all the same.
    if let Err(message) = scan::scan_text(name, text, rules::ALL, false) {
        assert!(!message.starts_with("internal error"), "{message}");
    }
}
