//! A few threads of our own for heavy blocking work (argon2, processing a message). On
//! tokio's blocking pool every thread that once held a large buffer keeps it in its own
//! allocator arena, so memory grows with the number of threads that ever ran the work;
//! a fixed set of long-lived threads keeps it to that set. Each thread may enter the
//! server's runtime, so that work on it can wait for async I/O (`Handle::block_on`).
//! Background threads run at a lower priority, so that catching up never slows mail or pages.

use std::cell::Cell;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    static OWN: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is one of a [`Dedicated`] set, inside the runtime but not
/// running async tasks: `Handle::block_on` may be called on it.
pub fn on_own_thread() -> bool {
    OWN.get()
}

/// Threads that run jobs, one at a time each, in the order they come.
pub struct Dedicated {
    jobs: Mutex<mpsc::Sender<Job>>,
}

/// Lowers the calling thread's priority (its nice value, per thread on Linux) to
/// [`BACKGROUND_NICE`] unless it is lower already; threads it starts inherit it.
fn give_way() {
    let now = rustix::process::getpriority_process(None).unwrap_or(0);
    if now >= BACKGROUND_NICE {
        return;
    }
    if let Err(err) = rustix::process::setpriority_process(None, BACKGROUND_NICE) {
        tracing::debug!(error = %err, "cannot lower a background thread's priority");
    }
}

const BACKGROUND_NICE: i32 = 10;

impl Dedicated {
    /// Starts `threads` threads named `name-N`, inside `runtime` if given.
    pub fn new(name: &str, threads: usize, runtime: Option<tokio::runtime::Handle>) -> Dedicated {
        Dedicated::start(name, threads, runtime, false)
    }

    /// Starts `threads` threads named `name-N` for work that may wait: they, and the
    /// threads they start, give way to the rest of the server when the cores are busy.
    pub fn background(name: &str, threads: usize) -> Dedicated {
        Dedicated::start(name, threads, None, true)
    }

    fn start(
        name: &str,
        threads: usize,
        runtime: Option<tokio::runtime::Handle>,
        background: bool,
    ) -> Dedicated {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let (queue, runtime) = (queue.clone(), runtime.clone());
            let started = std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || {
                    let _inside = runtime.as_ref().map(|r| r.enter());
                    OWN.set(runtime.is_some());
                    if background {
                        give_way();
                    }
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = started {
                tracing::error!(error = %err, name, "cannot start a thread");
            }
        }
        Dedicated {
            jobs: Mutex::new(jobs),
        }
    }

    /// Runs `work` on one of the threads and waits for it without blocking the runtime.
    /// A panic in `work` answers an error, and the thread goes on.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if done.is_closed() {
                // The request that asked for it went away while it waited.
                return;
            }
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or_else(|_| Err(Error::storage("the work panicked")));
            let _ = done.send(outcome);
        });
        let stopped = || Error::storage("the worker threads stopped");
        self.jobs
            .lock()
            .map_err(|_| stopped())?
            .send(job)
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_threads_give_way_and_the_others_do_not() {
        let nice = || Ok(rustix::process::getpriority_process(None).unwrap_or(-1));
        let own = rustix::process::getpriority_process(None).unwrap();
        let lowered = own.max(BACKGROUND_NICE);
        let background = Dedicated::background("test-background", 1);
        assert_eq!(background.run(nice).await.unwrap(), lowered);
        // A thread the background one starts inherits its priority.
        let inherited = background
            .run(move || Ok(std::thread::spawn(nice).join().unwrap().unwrap()))
            .await;
        assert_eq!(inherited.unwrap(), lowered);
        let ordinary = Dedicated::new("test-ordinary", 1, None);
        assert_eq!(ordinary.run(nice).await.unwrap(), own);
    }
}
