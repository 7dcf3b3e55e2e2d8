//! Corpus probe: runs the file guard and calamine over every file of a folder, each file in a
//! child process with a time limit and an address-space limit, and prints one line per file
//! and totals, so that an abort, a hang or a memory blow-up shows up as that file's outcome.
//!
//! ```text
//! cargo run --release --example corpus_probe -- ../shared/corpus          # guard, then read
//! cargo run --release --example corpus_probe -- --raw ../shared/corpus    # calamine alone
//! ```
//!
//! `PROBE_SECS` (default 10) and `PROBE_MEM_MB` (default 3072) set the per-file limits.
//! Outcomes: `accepted-read-ok`, `rejected:<code>:<reason>`, `reader-bound` (a cell beyond
//! `max_rows`/`max_cols` while streaming), `calamine-error`, `PANIC`, `ABORT`, `OOM` (an
//! allocation failure under the address-space limit), `TIMEOUT`, `CRASH`.

#[path = "isolate/mod.rs"]
mod isolate;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Duration;

use isolate::{run_child, ChildLimits, Verdict};

use calamine::{Data, Ods, Reader, Xls, Xlsb, Xlsx};
use rayon::prelude::*;
use taizhang::read::guard::{inspect, Format, Limits};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, path] if mode == "--child" => child(Path::new(path), false),
        [mode, path] if mode == "--child-raw" => child(Path::new(path), true),
        [flag, dir] if flag == "--raw" => parent(Path::new(dir), true),
        [dir] => parent(Path::new(dir), false),
        _ => {
            eprintln!("usage: corpus_probe [--raw] <folder>");
            std::process::exit(2);
        }
    }
}

// ------------------------------------------------------------------ child: one file

fn child(path: &Path, raw: bool) {
    let limits = Limits::default();
    let result = std::panic::catch_unwind(|| {
        if raw {
            return read_raw(path);
        }
        match inspect(path, &limits) {
            Err(rejection) => {
                let reason = format!("{rejection:?}");
                let reason: String = reason.chars().take_while(|c| c.is_alphanumeric()).collect();
                format!("rejected:{}:{reason}:{rejection}", rejection.code())
            }
            Ok(format) => read_guarded(path, format, &limits),
        }
    });
    match result {
        Ok(line) => println!("{line}"),
        Err(_) => {
            println!("PANIC");
            std::process::exit(3);
        }
    }
}

enum ReadError {
    Calamine(String),
    Bound((u32, u32)),
}

impl<E: std::fmt::Display> From<E> for ReadError {
    fn from(e: E) -> Self {
        ReadError::Calamine(e.to_string())
    }
}

fn outcome(format: &str, result: Result<u64, ReadError>) -> String {
    match result {
        Ok(cells) => format!("accepted-read-ok:{format}:{cells}"),
        Err(ReadError::Bound((row, col))) => format!("reader-bound:{format}:({row},{col})"),
        Err(ReadError::Calamine(e)) => {
            let e: String = e
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(120)
                .collect();
            format!("calamine-error:{format}:{e}")
        }
    }
}

/// The reader the lead's `read` module should use: streaming cells for `.xlsx`/`.xlsb` with a
/// bound check, whole ranges for `.xls`/`.ods` (checked by the guard beforehand).
fn read_guarded(path: &Path, format: Format, limits: &Limits) -> String {
    let bound = (limits.max_rows, limits.max_cols);
    let result = (|| -> Result<u64, ReadError> {
        let file = BufReader::new(File::open(path)?);
        match format {
            Format::Xlsx => {
                let mut book = Xlsx::new(file)?;
                let mut cells = 0;
                for name in book.sheet_names() {
                    let mut reader = book.worksheet_cells_reader(&name)?;
                    while let Some(cell) = reader.next_cell()? {
                        cells += within(cell.get_position(), bound)?;
                    }
                }
                Ok(cells)
            }
            Format::Xlsb => {
                let mut book = Xlsb::new(file)?;
                let mut cells = 0;
                for name in book.sheet_names() {
                    let mut reader = book.worksheet_cells_reader(&name)?;
                    while let Some(cell) = reader.next_cell()? {
                        cells += within(cell.get_position(), bound)?;
                    }
                }
                Ok(cells)
            }
            Format::Xls => ranges(Xls::new(file)?),
            Format::Ods => ranges(Ods::new(file)?),
        }
    })();
    outcome(&format!("{format:?}"), result)
}

