//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use taizhang::attribution::Placement;
use taizhang::check::FileReport;
use taizhang::ledger::{
    pipeline, sink, Ledger, LedgerError, LedgerOptions, LedgerSink, RunOptions,
};
use taizhang::status::Expectation;

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    names.sort();
    names
}

/// The keys of a JSON object, in document order (the JSON contracts fix their order).
pub fn json_keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// The ledger sinks side by side: the workbook written, and every report kept.
struct Both {
    book: sink::Workbook,
    kept: sink::Collector,
}

impl LedgerSink for Both {
    type Done = Vec<(FileReport, Placement)>;

    fn add(&mut self, report: FileReport, placement: &Placement) -> Result<(), LedgerError> {
        self.book.add(report.clone(), placement)?;
        self.kept.add(report, placement)
    }

    fn finish(self, ledger: &Ledger) -> Result<Self::Done, LedgerError> {
        self.book.finish(ledger)?;
        self.kept.finish(ledger)
    }
}

/// The ledger of `inbox` as `taizhang ledger` makes it, written to `out` when given, with
/// every report handed over (all but the superseded files) and its placement.
pub fn ledger_run<'a>(
    inbox: &Path,
    out: Option<&Path>,
    options: &'a LedgerOptions,
    expect: &Expectation,
) -> (Ledger<'a>, Vec<(FileReport, Placement)>) {
    let Some(out) = out else {
        let finished = taizhang::ledger::collect(inbox, options, expect).expect("ledger");
        return (finished.ledger, finished.done);
    };
    let sink = Both {
        book: sink::Workbook::new(inbox, out, options).expect("ledger output"),
        kept: sink::Collector::default(),
    };
    let found = taizhang::discover::discover(inbox, &options.exclude);
    let run = RunOptions {
        expect,
        feedback: None,
        progress: &|_| {},
    };
    let finished = pipeline::run(inbox, found, options, &run, sink).expect("ledger");
    (finished.ledger, finished.done)
}

/// A one-sheet workbook of text cells, row by row, saved beside `path` and renamed into
/// place (as an office suite's save ends): a decisions workbook in a test.
pub fn write_rows(path: &Path, rows: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    let temp = path.with_extension("tmp");
    book.save(&temp).unwrap();
    std::fs::rename(&temp, path).unwrap();
}
