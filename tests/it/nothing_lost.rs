//! Nothing lost (issue 6): every file and every row is accounted for, inputs are never touched,
//! a killed run leaves the previous ledger whole, and strings from forms stay text.

use crate::support::{root, temp_dir};
use calamine::{open_workbook, open_workbook_auto, Data, Reader, Xlsx};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use taizhang::builder::{Cell, FormBuilder};
use taizhang::check::FileReport;
use taizhang::form::SkipReason;
use taizhang::ledger::model::FileStatus;
use taizhang::ledger::{self, Ledger, LedgerOptions};
use taizhang::read::{Limits, Workbook};
use taizhang::status::Expectation;

// ---- reconciliation --------------------------------------------------------------------------

/// Rows from below a table's header to the sheet's last used row, counted on the file itself.
fn rows_under_header(path: &Path, sheet: &str, header_row: u32) -> usize {
    let mut book = Workbook::open(path, &Limits::default()).expect("open");
    let grid = book.load(sheet).expect("sheet");
    grid.height().saturating_sub(header_row + 1) as usize
}

/// Run a ledger of `inbox` and check both equations of 文件清单 on the figures, on the rows
/// counted independently in each file, on the JSON summary and on the sheet written.
fn assert_reconciles(inbox: &Path) -> (usize, usize) {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let options = LedgerOptions {
        exclude: vec![out.clone()],
        ..LedgerOptions::default()
    };
    let discovery = taizhang::discover::discover(inbox, &options.exclude);
    let expect = Expectation::new(None, None, None);
    let (ledger, files) = crate::support::ledger_run(inbox, Some(&out), &options, &expect);
    let reports: Vec<FileReport> = files.into_iter().map(|(r, _)| r).collect();

    let lines = ledger.files.lines();
    let count = |f: fn(&FileStatus) -> bool| lines.iter().filter(|e| f(&e.status)).count();
    let read = count(|s| *s == FileStatus::Read);
    let failed = count(|s| *s == FileStatus::Failed);
    let ignored = count(|s| matches!(s, FileStatus::Ignored(_)));
    let superseded = count(|s| matches!(s, FileStatus::Superseded(_)));
    assert_eq!(
        discovery.found(),
        ledger.files.len(),
        "every file found is listed"
    );
    assert_eq!(lines.len(), ledger.files.len());
    assert_eq!(ledger.files.len(), read + failed + ignored + superseded);

    let summary = ledger::summarize(&ledger, &out);
    let json = serde_json::to_value(&summary).expect("json");
    let files = &json["files"];
    let n = |k: &str| files[k].as_u64().unwrap_or(0) as usize;
    assert_eq!(
        n("found"),
        n("read") + n("failed") + n("ignored") + n("superseded")
    );
    assert_eq!(n("found"), ledger.files.len());

    let mut rows_total = 0;
    for report in &reports {
        let Some(form) = &report.form else { continue };
        // Continuation sheets' rows, and the rows of list sheets whose header is not found or
        // that are hidden.
        let unread = form
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::Unread | SkipReason::Hidden));
        let mut rows = unread.count();
        for table in form.tables() {
            rows += rows_under_header(&report.path, &table.sheet, table.header_row);
        }
        let skipped = form.skipped.len();
        assert_eq!(
            rows,
            form.organizations.len() + form.coverage.len() + skipped,
            "{}: rows under the headers = organizations + coverage rows + skipped rows",
            report.path.display()
        );
        let entry = lines
            .iter()
            .find(|e| Path::new(&e.path) == report.path.strip_prefix(inbox).unwrap())
            .expect("entry");
        if entry.status == FileStatus::Read {
            assert_eq!(
                entry.organizations
                    + entry.coverage_rows
                    + entry.blank_rows
                    + entry.total_rows
                    + entry.unread_rows,
                rows
            );
            rows_total += rows;
        }
    }
    assert_reconciliation_lines(&out, &ledger, rows_total);
    (ledger.files.len(), rows_total)
}

