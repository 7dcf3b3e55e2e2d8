//! A file longer than the rows held in memory goes through the ledger in parts
//! (`read_form_in_parts`): the ledger, the reports, 报送情况 and the feedback workbooks are the
//! same as when every file is held whole.

use crate::support::{root, temp_dir};
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use taizhang::attribution::Placement;
use taizhang::builder::{Cell, FormBuilder};
use taizhang::check::FileReport;
use taizhang::ledger::{
    pipeline, sink, Ledger, LedgerError, LedgerOptions, LedgerSink, RunOptions,
};
use taizhang::read::Limits;
use taizhang::roster::Roster;
use taizhang::status::Expectation;

/// The workbook written and every report kept, counting the calls for each file.
struct Counted {
    book: sink::Workbook,
    kept: sink::Collector,
    calls: HashMap<PathBuf, usize>,
}

impl LedgerSink for Counted {
    type Done = (Vec<(FileReport, Placement)>, HashMap<PathBuf, usize>);

    fn add(&mut self, report: FileReport, placement: &Placement) -> Result<(), LedgerError> {
        *self.calls.entry(report.path.clone()).or_default() += 1;
        self.book.add(report.clone(), placement)?;
        self.kept.add(report, placement)
    }

    fn finish(self, ledger: &Ledger) -> Result<Self::Done, LedgerError> {
        self.book.finish(ledger)?;
        Ok((self.kept.finish(ledger)?, self.calls))
    }
}

/// What one run gives: the reports, the calls per file, 报送情况 as JSON, and the summary
/// as `ledger --format json` prints it.
struct Run {
    reports: Vec<(FileReport, Placement)>,
    calls: HashMap<PathBuf, usize>,
    status: serde_json::Value,
    summary: serde_json::Value,
}

/// The ledger of the samples with a roster and feedback, at most `held_rows` records held.
fn run(inbox: &Path, out: &Path, feedback: &Path, held_rows: u32) -> Run {
    let mut options = LedgerOptions::default();
    options.check.limits = Limits {
        held_rows,
        ..Limits::default()
    };
    let roster = Roster::load(&root().join("samples/roster.xlsx")).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2023, 4, 10);
    let expect = Expectation::new(Some(roster), None, day);
    let sink = Counted {
        book: sink::Workbook::new(inbox, out, &options).unwrap(),
        kept: sink::Collector::default(),
        calls: HashMap::new(),
    };
    let found = taizhang::discover::discover(inbox, &options.exclude);
    let run = RunOptions {
        expect: &expect,
        feedback: Some(feedback),
        progress: &|_| {},
    };
    let finished = pipeline::run(inbox, found, &options, &run, sink).unwrap();
    let status = finished.ledger.status.as_ref().expect("a roster: 报送情况");
    let mut summary =
        serde_json::to_value(taizhang::ledger::summarize(&finished.ledger, out)).unwrap();
    summary["output"] = serde_json::Value::Null;
    let (reports, calls) = finished.done;
    Run {
        reports,
        calls,
        status: serde_json::to_value(status).unwrap(),
        summary,
    }
}

/// Every sheet of a workbook, by name, in order.
fn sheets(path: &Path) -> Vec<(String, calamine::Range<Data>)> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    let ranges = names.iter().map(|n| book.worksheet_range(n).unwrap());
    names
        .iter()
        .cloned()
        .zip(ranges.collect::<Vec<_>>())
        .collect()
}

/// A workbook's cells with the time of day it was made in (`2026-04-16 09:30`) blanked.
fn without_times(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let is_time = |cell: &Data| match cell {
        Data::String(text) => chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").is_ok(),
        _ => false,
    };
    let blank = |cell: &Data| {
        if is_time(cell) {
            Data::Empty
        } else {
            cell.clone()
        }
    };
    let rows = |range: &calamine::Range<Data>| -> Vec<Vec<Data>> {
        range
            .rows()
            .map(|row| row.iter().map(blank).collect())
            .collect()
    };
    (sheets(path).iter())
        .map(|(name, range)| (name.clone(), rows(range)))
        .collect()
}

/// The samples, and a return of a unit outside the roster with 40 organizations, one of them
/// also on 青山县卫生健康局's list, and no 统一社会信用代码 column on its coverage sheet (an
/// issue found before its organizations are read, about a sheet read after them).
fn inbox(dir: &Path) -> PathBuf {
    let inbox = dir.join("收件箱");
    std::fs::create_dir(&inbox).unwrap();
    for entry in std::fs::read_dir(root().join("samples/摸底")).unwrap() {
        let from = entry.unwrap().path();
        std::fs::copy(&from, inbox.join(from.file_name().unwrap())).unwrap();
    }
    FormBuilder::new()
        .unit("外县镇")
        .code("999999001")
        .orgs(40)
        .edit_org(30, |o| o.set("org_code", "0511101102006"))
        .edit_org(33, |o| o.set("full_members", Cell::text("若干")))
        .coverage(|c| c)
        .coverage(|c| c.set("members", 1))
        .omit("uscc")
        .write(inbox.join("外县镇.xlsx"))
        .unwrap();
    inbox
}

#[test]
fn a_ledger_read_in_parts_is_the_ledger_read_whole() {
    let dir = temp_dir();
    let inbox = inbox(dir.path());
    let path = |name: &str| dir.path().join(name);
    let parts = run(&inbox, &path("parts.xlsx"), &path("parts"), 3);
    let whole = run(&inbox, &path("whole.xlsx"), &path("whole"), 100_000);

    // Files were handed on in parts, and more than one of them.
    let split = parts.calls.values().filter(|&&calls| calls > 1).count();
    assert!(split >= 5, "{:?}", parts.calls);
    assert!(whole.calls.values().all(|&calls| calls == 1));

    assert_eq!(parts.reports, whole.reports);
    assert_eq!(parts.status, whole.status);
    assert_eq!(parts.summary["outside_roster"]["files"], 1);
    assert_eq!(parts.summary, whole.summary);
    let (a, b) = (sheets(&path("parts.xlsx")), sheets(&path("whole.xlsx")));
    assert_eq!(a.len(), b.len());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "sheet {name}");
    }
    let feedback = crate::support::file_names(&path("whole"));
    assert!(feedback.len() >= 10, "{feedback:?}");
    assert_eq!(crate::support::file_names(&path("parts")), feedback);
    for name in &feedback {
        let (x, y) = (path("parts").join(name), path("whole").join(name));
        assert_eq!(without_times(&x), without_times(&y), "{name}");
    }
}
