//! Corpus sweep: runs the real per-file path of `taizhang check` (`check::check_file`: guard,
//! read, normalize, validate, classify) over every file of a folder, each file in a child
//! process with a time limit and an address-space limit, and prints one line per file and the
//! totals. Exits 1 when any file ends in a panic, an abort, an allocation failure, a timeout or
//! a crash, so CI fails on the first hostile file that gets past the guard.
//!
//! ```text
//! cargo run --release --example sweep -- ../shared/corpus
//! cargo run --release --example sweep -- --jobs 2 --secs 30 --mem-mb 2048 ../shared/corpus
//! ```
//!
//! Outcomes: `read` (the form was found; organizations and issues counted), `not-the-form`
//! (a readable workbook without the 党组织情况 table: E005), `rejected:<code>` (one file-level
//! issue: E001 unreadable, E002 password, E003 unsupported format, E004 over a limit),
//! `own-output` (a ledger or feedback workbook), and the failures `PANIC`, `ABORT`, `OOM`,
//! `TIMEOUT`, `CRASH`. Files named `*.md` (the corpus's own notes) are skipped.

#[path = "isolate/mod.rs"]
mod isolate;

use isolate::{run_child, ChildLimits, ChildRun, Verdict};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use taizhang::check::{check_file, CheckOptions};
use taizhang::issue::CODES;

struct Settings {
    jobs: usize,
    limits: ChildLimits,
    folder: PathBuf,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice() {
        if flag == "--child" {
            child(Path::new(path));
            return;
        }
    }
    match parse(&args) {
        Some(settings) => std::process::exit(sweep(&settings)),
        None => {
            eprintln!("usage: sweep [--jobs N] [--secs S] [--mem-mb M] <folder>");
            std::process::exit(2);
        }
    }
}

fn parse(args: &[String]) -> Option<Settings> {
    let mut settings = Settings {
        jobs: 2,
        limits: ChildLimits {
            time: Duration::from_secs(30),
            memory_mb: 2048,
        },
        folder: PathBuf::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jobs" => settings.jobs = args.next()?.parse().ok().filter(|j| *j > 0)?,
            "--secs" => settings.limits.time = Duration::from_secs(args.next()?.parse().ok()?),
            "--mem-mb" => settings.limits.memory_mb = args.next()?.parse().ok()?,
            folder if !folder.starts_with("--") => settings.folder = PathBuf::from(folder),
            _ => return None,
        }
    }
    (!settings.folder.as_os_str().is_empty()).then_some(settings)
}

// ------------------------------------------------------------------ child: one file

/// Check one file and print its outcome as one line.
fn child(path: &Path) {
    let report = check_file(path, &CheckOptions::default());
    let line = match (&report.form, &report.failure) {
        (_, Some(_)) if report.own_output => "own-output".to_string(),
        (_, Some(failure)) => format!("rejected:{}", failure.code),
        (Some(form), None) if form.org_table.is_none() => "not-the-form".to_string(),
        (Some(form), None) => format!(
            "read ({} organizations, {} issues)",
            form.organizations.len(),
            form.issues.len()
        ),
        (None, None) => "empty-report".to_string(),
    };
    println!("{line}");
}

// ------------------------------------------------------------------ parent: the sweep

struct FileRun {
    path: PathBuf,
    run: ChildRun,
}

fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    files
}

fn sweep(settings: &Settings) -> i32 {
    let started = Instant::now();
    let files = files(&settings.folder);
    let exe = std::env::current_exe().expect("own executable");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()
        .expect("thread pool");
    let runs: Vec<FileRun> = pool.install(|| {
        files
            .par_iter()
            .map(|path| FileRun {
                path: path.clone(),
                run: run_child(
                    &exe,
                    &[OsStr::new("--child"), path.as_os_str()],
                    settings.limits,
                ),
            })
            .collect()
    });
    for file in &runs {
        let shown = file
            .path
            .strip_prefix(&settings.folder)
            .unwrap_or(&file.path);
        let detail = match &file.run.verdict {
            Verdict::Finished(line) => line.clone(),
            other => other.label().unwrap_or_default(),
        };
        println!(
            "{detail}\t{} ms\t{} MB\t{}",
            file.run.ms,
            file.run.peak_mb,
            shown.display()
        );
    }
    let dangerous = print_totals(settings, &runs, started.elapsed());
    i32::from(dangerous > 0)
}

/// The outcome class of a run, for the totals.
fn class(run: &ChildRun) -> String {
    match &run.verdict {
        Verdict::Finished(line) if line.starts_with("read") => "read".into(),
        Verdict::Finished(line) => line.clone(),
        other => other
            .label()
            .unwrap_or_default()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Print the totals as a Markdown table (pasted into README's `## 异常文件与读取限制`);
/// returns the number of dangerous outcomes.
fn print_totals(settings: &Settings, runs: &[FileRun], elapsed: Duration) -> usize {
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    for file in runs {
        *by_class.entry(class(&file.run)).or_default() += 1;
    }
    let dangerous = runs.iter().filter(|f| f.run.verdict.is_dangerous()).count();
    println!();
    println!("| outcome | files |");
    println!("|---|---:|");
    println!("| **files** | **{}** |", runs.len());
    for (class, count) in &by_class {
        println!("| {} | {count} |", describe(class));
    }
    println!("| panic / abort / out of memory / timeout / crash | {dangerous} |");
    if let Some(slowest) = runs.iter().max_by_key(|f| f.run.ms) {
        println!(
            "| worst time | {} ms ({}) |",
            slowest.run.ms,
            name(settings, slowest)
        );
    }
    if let Some(biggest) = runs.iter().max_by_key(|f| f.run.peak_mb) {
        println!(
            "| worst peak memory | {} MB ({}) |",
            biggest.run.peak_mb,
            name(settings, biggest)
        );
    }
    println!(
        "\n{} files in {:.1} s with {} workers (limits: {} s, {} MB address space per file)",
        runs.len(),
        elapsed.as_secs_f64(),
        settings.jobs,
        settings.limits.time.as_secs(),
        settings.limits.memory_mb
    );
    for file in runs.iter().filter(|f| f.run.verdict.is_dangerous()) {
        println!(
            "DANGEROUS: {} {}",
            file.run.verdict.label().unwrap_or_default(),
            file.path.display()
        );
    }
    // A file passes when it ends in a reported outcome (read, not the form, or rejected).
    println!(
        "sweep: {} passed, {dangerous} failed",
        runs.len() - dangerous
    );
    dangerous
}

fn name(settings: &Settings, file: &FileRun) -> String {
    file.path
        .strip_prefix(&settings.folder)
        .unwrap_or(&file.path)
        .display()
        .to_string()
}

/// A class of outcome as a table label: `rejected:E002` → `rejected: E002 文件设有打开密码`.
fn describe(class: &str) -> String {
    match class.strip_prefix("rejected:") {
        Some(code) => {
            let title = CODES
                .iter()
                .find(|info| info.id == code)
                .map_or("", |info| info.title);
            format!("rejected: {code} {title}")
        }
        None => class.to_string(),
    }
}
