//! Bounded blocking work: reading workbooks and building ledgers off the async threads.
//!
//! Two semaphores: `admitted` (workers + queue) decides at once whether a request gets a turn
//! at all, `running` (workers) how many run together. A request that finds the queue full is
//! answered "服务器正忙" straight away: a burst of uploads slows the server down, it never
//! makes it run out of memory or threads.

use std::sync::Arc;
use tokio::sync::Semaphore;

/// What a busy server tells the caller.
pub const BUSY: &str = "服务器正忙，请稍后再试";

pub struct Work {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

/// The work could not be done.
#[derive(Debug, PartialEq, Eq)]
pub enum WorkError {
    /// Every worker busy and the queue full.
    Busy,
    /// The work panicked (a bug); the server goes on.
    Failed,
}

impl WorkError {
    /// What the caller is told, page or API alike.
    pub fn message(&self) -> &'static str {
        match self {
            WorkError::Busy => BUSY,
            WorkError::Failed => "服务器内部错误，请稍后再试",
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            WorkError::Busy => axum::http::StatusCode::SERVICE_UNAVAILABLE,
            WorkError::Failed => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl Work {
    pub fn new(workers: usize, queue: usize) -> Work {
        let workers = workers.max(1);
        Work {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(Semaphore::new(workers)),
        }
    }

    /// Run `job` on a blocking thread when a worker is free; [`WorkError::Busy`] at once when
    /// too many wait already.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WorkError> {
        let admitted = (self.admitted.clone())
            .try_acquire_owned()
            .map_err(|_| WorkError::Busy)?;
        let running = (self.running.clone())
            .acquire_owned()
            .await
            .map_err(|_| WorkError::Failed)?;
        // The permits go with the job: a client that hangs up does not stop a blocking job,
        // so they are given back when the job ends, not when the request is dropped.
        tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            job()
        })
        .await
        .map_err(|_| WorkError::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_is_told_busy_at_once() {
        let work = Arc::new(Work::new(1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        let mut held = Vec::new();
        for _ in 0..2 {
            let (work, rx) = (work.clone(), rx.clone());
            held.push(tokio::spawn(async move {
                work.run(move || rx.lock().unwrap().recv().ok()).await
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(work.run(|| ()).await, Err(WorkError::Busy));
        tx.send(()).unwrap();
        tx.send(()).unwrap();
        for h in held {
            assert!(h.await.unwrap().is_ok());
        }
        assert_eq!(work.run(|| 7).await, Ok(7));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_whose_client_hung_up_still_holds_its_turn() {
        let work = Arc::new(Work::new(1, 0));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let job = {
            let work = work.clone();
            tokio::spawn(async move {
                work.run(move || {
                    started_tx.send(()).unwrap();
                    rx.recv().ok()
                })
                .await
            })
        };
        started.recv().unwrap();
        job.abort(); // the request dropped; the blocking job runs on
        assert!(job.await.unwrap_err().is_cancelled());
        assert_eq!(work.run(|| ()).await, Err(WorkError::Busy));
        tx.send(()).unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(work.run(|| 7).await, Ok(7));
    }
}
