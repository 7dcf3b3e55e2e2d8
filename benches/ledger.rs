//! End-to-end benchmark of `taizhang ledger` against its floor and the Python baseline.
//!
//! ```text
//! cargo bench --bench ledger -- --scale province [--reps 3] [--data DIR] [--no-python]
//! ```
//!
//! Every measurement runs as a child process on the same generated files, so each gets its own
//! wall time and peak RSS (wait4's `ru_maxrss`: the largest single process of the child's tree,
//! so a multi-process Python run reports its largest process, not the sum):
//!
//! - (a) floor: bare calamine read of every cell of every sheet, rayon on 2 threads;
//! - (b) `taizhang ledger INBOX -o OUT` (the release binary), and (b1) its read-and-check half
//!   alone (`ledger::collect`: discover, then `check_file` on every file in parallel);
//! - (c) `baseline.py --engine calamine|openpyxl --jobs 2`;
//! - (d) bare rust_xlsxwriter constant-memory write of as many rows and columns as 台账明细,
//!   at the ledger's zip compression level.
//!
//! Medians over `--reps` repetitions, interleaved so machine noise hits all alike; a
//! measurement whose first run takes more than 30 s runs once. Data is generated on first use
//! into /tmp/taizhang-bench/SCALE (examples/gen_forms.rs) and kept for later runs.

#[path = "../examples/gen_forms.rs"]
#[allow(dead_code)]
mod gen_forms;

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use taizhang::schema::{Kind, ORGANIZATIONS};

const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/baseline.py");
/// A measurement slower than this runs only once.
const SLOW: Duration = Duration::from_secs(30);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(&args[i + 1..]);
    }
    let options = Options::parse(&args);
    let files = ensure_data(&options);
    let rows = options.scale.forms * options.scale.orgs;
    let measurements = measurements(&options, rows);
    let results = run_all(&measurements, options.reps);
    std::fs::remove_dir_all(output_dir()).ok();
    print_table(&options, &files, rows, &measurements, &results);
}

/// Command-line settings of a bench run.
struct Options {
    scale: gen_forms::Scale,
    reps: usize,
    data: PathBuf,
    python: bool,
    /// Another build of `taizhang` to time as (b0), in the same run (before/after figures).
    compare: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let value = |flag: &str| {
            let i = args.iter().position(|a| a == flag)?;
            args.get(i + 1).cloned()
        };
        let name = value("--scale").unwrap_or_else(|| "county".into());
        let scale = gen_forms::scale_named(&name)
            .unwrap_or_else(|| panic!("--scale is county, province or national, not {name}"));
        Options {
            scale,
            reps: value("--reps").map_or(3, |r| r.parse().expect("--reps N")),
            data: value("--data").map_or_else(
                || PathBuf::from("/tmp/taizhang-bench").join(name),
                PathBuf::from,
            ),
            python: !args.iter().any(|a| a == "--no-python"),
            compare: value("--compare").map(PathBuf::from),
        }
    }
}

/// The generated inbox, written once per scale; a marker file says it is complete.
fn ensure_data(options: &Options) -> usize {
    let s = options.scale;
    let marker = options.data.join(format!(
        ".complete-{}x{}-{:x}",
        s.forms,
        s.orgs,
        gen_forms::DEFAULT_SEED
    ));
    if !marker.exists() {
        eprintln!(
            "generating {} forms x {} into {}",
            s.forms,
            s.orgs,
            options.data.display()
        );
        gen_forms::generate(&options.data, s.forms, s.orgs, gen_forms::DEFAULT_SEED);
        std::fs::write(&marker, b"").expect("write the data marker");
    }
    s.forms
}

/// One thing measured: a label and the child command that does it.
struct Measurement {
    label: &'static str,
    command: Command,
}

