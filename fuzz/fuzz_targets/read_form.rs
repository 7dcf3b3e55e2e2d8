//! Bytes in, issues out: the single-file path of `taizhang check` (guard, read, normalize,
//! validate, classify) must end every input in a report — no panic, no abort, no hang.
//!
//! ```text
//! cd fuzz && cargo +nightly fuzz run read_form corpus/read_form seeds -- -jobs=1 -rss_limit_mb=3072
//! ```
//!
//! `seeds/` holds small forms written by `FormBuilder` (see `examples/sweep.rs --seeds`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use taizhang::check::{check_file, CheckOptions};

/// One scratch file per fuzzing process: the reader opens files by path.
fn scratch() -> &'static (tempfile::TempDir, PathBuf) {
    static SCRATCH: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("form.xlsx");
        (dir, path)
    })
}

fn options() -> &'static CheckOptions {
    static OPTIONS: OnceLock<CheckOptions> = OnceLock::new();
    OPTIONS.get_or_init(CheckOptions::default)
}

/// libfuzzer-sys's panic hook aborts on every panic, even one the reader catches and turns
/// into a file-level issue (`Rejection::ParserPanic`). Replace it with a silent hook: a panic
/// that escapes `check_file` still aborts (libfuzzer-sys aborts after its `catch_unwind`).
fn quiet_caught_panics() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| std::panic::set_hook(Box::new(|_| {})));
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let (_, path) = scratch();
    std::fs::write(path, data).expect("write scratch file");
    let report = check_file(path, options());
    // Every file ends as a form or as exactly one file-level failure.
    assert!(report.form.is_some() != report.failure.is_some());
});
