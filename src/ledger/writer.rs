//! The ledger workbook's writer (behind [`super::sink::Workbook`]): rows are appended report by
//! report to constant-memory sheets, and the sheets that need the whole picture (汇总, 报送情况,
//! 两新覆盖, 文件清单) are written at the end from the consolidated figures.
//!
//! Memory stays flat: each list sheet keeps one row in memory and the rest in its temporary
//! file; formats are built once; cells are written straight from the report. Cells take their
//! number format and fill from their column (column formats, conditional highlights) rather
//! than a format of their own wherever they can: a per-cell format costs a hash of the whole
//! format. 台账明细 (most of the work) and the other lists are written on two threads.

use super::continued::{Continued, EXCEL_ROWS};
use super::model::Ledger;
use super::rows::{Line, RowStyles, Sink};
use super::style::Styles;
use super::LedgerError;
use super::{
    coverage, cross, decided, detail, files, issues, laggards, problems, ranking, submissions,
    summary,
};
use crate::attribution::unit_key;
use crate::check::CheckOptions;
use crate::check::FileReport;
use crate::print::Print;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The ledger's title, at the top of every printed page.
const TITLE: &str = "基层党组织分类管理台账";

/// The list sheets' formats, built once for `check`'s rules and day.
fn row_styles(check: &CheckOptions) -> RowStyles {
    RowStyles {
        rules: check.rules.clone(),
        styles: Styles::new(Print::now(TITLE, "数据截至")),
        detail_values: detail::value_formats(),
        today: check.today,
    }
}

/// A ledger being written: list sheets filled report by report, then [`LedgerWriter::finish`].
///
/// 台账明细 is most of the writing and one sheet is written by one thread, so the other lists
/// are written beside it, on a thread of their own, from the reports [`LedgerWriter::add`]
/// passes on.
pub struct LedgerWriter {
    inbox: PathBuf,
    workbook: Arc<Mutex<Workbook>>,
    rows: Arc<RowStyles>,
    detail: Continued,
    detail_buf: String,
    /// To the other lists' thread: a report, its line, and whether it counts.
    to_others: SyncSender<(FileReport, Line, bool)>,
    /// Taken when it is joined: at the end, or when it stopped on an error.
    others: Option<JoinHandle<Result<OtherLists, LedgerError>>>,
}

/// The lists other than 台账明细, written together.
struct OtherLists {
    laggards: Continued,
    coverage: Continued,
    issues: Continued,
}

/// How many reports may wait for the other lists' thread.
const OTHERS_QUEUE: usize = 8;

impl LedgerWriter {
    /// `sheet_rows` is the most rows a sheet holds before a list continues on the next.
    pub fn new(
        check: &CheckOptions,
        inbox: &Path,
        sheet_rows: u32,
    ) -> Result<LedgerWriter, LedgerError> {
        Self::open(check, inbox, sheet_rows).map_err(write_error)
    }

    fn open(check: &CheckOptions, inbox: &Path, limit: u32) -> Result<LedgerWriter, XlsxError> {
        let rules = &check.rules;
        let mut workbook = Workbook::new();
        let rows = Arc::new(row_styles(check));
        let styles = &rows.styles;
        let mut list = |name, columns| Continued::new(&mut workbook, name, columns, limit, styles);
        let detail = list(detail::SHEET, detail::columns(rules))?;
        let others = OtherLists {
            laggards: list(laggards::SHEET, laggards::columns(rules))?,
            coverage: list(coverage::ROWS_SHEET, coverage::row_columns())?,
            issues: list(issues::SHEET, issues::columns())?,
        };
        let workbook = Arc::new(Mutex::new(workbook));
        let (to_others, arrived) = mpsc::sync_channel(OTHERS_QUEUE);
        let (book, styles) = (Arc::clone(&workbook), Arc::clone(&rows));
        let others = std::thread::spawn(move || {
            unless_panicked(|| write_others(others, arrived, &book, &styles))
        });
        Ok(LedgerWriter {
            inbox: inbox.to_path_buf(),
            workbook,
            rows,
            detail,
            detail_buf: String::new(),
            to_others,
            others: Some(others),
        })
    }