fn measurements(options: &Options, rows: usize) -> Vec<Measurement> {
    let me = std::env::current_exe().expect("the bench binary's path");
    let out = output_dir();
    std::fs::create_dir_all(&out).expect("create the output folder");
    let inbox = options.data.as_os_str();
    let mut list = Vec::new();
    let mut read = Command::new(&me);
    read.args(["--child", "read"]).arg(inbox);
    list.push(Measurement {
        label: "(a) calamine read, 2 threads",
        command: read,
    });
    let mut write = Command::new(&me);
    write
        .args(["--child", "write", &rows.to_string()])
        .arg(out.join("bare.xlsx"));
    list.push(Measurement {
        label: "(d) rust_xlsxwriter write",
        command: write,
    });
    let mut collect = Command::new(&me);
    collect.args(["--child", "collect"]).arg(inbox);
    list.push(Measurement {
        label: "(b1) ledger::collect only",
        command: collect,
    });
    let mut ledger = Command::new(env!("CARGO_BIN_EXE_taizhang"));
    ledger
        .arg("ledger")
        .arg(inbox)
        .arg("-o")
        .arg(out.join("ledger.xlsx"));
    list.push(Measurement {
        label: "(b) taizhang ledger",
        command: ledger,
    });
    if let Some(other) = &options.compare {
        let mut before = Command::new(other);
        before
            .arg("ledger")
            .arg(inbox)
            .arg("-o")
            .arg(out.join("ledger-compare.xlsx"));
        list.push(Measurement {
            label: "(b0) --compare binary, ledger",
            command: before,
        });
    }
    if options.python && python_ready() {
        for engine in ["calamine", "openpyxl"] {
            let mut py = Command::new("python3");
            py.arg(BASELINE)
                .arg(inbox)
                .arg(out.join(format!("baseline-{engine}.xlsx")))
                .args(["--engine", engine, "--jobs", "2"]);
            list.push(Measurement {
                label: if engine == "calamine" {
                    "(c) baseline.py calamine -j2"
                } else {
                    "(c) baseline.py openpyxl -j2"
                },
                command: py,
            });
        }
    } else {
        eprintln!("note: baseline.py skipped (--no-python, or python-calamine/openpyxl/xlsxwriter missing)");
    }
    for m in &mut list {
        m.command.env("RAYON_NUM_THREADS", "2");
    }
    list
}

/// Where the measured commands write their workbooks; removed after the run.
fn output_dir() -> PathBuf {
    std::env::temp_dir().join(format!("taizhang-bench-{}", std::process::id()))
}

fn python_ready() -> bool {
    Path::new(BASELINE).exists()
        && Command::new("python3")
            .args(["-c", "import python_calamine, openpyxl, xlsxwriter"])
            .status()
            .is_ok_and(|s| s.success())
}

/// Wall time and peak RSS (KiB) of one run.
#[derive(Clone, Copy)]
struct Run {
    seconds: f64,
    max_rss_kib: i64,
}

fn run_all(measurements: &[Measurement], reps: usize) -> Vec<Vec<Run>> {
    let mut results: Vec<Vec<Run>> = vec![Vec::new(); measurements.len()];
    for rep in 0..reps.max(1) {
        for (m, runs) in measurements.iter().zip(&mut results) {
            let slow = runs.first().is_some_and(|r| r.seconds > SLOW.as_secs_f64());
            if rep > 0 && slow {
                continue;
            }
            let run = run_child(&m.command);
            eprintln!(
                "  {:<32} {:>8.3} s {:>8.1} MiB",
                m.label,
                run.seconds,
                run.max_rss_kib as f64 / 1024.0
            );
            runs.push(run);
        }
    }
    results
}

/// Spawn, then reap with wait4 to get the child's own rusage.
fn run_child(command: &Command) -> Run {
    let mut command = clone_command(command);
    command.stdout(std::process::Stdio::null());
    let start = Instant::now();
    // Reaped below by wait4 (which std's `wait` cannot report rusage for).
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("spawn the measured command");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the pid we just spawned and own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed with status {status}"
    );
    Run {
        seconds,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn clone_command(command: &Command) -> Command {
    let mut copy = Command::new(command.get_program());
    copy.args(command.get_args());
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            copy.env(key, value);
        }
    }
    copy
}

fn median(runs: &[Run]) -> Run {
    let mut seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    Run {
        seconds: seconds[seconds.len() / 2],
        max_rss_kib: runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0),
    }
}

fn print_table(
    options: &Options,
    files: &usize,
    rows: usize,
    measurements: &[Measurement],
    results: &[Vec<Run>],
) {
    let medians: Vec<Run> = results.iter().map(|r| median(r)).collect();
    println!(
        "\n{} scale: {} forms x {} = {} organizations; {} cores; medians of up to {} runs\n",
        options.scale.name,
        files,
        options.scale.orgs,
        rows,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        options.reps
    );
    println!(
        "| {:<30} | {:>9} | {:>10} | {:>13} | {:>4} |",
        "measurement", "seconds", "rows/s", "peak RSS MiB", "runs"
    );
    println!(
        "|{:-<32}|{:->11}|{:->12}|{:->15}|{:->6}|",
        "", "", "", "", ""
    );
    for ((m, run), runs) in measurements.iter().zip(&medians).zip(results) {
        println!(
            "| {:<30} | {:>9.3} | {:>10.0} | {:>13.1} | {:>4} |",
            m.label,
            run.seconds,
            rows as f64 / run.seconds,
            run.max_rss_kib as f64 / 1024.0,
            runs.len()
        );
    }
    print_ratios(measurements, &medians);
}

