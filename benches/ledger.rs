//! End-to-end benchmark of `taizhang ledger` against its floor and the Python baseline.
//!
//! ```text
//! cargo bench --bench ledger -- --scale province [--reps 3] [--data DIR] [--no-python]
//! cargo bench --bench ledger -- --scale varied [--forms N] [--orgs N]
//! ```
//!
//! Every measurement runs as a child process on the same generated files, so each gets its own
//! wall time and peak RSS (wait4's `ru_maxrss`: the largest single process of the child's tree,
//! so a multi-process Python run reports its largest process, not the sum):
//!
//! - (a) floor: bare calamine read of every cell of every sheet, rayon on 2 threads;
//! - (b) `taizhang ledger INBOX -o OUT` (the release binary), and (b1) its read-and-check half
//!   alone (discover, then `check_file` on every file in parallel);
//! - (c) `baseline.py --engine calamine|openpyxl --jobs 2`;
//! - (d) bare rust_xlsxwriter constant-memory write of as many rows and columns as 台账明细,
//!   at the ledger's zip compression level;
//! - (e) DuckDB (`read_xlsx`, `COPY ... TO x.xlsx`) and (f) polars with fastexcel: the peers an
//!   analyst reaches for, concatenating every form's 党组织情况 into one workbook
//!   (benches/peers/). They read the issued layout only, so they run on the clean scales, not
//!   on `varied`.
//!
//! `--reps` repetitions, interleaved so machine noise hits all alike; a measurement whose first
//! run takes more than 30 s runs once. The table gives each measurement's median and minimum;
//! each ratio is given per repetition (both sides from that repetition) and as the ratio of
//! minima. Data is generated on first use into /tmp/taizhang-bench/SCALE (or SCALE-FORMSxORGS
//! with `--forms`/`--orgs`; examples/gen_forms.rs) and kept for later runs.

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
const DUCKDB_PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/duckdb_peer.py");
const POLARS_PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/polars_peer.py");
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
        let mut scale = gen_forms::scale_named(&name).unwrap_or_else(|| {
            panic!("--scale is county, province, national or varied, not {name}")
        });
        let named = scale;
        if let Some(forms) = value("--forms") {
            scale.forms = forms.parse().expect("--forms N");
        }
        if let Some(orgs) = value("--orgs") {
            scale.orgs = orgs.parse().expect("--orgs N");
        }
        // Another size gets its own folder: a smaller set must not find a larger one's files.
        let folder = if scale == named {
            name
        } else {
            format!("{name}-{}x{}", scale.forms, scale.orgs)
        };
        Options {
            scale,
            reps: value("--reps").map_or(3, |r| r.parse().expect("--reps N")),
            data: value("--data").map_or_else(
                || PathBuf::from("/tmp/taizhang-bench").join(folder),
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
        ".complete-{}x{}-{:x}{}",
        s.forms,
        s.orgs,
        gen_forms::DEFAULT_SEED,
        if s.varied { "-varied" } else { "" }
    ));
    if !marker.exists() {
        eprintln!(
            "generating {} {} forms x {} into {}",
            s.forms,
            if s.varied { "varied" } else { "clean" },
            s.orgs,
            options.data.display()
        );
        gen_forms::generate(
            &options.data,
            s.forms,
            s.orgs,
            gen_forms::DEFAULT_SEED,
            s.varied,
        );
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
        label: "(b1) check every file only",
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
    peers(options, &out, &mut list);
    for m in &mut list {
        m.command.env("RAYON_NUM_THREADS", "2");
    }
    list
}

