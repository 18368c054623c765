//! Text → the quote and signature trimmer: no panic, and what is kept plus what is cut
//! never invents text out of nothing.
#![no_main]

use dossier::mail::reply::trim;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let trimmed = trim(&text, &[], flag & 1 == 1);
    assert!(trimmed.kept.len() <= text.len() + 16);
});