fn within(pos: (u32, u32), (max_rows, max_cols): (u32, u32)) -> Result<u64, ReadError> {
    if pos.0 >= max_rows || pos.1 >= max_cols {
        return Err(ReadError::Bound(pos));
    }
    Ok(1)
}

fn ranges<R: Reader<BufReader<File>>>(mut book: R) -> Result<u64, ReadError>
where
    R::Error: std::fmt::Display,
{
    let mut cells = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name)?;
        cells += range
            .used_cells()
            .filter(|(_, _, v)| **v != Data::Empty)
            .count() as u64;
    }
    Ok(cells)
}

/// What a naive reader does: `open_workbook_auto` by extension, then every range.
fn read_raw(path: &Path) -> String {
    let result = (|| -> Result<u64, ReadError> {
        let mut book = calamine::open_workbook_auto(path)?;
        let mut cells = 0;
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name)?;
            cells += range.used_cells().count() as u64;
        }
        Ok(cells)
    })();
    outcome("auto", result)
}

// ------------------------------------------------------------------ parent: the sweep

struct Run {
    path: PathBuf,
    outcome: String,
    ms: u128,
    peak_mb: u64,
}

fn parent(dir: &Path, raw: bool) {
    let secs: u64 = env_number("PROBE_SECS", 10);
    let mem_mb: u64 = env_number("PROBE_MEM_MB", 3072);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    let exe = std::env::current_exe().expect("own executable");
    let runs: Vec<Run> = files
        .par_iter()
        .map(|path| probe_child(&exe, path, raw, Duration::from_secs(secs), mem_mb))
        .collect();
    for run in &runs {
        let shown = run.path.strip_prefix(dir).unwrap_or(&run.path);
        println!(
            "{}\t{} ms\t{} MB\t{}",
            run.outcome,
            run.ms,
            run.peak_mb,
            shown.display()
        );
    }
    print_totals(&runs);
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn probe_child(exe: &Path, path: &Path, raw: bool, limit: Duration, mem_mb: u64) -> Run {
    let mode = if raw { "--child-raw" } else { "--child" };
    let limits = ChildLimits {
        time: limit,
        memory_mb: mem_mb,
    };
    let run = run_child(exe, &[OsStr::new(mode), path.as_os_str()], limits);
    let outcome = match run.verdict {
        Verdict::Finished(line) if line.is_empty() || line == "PANIC" => "PANIC".to_string(),
        Verdict::Finished(line) => line,
        other => other.label().unwrap_or_default(),
    };
    Run {
        path: path.to_path_buf(),
        outcome,
        ms: run.ms,
        peak_mb: run.peak_mb,
    }
}

fn print_totals(runs: &[Run]) {
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for run in runs {
        let kind = match run.outcome.split(':').collect::<Vec<_>>().as_slice() {
            ["rejected", code, reason, ..] => format!("rejected:{code}:{reason}"),
            ["calamine-error", format, ..] => format!("calamine-error:{format}"),
            ["accepted-read-ok", format, ..] => format!("accepted-read-ok:{format}"),
            ["reader-bound", format, ..] => format!("reader-bound:{format}"),
            [first, ..] => first.to_string(),
            [] => String::new(),
        };
        *by_kind.entry(kind).or_default() += 1;
    }
    println!("== totals: {} files", runs.len());
    for (kind, count) in &by_kind {
        println!("{count:6}  {kind}");
    }
    let dangerous = ["ABORT", "OOM", "TIMEOUT", "CRASH", "PANIC", "SPAWN"];
    let bad = runs
        .iter()
        .filter(|r| dangerous.iter().any(|d| r.outcome.starts_with(d)))
        .count();
    if let Some(slowest) = runs.iter().max_by_key(|r| r.ms) {
        println!("worst time: {} ms ({})", slowest.ms, slowest.path.display());
    }
    if let Some(biggest) = runs.iter().max_by_key(|r| r.peak_mb) {
        println!(
            "worst memory: {} MB ({})",
            biggest.peak_mb,
            biggest.path.display()
        );
    }
    println!("dangerous (abort/oom/timeout/crash/panic): {bad}");
}