    /// Append the rows of one report: its organizations and the other lists' rows when it
    /// `counts`, else (a return of another 调查阶段) its 校验问题 rows only.
    pub fn add(&mut self, report: FileReport, counts: bool) -> Result<(), LedgerError> {
        let (code, name) = unit_key(&report);
        let source = super::model::relative(&self.inbox, &report.path);
        let line = Line { code, name, source };
        if counts {
            let sink = &mut Sink {
                workbook: &self.workbook,
                rows: &self.rows,
                buf: &mut self.detail_buf,
            };
            detail::write_report(&mut self.detail, sink, &report, &line).map_err(write_error)?;
        }
        if self.to_others.send((report, line, counts)).is_err() {
            // The other lists' thread stopped on an error: the run stops with it.
            join(&mut self.others)?;
        }
        Ok(())
    }
}

/// The other lists back from their thread once it has ended (its error, if it stopped on one).
fn join(
    others: &mut Option<JoinHandle<Result<OtherLists, LedgerError>>>,
) -> Result<OtherLists, LedgerError> {
    let others = others
        .take()
        .expect("the other lists' thread is joined once");
    others.join().expect("the other lists' thread")
}

/// The other lists' thread: 后进整改, 两新明细 and 校验问题 rows of each report as it arrives.
fn write_others(
    mut lists: OtherLists,
    arrived: Receiver<(FileReport, Line, bool)>,
    workbook: &Mutex<Workbook>,
    rows: &RowStyles,
) -> Result<OtherLists, LedgerError> {
    let mut buf = String::new();
    for (report, line, counts) in arrived {
        let sink = &mut Sink {
            workbook,
            rows,
            buf: &mut buf,
        };
        let written = match counts {
            true => laggards::write_report(&mut lists.laggards, sink, &report, &line)
                .and_then(|()| coverage::write_report(&mut lists.coverage, sink, &report, &line))
                .and_then(|()| issues::write_report(&mut lists.issues, sink, &report, &line)),
            false => issues::write_report(&mut lists.issues, sink, &report, &line),
        };
        written.map_err(write_error)?;
    }
    Ok(lists)
}

impl LedgerWriter {
    /// Write the summary sheets from `ledger`'s figures, put the sheets in tab order and save
    /// the workbook to `output` through a temporary file renamed into place (replacing only
    /// a ledger of ours, or anything when `force`: [`crate::output`]).
    pub fn finish(self, ledger: &Ledger, output: &Path, force: bool) -> Result<(), LedgerError> {
        let LedgerWriter {
            workbook,
            rows,
            detail,
            to_others,
            mut others,
            ..
        } = self;
        drop(to_others);
        let others = join(&mut others)?;
        let workbook = Arc::into_inner(workbook).expect("the only workbook handle");
        let workbook = workbook.into_inner().expect("workbook lock");
        let mut workbook =
            assemble(workbook, &rows, detail, others, ledger).map_err(write_error)?;
        let kind = crate::output::Kind::Ledger;
        crate::save::save_output(&mut workbook, output, kind, force)?;
        Ok(())
    }
}

/// The summary sheets written from `ledger`'s figures and the sheets put in tab order.
fn assemble(
    mut workbook: Workbook,
    rows: &RowStyles,
    detail: Continued,
    others: OtherLists,
    ledger: &Ledger,
) -> Result<Workbook, XlsxError> {
    let OtherLists {
        laggards,
        coverage,
        issues,
    } = others;
    let styles = &rows.styles;
    let mut end_sheet = |write: &dyn Fn(&mut Worksheet) -> Result<(), XlsxError>| {
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        write(&mut sheet)?;
        Ok::<Worksheet, XlsxError>(sheet)
    };
    let mut order = vec![end_sheet(&|s| summary::write(s, ledger, styles))?];
    if ledger.status.is_some() {
        order.push(end_sheet(&|s| submissions::write(s, ledger, styles))?);
    }
    order.extend(detail.finish()?);
    order.extend(laggards.finish()?);
    order.push(end_sheet(&|s| coverage::write(s, ledger, styles))?);
    order.extend(coverage.finish()?);
    order.push(end_sheet(&|s| problems::write(s, ledger, styles))?);
    order.push(end_sheet(&|s| cross::write(s, ledger, styles))?);
    let ranking = ranking::of_ledger(ledger);
    let note = "台账按本次报送的情况考评；后进转化率、争创目标达成率在晋位升级工作簿（taizhang upgrade）中考评，整改按期完成在整改跟踪表（taizhang rectify）中考评。";
    order.push(end_sheet(&|s| ranking::write(s, &ranking, styles, note))?);
    if ledger.decisions.is_some() {
        order.push(end_sheet(&|s| decided::write(s, ledger, styles))?);
    }
    order.extend(issues.finish()?);
    order.push(end_sheet(&|s| files::write(s, ledger, styles))?);
    for sheet in order {
        workbook.push_worksheet(sheet);
    }
    workbook.push_worksheet(crate::marker::meta_sheet(crate::marker::LEDGER)?);
    workbook.set_zip_compression_level(ZIP_LEVEL);
    Ok(workbook)
}