/// The numbers of 文件清单's reconciliation lines add up, and are the run's.
fn assert_reconciliation_lines(out: &Path, ledger: &Ledger, rows: usize) {
    let mut book: Xlsx<_> = open_workbook(out).expect("ledger");
    let sheet = book.worksheet_range("文件清单").expect("文件清单");
    let lines: Vec<String> = sheet
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) if s.contains(" = ") => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines[..2] {
        let numbers: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|t| t.parse().ok())
            .collect();
        let (total, parts) = numbers.split_first().expect("numbers");
        assert_eq!(*total, parts.iter().sum::<usize>(), "{line}");
    }
    assert!(lines[0].contains(&format!("共发现文件 {} 个", ledger.files.len())));
    assert!(
        lines[1].contains(&format!("数据行 {rows} ")),
        "{}",
        lines[1]
    );
}

#[test]
fn files_and_rows_reconcile_on_the_samples() {
    let (files, rows) = assert_reconciles(&root().join("samples/摸底"));
    assert!(files >= 10 && rows > 100, "{files} files, {rows} rows");
}

#[test]
fn files_reconcile_on_the_corpus() {
    let corpus = root().join("../shared/corpus/calamine");
    if !corpus.is_dir() {
        eprintln!("note: {} is absent; skipped", corpus.display());
        return;
    }
    let (files, _) = assert_reconciles(&corpus);
    assert!(files > 100, "{files}");
}

// ---- inputs untouched --------------------------------------------------------------------------

/// Path → (content hash, modification time) of every file under `dir`.
fn fingerprints(dir: &Path) -> BTreeMap<PathBuf, (blake3::Hash, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            let modified = e.metadata().expect("meta").modified().expect("mtime");
            (e.path().to_path_buf(), (blake3::hash(&bytes), modified))
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn taizhang() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("taizhang"))
}

/// `taizhang ledger INBOX -o OUT`, to be run or spawned.
fn ledger(inbox: &Path, out: &Path) -> Command {
    let mut command = taizhang();
    command.arg("ledger").arg(inbox).arg("-o").arg(out);
    command
}

#[test]
fn a_ledger_run_never_modifies_or_moves_its_inputs() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    copy_dir(&root().join("samples/摸底"), &inbox);
    std::fs::write(inbox.join("~$白马镇.xlsx"), b"lock").unwrap();
    std::fs::write(inbox.join("坏文件.xlsx"), b"PK\x03\x04broken").unwrap();
    let before = fingerprints(&inbox);
    // The ledger and feedback written inside the inbox, as a clerk might.
    let status = taizhang()
        .arg("ledger")
        .arg(&inbox)
        .arg("-o")
        .arg(inbox.join("台账.xlsx"))
        .arg("--feedback")
        .arg(inbox.join("反馈"))
        .stdout(Stdio::null())
        .status()
        .expect("run");
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    let mut after = fingerprints(&inbox);
    after.retain(|p, _| !p.starts_with(inbox.join("反馈")) && *p != inbox.join("台账.xlsx"));
    assert_eq!(before, after, "inputs changed, moved or left beside");
    assert!(inbox.join("台账.xlsx").is_file());
}

// ---- a killed run ------------------------------------------------------------------------------

/// `count` forms of 400 clean organizations each in `inbox`: a run over them takes a while.
fn write_towns(inbox: &Path, count: usize) {
    for i in 0..count {
        FormBuilder::new()
            .unit(format!("第{i}镇"))
            .code(format!("5111010{i:02}"))
            .orgs(400)
            .write(inbox.join(format!("第{i}镇.xlsx")))
            .unwrap();
    }
}

