//! Raw bytes → the pipeline's decision (classify, sender, trim, attachments): no panic,
//! and the analysis of any input is bounded (libFuzzer's -timeout and -rss_limit_mb).
#![no_main]

use dossier::mail::analysis::{Context, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let context = Context {
        null_sender: raw.first().is_some_and(|b| b & 1 == 1),
        ..Context::default()
    };
    let analysis = analyze(raw, &context);
    // What the pipeline reads next must be usable too.
    let _ = analysis.from_address();
    let _ = (analysis.text.len(), analysis.attachments.len());
});