/// A writing error; one of a temporary file (the constant-memory sheets') is said as every
/// temporary file's error is, in Chinese.
fn write_error(source: XlsxError) -> LedgerError {
    match source {
        XlsxError::TempFileError(_, error) | XlsxError::IoError(error) => {
            LedgerError::Scratch { error }
        }
        source => LedgerError::Write { source },
    }
}

/// The ledger's zip compression level. The zip is compressed on one thread after the last
/// row, while the readers idle. Measured on 200,000 organizations: level 1 takes 0.8 s where
/// 2 takes 1.0 s and 3 1.3 s, for a file of 66 MB instead of 51 or 47 MB (a county's stays
/// under 1 MB).
pub const ZIP_LEVEL: u8 = 1;

/// Excel's limit, the default of [`super::LedgerOptions::sheet_rows`].
pub const fn default_sheet_rows() -> u32 {
    EXCEL_ROWS
}

/// Run a part that writes sheets, a panic in it made the error it stands for.
///
/// rust_xlsxwriter's constant-memory sheets `expect` every write to their temporary file, so a
/// full disk panics the writer thread (and, before this, the run, with no word a clerk could
/// act on). Such a panic is the temporary-file error it is: its message carries the system's
/// error code, and the run ends with the same message as any other temporary file's failure.
pub(crate) fn unless_panicked<T>(
    part: impl FnOnce() -> Result<T, LedgerError>,
) -> Result<T, LedgerError> {
    let was = WRITING.replace(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(part));
    WRITING.set(was);
    result.unwrap_or_else(|payload| {
        Err(LedgerError::Scratch {
            error: panic_error(payload.as_ref()),
        })
    })
}

thread_local! {
    /// Whether this thread is in [`unless_panicked`], whose panics are reported as errors.
    static WRITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keep the default panic message (English, with a backtrace) for panics that end the
/// program; a writer's panic that [`unless_panicked`] turns into an error says nothing more
/// than that error. For the binary's `main`, before any thread starts.
pub fn quiet_writer_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !WRITING.get() {
            default(info);
        }
    }));
}

/// The I/O error a writer's panic message tells of ("…: Os { code: 28, kind: StorageFull, … }"),
/// else the message itself.
fn panic_error(payload: &(dyn std::any::Any + Send)) -> std::io::Error {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("写出工作表时程序出错");
    let code = ["code: ", "os error "].iter().find_map(|marker| {
        let (_, rest) = text.split_once(marker)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    match code {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::other(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_panic_on_a_full_disk_is_the_temporary_file_error() {
        let full = std::io::Error::from_raw_os_error(28);
        let failed = unless_panicked::<()>(|| panic!("Couldn't write to xlsx file: {full:?}"));
        let Err(LedgerError::Scratch { error }) = failed else {
            panic!("not a temporary-file error: {failed:?}");
        };
        assert_eq!(error.kind(), std::io::ErrorKind::StorageFull);
        let message = LedgerError::Scratch { error }.to_string();
        assert!(message.contains("磁盘空间不足"), "{message}");
        let Err(LedgerError::Scratch { error }) =
            unless_panicked::<()>(|| panic!("something else"))
        else {
            panic!("not a temporary-file error");
        };
        assert_eq!(error.to_string(), "something else");
        assert!(unless_panicked(|| Ok(7)).is_ok_and(|n| n == 7));
    }
}