/// (e) DuckDB and (f) polars, each when its Python packages are installed.
fn peers(options: &Options, out: &Path, list: &mut Vec<Measurement>) {
    if !options.python {
        eprintln!("note: DuckDB and polars peers skipped (--no-python)");
        return;
    }
    if options.scale.varied {
        eprintln!(
            "note: DuckDB and polars peers skipped: they read the issued layout only (data from A4, \
             fixed columns); varied forms' title rows, reordered columns and 合计 rows defeat them"
        );
        return;
    }
    let inbox = options.data.as_os_str();
    if python_imports("duckdb, duckdb_ext") {
        let mut duckdb = Command::new("python3");
        duckdb
            .arg(DUCKDB_PEER)
            .arg(inbox)
            .arg(out.join("duckdb.xlsx"))
            .args(["--threads", "2"]);
        list.push(Measurement {
            label: "(e) DuckDB read_xlsx + COPY",
            command: duckdb,
        });
    } else {
        eprintln!(
            "note: DuckDB peer skipped: pip install duckdb==1.4.4 duckdb-ext-excel==1.4.4.20260205"
        );
    }
    if python_imports("polars, fastexcel, xlsxwriter") {
        let mut polars = Command::new("python3");
        polars
            .arg(POLARS_PEER)
            .arg(inbox)
            .arg(out.join("polars.xlsx"))
            .env("POLARS_MAX_THREADS", "2");
        list.push(Measurement {
            label: "(f) polars + fastexcel",
            command: polars,
        });
    } else {
        eprintln!("note: polars peer skipped: pip install polars fastexcel xlsxwriter");
    }
}