/// A temporary file of an unfinished ledger write in `dir`.
fn temp_ledger(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".tmp"))
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_ledger_intact() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    FormBuilder::new()
        .unit("白马镇")
        .code("511101001")
        .orgs(3)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let out_dir = dir.path().join("台账");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("台账.xlsx");
    let first = ledger(&inbox, &out).stdout(Stdio::null()).status().unwrap();
    assert!(first.success());
    let previous = std::fs::read(&out).unwrap();

    // A larger inbox, so that writing the new ledger takes a while.
    write_towns(&inbox, 24);
    let mut killed_mid_write = false;
    for _attempt in 0..3 {
        let mut child = ledger(&inbox, &out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let mut seen = false;
        while start.elapsed() < Duration::from_secs(120) {
            if temp_ledger(&out_dir).is_some() {
                seen = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().ok();
        child.wait().unwrap();
        let now = std::fs::read(&out).unwrap();
        if seen && still_running && now == previous {
            killed_mid_write = true;
            break;
        }
        // The write finished before the kill: the new ledger must be whole.
        let mut book: Xlsx<_> = open_workbook(&out).expect("a finished ledger opens");
        assert!(book.worksheet_range("文件清单").is_ok());
    }
    assert!(killed_mid_write, "never caught the run while it wrote");
    let mut book: Xlsx<_> = open_workbook(&out).expect("the previous ledger still opens");
    let files = book.worksheet_range("文件清单").unwrap();
    assert!(files
        .rows()
        .any(|r| r.first() == Some(&Data::String("白马镇.xlsx".into()))));
    // Whatever is left of the killed write is a hidden temporary file, never the ledger's name.
    for entry in std::fs::read_dir(&out_dir).unwrap().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(name == "台账.xlsx" || name.starts_with('.'), "{name}");
    }
}

/// The run's scratch files (the spilled reports, the key buckets, the sheets being written)
/// are unlinked as soon as they are made: a run killed at any point leaves its temporary
/// folder as it found it.
#[test]
fn a_killed_run_leaves_nothing_in_the_temporary_folder() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    write_towns(&inbox, 40);
    let scratch = dir.path().join("临时");
    std::fs::create_dir_all(&scratch).unwrap();
    let out = dir.path().join("台账.xlsx");
    let mut child = ledger(&inbox, &out)
        .env("TMPDIR", &scratch)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let entries = || std::fs::read_dir(&scratch).unwrap().count();
    let start = Instant::now();
    let mut polls = 0;
    while child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_millis(200) {
        assert_eq!(entries(), 0, "a scratch file was left visible");
        polls += 1;
        std::thread::sleep(Duration::from_micros(200));
    }
    let killed = child.try_wait().unwrap().is_none();
    child.kill().ok();
    child.wait().unwrap();
    assert!(
        polls > 10 && killed,
        "the run ended before it could be watched ({polls} looks, {:?})",
        start.elapsed()
    );
    assert_eq!(entries(), 0, "the killed run left scratch files");
}

// ---- strings stay text ---------------------------------------------------------------------------

#[test]
fn strings_that_look_like_formulas_are_written_as_text() {
    let names = [
        "=1+1",
        "+86党支部",
        "-党支部",
        "@SUM(A1:A9)",
        "＝HYPERLINK(\"http://x\",\"点我\")",
        "=cmd|' /C calc'!A0",
    ];
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut form = FormBuilder::new().unit("=白马镇").code("511101001");
    for (i, name) in names.iter().enumerate() {
        form = form.org(|o| {
            o.name(*name)
                .code(Cell::text(format!("＝{i}+1")))
                .remarks(*name)
        });
    }
    form.write(inbox.join("白马镇.xlsx")).unwrap();
    let out = dir.path().join("台账.xlsx");
    let options = LedgerOptions::default();
    let expect = Expectation::new(None, None, None);
    crate::support::ledger_run(&inbox, Some(&out), &options, &expect);

    let mut book = open_workbook_auto(&out).unwrap();
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        let found: Vec<&String> = formulas
            .used_cells()
            .map(|(_, _, f)| f)
            .filter(|f| !f.is_empty())
            .collect();
        assert!(found.is_empty(), "{sheet} has formulas: {found:?}");
    }
    let detail = book.worksheet_range("台账明细").unwrap();
    let texts: Vec<&str> = detail
        .used_cells()
        .filter_map(|(_, _, v)| match v {
            Data::String(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    for name in names {
        assert!(
            texts.contains(&name),
            "{name} not written as text: {texts:?}"
        );
    }
    // 党组织编码 is width-folded: ＝0+1 became =0+1, and is still text.
    assert!(texts.contains(&"=0+1"), "{texts:?}");
    assert!(texts.contains(&"=白马镇"), "{texts:?}");
}
