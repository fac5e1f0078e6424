//! CPU-heavy work off the async workers, and bounded (issue 8).
//!
//! Password hashing, image decoding and the parsing of what strangers upload (vCards, SDP
//! offers) each cost milliseconds to seconds of one core. On tokio's async workers that time
//! stalls every other request, `/healthz` included. A [`HeavyWork`] pool runs such a closure on
//! one of its own `concurrency` threads, so at most that many at once; a caller that cannot get a slot
//! within `queue_wait` is refused with [`HeavyWorkError::Busy`] (an HTTP 503 with
//! `Retry-After`), so a flood costs a bounded amount of CPU and memory instead of a queue
//! that grows without end.
//!
//! The threads are the pool's own and live as long as it does, rather than tokio's blocking
//! threads, which come and go: the allocator keeps memory per thread (glibc's arenas), and a
//! password hash takes 19 MiB, so a flood of sign-ups spread over ever new threads left the
//! process holding 840 MB (`hostile_load`); on a few fixed threads it stays bounded.
//!
//! Invariants: at most `concurrency` closures of one pool run at any moment, on at most
//! `concurrency` threads; a waiting caller holds no thread; a closure that panics is reported as
//! [`HeavyWorkError::Panicked`] and its slot and thread are given back.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

type Job = Box<dyn FnOnce() + Send>;

/// One pool of slots (and as many threads) for one kind of heavy work.
#[derive(Clone, Debug)]
pub struct HeavyWork {
    slots: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    queue_wait: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeavyWorkError {
    #[error("the server is busy; try again in a moment")]
    Busy,
    #[error("heavy work panicked")]
    Panicked,
}

impl HeavyWork {
    /// A pool running at most `concurrency` closures at once (at least one).
    pub fn new(concurrency: usize, queue_wait: Duration) -> HeavyWork {
        let concurrency = concurrency.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..concurrency {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("heavy-work-{index}"))
                .spawn(move || {
                    loop {
                        // Ends with the pool: every sender gone.
                        let job = match queue.lock().expect("heavy work queue").recv() {
                            Ok(job) => job,
                            Err(_) => return,
                        };
                        job();
                    }
                })
                .expect("a heavy-work thread starts");
        }
        HeavyWork {
            slots: Arc::new(Semaphore::new(concurrency)),
            jobs,
            queue_wait,
        }
    }

    /// A pool sized to the machine: one slot per core.
    pub fn per_core(queue_wait: Duration) -> HeavyWork {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        HeavyWork::new(cores, queue_wait)
    }

    /// Runs `work` on one of the pool's threads once a slot is free, waiting at most
    /// `queue_wait`.
    pub async fn run<T, F>(&self, work: F) -> Result<T, HeavyWorkError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let slot = tokio::time::timeout(self.queue_wait, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| HeavyWorkError::Busy)?
            .map_err(|_| HeavyWorkError::Busy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The slot is held until the work is done, even if the caller stops waiting, and
            // given back before the caller hears the result.
            let outcome = catch_unwind(AssertUnwindSafe(work));
            drop(slot);
            let _ = done.send(outcome);
        });
        // A slot means a thread is free or about to be: the job never waits long.
        self.jobs.send(job).map_err(|_| HeavyWorkError::Panicked)?;
        match result.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) | Err(_) => Err(HeavyWorkError::Panicked),
        }
    }

    /// Slots free right now (for tests and metrics).
    pub fn free_slots(&self) -> usize {
        self.slots.available_permits()
    }
}

impl From<HeavyWorkError> for crate::error::ApiError {
    fn from(error: HeavyWorkError) -> Self {
        match error {
            HeavyWorkError::Busy => crate::error::ApiError::Busy {
                retry_after_secs: 1,
            },
            HeavyWorkError::Panicked => crate::error::ApiError::internal(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn never_runs_more_than_its_slots_at_once() {
        let pool = HeavyWork::new(2, Duration::from_secs(10));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(pool.free_slots(), 2);
    }

    #[tokio::test]
    async fn refuses_as_busy_when_no_slot_frees_in_time() {
        let pool = HeavyWork::new(1, Duration::from_millis(30));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = tokio::sync::oneshot::channel();
        let blocker = pool.clone();
        let long = tokio::spawn(async move {
            blocker
                .run(move || {
                    let _ = started.send(());
                    // Holds the only slot until the test lets go.
                    let _ = released.recv();
                })
                .await
        });
        has_started.await.unwrap();
        assert_eq!(pool.run(|| 1).await, Err(HeavyWorkError::Busy));
        release.send(()).unwrap();
        long.await.unwrap().unwrap();
        assert_eq!(pool.run(|| 1).await, Ok(1));
    }

    #[tokio::test]
    async fn runs_on_its_own_few_threads_however_many_jobs_come() {
        let pool = HeavyWork::new(2, Duration::from_secs(10));
        let mut threads = std::collections::HashSet::new();
        for _ in 0..50 {
            let name = pool
                .run(|| std::thread::current().name().map(str::to_owned))
                .await
                .unwrap();
            threads.insert(name.expect("the pool's threads are named"));
        }
        assert!(threads.len() <= 2, "{threads:?}");
        assert!(threads.iter().all(|name| name.starts_with("heavy-work-")));
    }

    #[tokio::test]
    async fn a_panic_is_an_error_and_gives_its_slot_back() {
        let pool = HeavyWork::new(1, Duration::from_secs(1));
        let result: Result<(), _> = pool.run(|| panic!("boom")).await;
        assert_eq!(result, Err(HeavyWorkError::Panicked));
        assert_eq!(pool.free_slots(), 1);
        assert_eq!(pool.run(|| 2).await, Ok(2), "the thread survives the panic");
    }
}