fn python_imports(modules: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Where the measured commands write their workbooks; removed after the run.
fn output_dir() -> PathBuf {
    std::env::temp_dir().join(format!("taizhang-bench-{}", std::process::id()))
}

fn python_ready() -> bool {
    Path::new(BASELINE).exists() && python_imports("python_calamine, openpyxl, xlsxwriter")
}

/// Wall time and peak RSS (KiB) of one run.
#[derive(Clone, Copy)]
struct Run {
    seconds: f64,
    max_rss_kib: i64,
}

/// Every measurement's run in each repetition: `results[m][rep]`, `None` where a slow
/// measurement was not repeated.
fn run_all(measurements: &[Measurement], reps: usize) -> Vec<Vec<Option<Run>>> {
    let mut results: Vec<Vec<Option<Run>>> = vec![Vec::new(); measurements.len()];
    for rep in 0..reps.max(1) {
        for (m, runs) in measurements.iter().zip(&mut results) {
            let slow = runs
                .first()
                .copied()
                .flatten()
                .is_some_and(|r| r.seconds > SLOW.as_secs_f64());
            if rep > 0 && slow {
                runs.push(None);
                continue;
            }
            let run = run_child(&m.command);
            eprintln!(
                "  {:<32} {:>8.3} s {:>8.1} MiB",
                m.label,
                run.seconds,
                run.max_rss_kib as f64 / 1024.0
            );
            runs.push(Some(run));
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

/// Median, minimum and largest peak RSS of one measurement's runs.
#[derive(Clone, Copy)]
struct Summary {
    median: f64,
    min: f64,
    max_rss_kib: i64,
    runs: usize,
}

fn summarize(runs: &[Option<Run>]) -> Summary {
    let runs: Vec<Run> = runs.iter().flatten().copied().collect();
    let mut seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    Summary {
        median: median(&seconds),
        min: seconds.first().copied().unwrap_or(f64::NAN),
        max_rss_kib: runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0),
        runs: runs.len(),
    }
}

/// The median of sorted values: the mean of the middle two of an even count.
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn print_table(
    options: &Options,
    files: &usize,
    rows: usize,
    measurements: &[Measurement],
    results: &[Vec<Option<Run>>],
) {
    let summaries: Vec<Summary> = results.iter().map(|r| summarize(r)).collect();
    println!(
        "\n{} scale{}: {} forms x {} = {} organizations; {} cores; {} repetitions\n",
        options.scale.name,
        if options.scale.varied {
            " (varied layouts)"
        } else {
            ""
        },
        files,
        options.scale.orgs,
        rows,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        options.reps.max(1)
    );
    println!(
        "| {:<30} | {:>9} | {:>9} | {:>10} | {:>13} | {:>4} |",
        "measurement", "median s", "min s", "rows/s", "peak RSS MiB", "runs"
    );
    println!(
        "|{:-<32}|{:->11}|{:->11}|{:->12}|{:->15}|{:->6}|",
        "", "", "", "", "", ""
    );
    for (m, s) in measurements.iter().zip(&summaries) {
        println!(
            "| {:<30} | {:>9.3} | {:>9.3} | {:>10.0} | {:>13.1} | {:>4} |",
            m.label,
            s.median,
            s.min,
            rows as f64 / s.min,
            s.max_rss_kib as f64 / 1024.0,
            s.runs
        );
    }
    print_ratios(measurements, results, &summaries);
}

/// A ratio of the summed times of two sets of measurements (by label prefix).
struct Ratio {
    name: &'static str,
    over: &'static [&'static str],
    under: &'static [&'static str],
    target: &'static str,
}

const RATIOS: &[Ratio] = &[
    Ratio {
        name: "(b) / ((a) + (d))",
        over: &["(b)"],
        under: &["(a)", "(d)"],
        target: "<= 1.5",
    },
    Ratio {
        name: "(b0) / (b)",
        over: &["(b0)"],
        under: &["(b)"],
        target: "",
    },
    Ratio {
        name: "baseline openpyxl / (b)",
        over: &["(c) baseline.py openpyxl"],
        under: &["(b)"],
        target: ">= 8",
    },
    Ratio {
        name: "baseline calamine / (b)",
        over: &["(c) baseline.py calamine"],
        under: &["(b)"],
        target: ">= 4",
    },
    Ratio {
        name: "DuckDB / (b)",
        over: &["(e)"],
        under: &["(b)"],
        target: "",
    },
    Ratio {
        name: "polars / (b)",
        over: &["(f)"],
        under: &["(b)"],
        target: "",
    },
];

/// Each ratio per repetition (both sides timed in that repetition; `-` where a slow side was
/// not repeated) and as the ratio of the minima.
fn print_ratios(measurements: &[Measurement], results: &[Vec<Option<Run>>], summaries: &[Summary]) {
    let find = |prefixes: &[&str]| -> Option<Vec<usize>> {
        prefixes
            .iter()
            .map(|p| measurements.iter().position(|m| m.label.starts_with(p)))
            .collect()
    };
    let reps = results.first().map_or(0, Vec::len);
    println!();
    println!(
        "| {:<24} | {:<22} | {:>9} | {:>6} |",
        "ratio", "per repetition", "of minima", "target"
    );
    println!("|{:-<26}|{:-<24}|{:->11}|{:->8}|", "", "", "", "");
    for ratio in RATIOS {
        let (Some(over), Some(under)) = (find(ratio.over), find(ratio.under)) else {
            continue;
        };
        let sum_in = |set: &[usize], rep: usize| -> Option<f64> {
            set.iter()
                .map(|&i| results[i].get(rep).copied().flatten().map(|r| r.seconds))
                .sum()
        };
        let per_rep: Vec<String> = (0..reps)
            .map(|rep| match (sum_in(&over, rep), sum_in(&under, rep)) {
                (Some(a), Some(b)) => format!("{:.2}", a / b),
                _ => "-".into(),
            })
            .collect();
        let min = |set: &[usize]| set.iter().map(|&i| summaries[i].min).sum::<f64>();
        println!(
            "| {:<24} | {:<22} | {:>9.2} | {:>6} |",
            ratio.name,
            per_rep.join(" "),
            min(&over) / min(&under),
            ratio.target
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
            let options = taizhang::check::CheckOptions::default();
            let found = taizhang::discover::discover(Path::new(inbox), &[]);
            let reports = taizhang::check::check_files(&found.candidates, &options);
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
