//! Runs one file's work in a child process with a time limit and an address-space limit, so an
//! abort, a hang or a memory blow-up becomes that file's outcome instead of ending the run.
//! Shared by `examples/sweep.rs` and `examples/corpus_probe.rs` (`#[path]` module).

#![allow(dead_code)] // each example uses part of it

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Per-child limits.
#[derive(Debug, Clone, Copy)]
pub struct ChildLimits {
    pub time: Duration,
    /// `RLIMIT_AS`: an allocation past it fails, and Rust aborts with "memory allocation … failed".
    pub memory_mb: u64,
}

/// How a child ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Exited 0; the first line it printed.
    Finished(String),
    /// A Rust panic (the first `panicked` line of its stderr).
    Panic(String),
    /// An allocation failure under the address-space limit.
    Oom,
    /// SIGABRT for another reason.
    Abort,
    /// Killed at the time limit.
    Timeout,
    /// Another signal, or a non-zero exit without a panic.
    Crash(String),
}

impl Verdict {
    /// Whether the run must fail: anything but a normal exit.
    pub fn is_dangerous(&self) -> bool {
        !matches!(self, Verdict::Finished(_))
    }
    /// The outcome word of a dangerous verdict (`ABORT`, `TIMEOUT`, …); `None` when finished.
    pub fn label(&self) -> Option<String> {
        match self {
            Verdict::Finished(_) => None,
            Verdict::Panic(why) => Some(format!("PANIC:{why}")),
            Verdict::Oom => Some("OOM".into()),
            Verdict::Abort => Some("ABORT".into()),
            Verdict::Timeout => Some("TIMEOUT".into()),
            Verdict::Crash(why) => Some(format!("CRASH:{why}")),
        }
    }
}

/// One child's verdict, wall time and peak resident memory.
#[derive(Debug, Clone)]
pub struct ChildRun {
    pub verdict: Verdict,
    pub ms: u128,
    pub peak_mb: u64,
}

/// Run `exe args…` under `limits`.
pub fn run_child(exe: &Path, args: &[&OsStr], limits: ChildLimits) -> ChildRun {
    let mut command = Command::new(exe);
    command
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let bytes = limits.memory_mb.saturating_mul(1024 * 1024);
    // SAFETY: only the async-signal-safe setrlimit runs between fork and exec.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(move || {
            let rlim = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &rlim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return ChildRun {
                verdict: Verdict::Crash(format!("spawn failed: {e}")),
                ms: 0,
                peak_mb: 0,
            }
        }
    };
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, rusage, timed_out) = wait_with_limit(child.id() as libc::pid_t, limits.time);
    let ms = start.elapsed().as_millis();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    ChildRun {
        verdict: verdict(status, timed_out, &stdout, &stderr),
        ms,
        peak_mb: (rusage.ru_maxrss as u64).div_ceil(1024),
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// Polls the child with `wait4` (which also gives its peak RSS); kills it past `limit`.
fn wait_with_limit(pid: libc::pid_t, limit: Duration) -> (i32, libc::rusage, bool) {
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value.
    let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut pause = Duration::from_millis(1);
    loop {
        // SAFETY: pid is our own child; status and rusage are valid out-pointers.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut rusage) };
        if done == pid || done < 0 {
            return (status, rusage, false);
        }
        if start.elapsed() > limit {
            // SAFETY: killing and reaping our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::wait4(pid, &mut status, 0, &mut rusage);
            }
            return (status, rusage, true);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn verdict(status: i32, timed_out: bool, stdout: &str, stderr: &str) -> Verdict {
    let panic_line = || {
        stderr
            .lines()
            .find(|l| l.contains("panicked"))
            .map(|l| l.chars().take(160).collect::<String>())
    };
    if timed_out {
        return Verdict::Timeout;
    }
    if libc::WIFSIGNALED(status) {
        let signal = libc::WTERMSIG(status);
        return match signal {
            libc::SIGABRT if stderr.contains("memory allocation") => Verdict::Oom,
            libc::SIGABRT => Verdict::Abort,
            _ => Verdict::Crash(format!("signal {signal}")),
        };
    }
    let code = libc::WEXITSTATUS(status);
    if code != 0 {
        return match panic_line() {
            Some(line) => Verdict::Panic(line),
            None => Verdict::Crash(format!("exit {code}")),
        };
    }
    Verdict::Finished(stdout.lines().next().unwrap_or("").trim().to_string())
}