fn print_ratios(measurements: &[Measurement], medians: &[Run]) {
    let secs = |prefix: &str| {
        measurements
            .iter()
            .position(|m| m.label.starts_with(prefix))
            .map(|i| medians[i].seconds)
    };
    let (Some(read), Some(write), Some(ledger)) = (secs("(a)"), secs("(d)"), secs("(b)")) else {
        return;
    };
    println!();
    println!(
        "(b) / ((a) + (d))            = {:.2}  (target <= 1.5)",
        ledger / (read + write)
    );
    if let Some(py) = secs("(c) baseline.py openpyxl") {
        println!(
            "baseline openpyxl / (b)      = {:.1}  (target >= 8)",
            py / ledger
        );
    }
    if let Some(py) = secs("(c) baseline.py calamine") {
        println!(
            "baseline calamine / (b)      = {:.1}  (target >= 4)",
            py / ledger
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes: the two bare measurements
// ---------------------------------------------------------------------------------------------

fn child(args: &[String]) {
    match args {
        [kind, inbox] if kind == "read" => {
            let cells = bare_read(Path::new(inbox));
            eprintln!("cells read: {cells}");
        }
        [kind, inbox] if kind == "collect" => {
            let options = taizhang::ledger::LedgerOptions::default();
            let (_, reports) =
                taizhang::ledger::collect(Path::new(inbox), &options).expect("collect the inbox");
            let orgs: usize = reports.iter().map(|r| r.organizations()).sum();
            eprintln!("organizations read: {orgs}");
        }
        [kind, rows, out] if kind == "write" => {
            bare_write(rows.parse().expect("rows"), Path::new(out));
            std::fs::remove_file(out).ok();
        }
        _ => panic!("unknown child command {args:?}"),
    }
}

/// Every non-empty cell of every sheet of every .xlsx file, read on a 2-thread pool.
fn bare_read(inbox: &Path) -> usize {
    let mut files: Vec<PathBuf> = std::fs::read_dir(inbox)
        .expect("read the inbox")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a thread pool");
    pool.install(|| files.par_iter().map(|p| read_every_cell(p)).sum())
}

fn read_every_cell(path: &Path) -> usize {
    let mut workbook = open_workbook_auto(path).expect("open a generated form");
    let names = workbook.sheet_names();
    names
        .iter()
        .filter_map(|name| workbook.worksheet_range(name).ok())
        .map(|range| {
            range
                .used_cells()
                .filter(|(_, _, c)| **c != Data::Empty)
                .count()
        })
        .sum()
}

/// Kinds of the 台账明细 columns: text or number, in the ledger's column order.
fn ledger_columns() -> Vec<bool> {
    let numeric = |kind: &Kind| {
        matches!(
            kind,
            Kind::Int { .. } | Kind::Decimal { .. } | Kind::Percent
        )
    };
    let mut cols = vec![false; 6]; // 单位代码, 单位名称, 名称, 编码, 类型, 领域
    cols.extend(taizhang::ledger::detail::value_columns().map(|(_, c)| numeric(&c.kind)));
    cols.extend([true; 6]); // five survey points and 总分
    cols.extend([false, false, false, false, false, false, true]); // tiers .. 来源文件, 来源行
    debug_assert!(ORGANIZATIONS.columns.len() > 7);
    cols
}

/// A constant-memory write of `rows` rows shaped like 台账明细: the writer's share of a run.
fn bare_write(rows: usize, out: &Path) {
    let columns = ledger_columns();
    let mut workbook = Workbook::new();
    let names: Vec<String> = (0..1000).map(|n| format!("青山县第{n}党支部")).collect();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .expect("a constant-memory worksheet");
    for col in 0..columns.len() {
        sheet
            .write_string(0, col as u16, format!("列{col}"))
            .expect("header");
    }
    for row in 1..=rows as u32 {
        for (col, &numeric) in columns.iter().enumerate() {
            let col = col as u16;
            if numeric {
                sheet.write_number(row, col, f64::from(row % 97 + u32::from(col)))
            } else {
                sheet.write_string(row, col, &names[row as usize % names.len()])
            }
            .expect("write a cell");
        }
    }
    // Compressed as the ledger is: a floor at another level would not be the same work.
    workbook.set_zip_compression_level(taizhang::ledger::writer::ZIP_LEVEL);
    workbook.save(out).expect("save the bare workbook");
}
