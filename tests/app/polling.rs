//! Waiting without a clock: poll a condition with a bound, and panic naming what never
//! came. Tests wait for what they expect, never for a fixed time.

use std::time::{Duration, Instant};

/// Polls `done` until it holds, for at most `within`; panics naming `what` otherwise.
/// Tests wait for what they expect, never for a fixed time.
pub fn eventually(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    found(
        within,
        || done().then_some(()),
        || format!("{what} did not happen"),
    );
}

/// Polls `probe` until it gives a value, for at most `within`, and returns it; panics
/// with `why()` (what was seen meanwhile, a peer's log) otherwise.
pub fn found<T>(
    within: Duration,
    mut probe: impl FnMut() -> Option<T>,
    why: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "within {within:?}: {}", why());
        std::thread::sleep(POLL);
    }
}

/// [`eventually`] for async tests.
pub async fn eventually_async<F: std::future::Future<Output = bool>>(
    what: &str,
    within: Duration,
    mut done: impl FnMut() -> F,
) {
    let probe = || {
        let done = done();
        async move { done.await.then_some(()) }
    };
    found_async(within, probe, || format!("{what} did not happen")).await
}

/// [`found`] for async tests.
pub async fn found_async<T, F: std::future::Future<Output = Option<T>>>(
    within: Duration,
    mut probe: impl FnMut() -> F,
    why: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "within {within:?}: {}", why());
        tokio::time::sleep(POLL).await;
    }
}

/// What `open` gives once sled has let go of the folder: it does when its flusher
/// thread notices a dropped store, a moment later.
pub fn once_free<T>(mut open: impl FnMut() -> dossier::Result<T>) -> T {
    let mut last = String::new();
    let opened = found(
        Duration::from_secs(10),
        || match open() {
            Err(dossier::Error::Locked(why)) => {
                last = why;
                None
            }
            other => Some(other),
        },
        || "the folder stayed in use".into(),
    );
    opened.unwrap_or_else(|err| panic!("{err} (last: {last})"))
}

/// How often the helpers look again.
const POLL: Duration = Duration::from_millis(10);
