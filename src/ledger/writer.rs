//! The one ledger writer, shared by the streamed pipeline of `ledger` and `watch` (reports
//! streamed from the readers, dropped once written) and the in-memory path: rows are appended report by report to
//! constant-memory sheets, and the sheets that need the whole picture (汇总, 报送情况,
//! 两新覆盖, 文件清单) are written at the end from the consolidated figures.
//!
//! Memory stays flat: each list sheet keeps one row in memory and the rest in its temporary
//! file; formats are built once; cells are written straight from the report. Cells take their
//! number format and fill from their column (column formats, conditional highlights) rather
//! than a format of their own wherever they can: a per-cell format costs a hash of the whole
//! format. [`LedgerWriter::split`] gives 台账明细 (most of the work) and the other lists to
//! two threads.

use super::continued::{Continued, EXCEL_ROWS};
use super::model::Ledger;
use super::rows::{Line, RowStyles, Sink};
use super::style::Styles;
use super::{coverage, detail, files, issues, laggards, submissions, summary, LedgerError};
use crate::attribution::unit_key;
use crate::check::FileReport;
use crate::rules::Rules;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The list sheets' formats, built once for `rules`.
fn row_styles(rules: &Rules) -> RowStyles {
    RowStyles {
        rules: rules.clone(),
        styles: Styles::new(),
        detail_values: detail::value_formats(),
    }
}

/// A ledger being written: list sheets filled report by report, then [`LedgerWriter::finish`].
pub struct LedgerWriter {
    inbox: PathBuf,
    workbook: Mutex<Workbook>,
    rows: RowStyles,
    detail: Continued,
    detail_buf: String,
    others: OtherLists,
}

/// The lists other than 台账明细, written together.
struct OtherLists {
    laggards: Continued,
    coverage: Continued,
    issues: Continued,
    buf: String,
}

/// 台账明细's share of a [`LedgerWriter`], for a thread of its own.
pub struct DetailRows<'a> {
    list: &'a mut Continued,
    sink: Sink<'a>,
    inbox: &'a Path,
}

/// The other lists' share of a [`LedgerWriter`] (后进整改, 两新明细, 校验问题), for another thread.
pub struct OtherRows<'a> {
    lists: &'a mut OtherLists,
    workbook: &'a Mutex<Workbook>,
    rows: &'a RowStyles,
}

impl LedgerWriter {
    /// `sheet_rows` is the most rows a sheet holds before a list continues on the next.
    pub fn new(rules: &Rules, inbox: &Path, sheet_rows: u32) -> Result<LedgerWriter, LedgerError> {
        Self::open(rules, inbox, sheet_rows).map_err(|source| LedgerError::Write { source })
    }

    fn open(rules: &Rules, inbox: &Path, limit: u32) -> Result<LedgerWriter, XlsxError> {
        let mut workbook = Workbook::new();
        let rows = row_styles(rules);
        let styles = &rows.styles;
        let detail = Continued::new(
            &mut workbook,
            detail::SHEET,
            detail::columns_for(rules),
            limit,
            styles,
        )?;
        let laggards = Continued::new(
            &mut workbook,
            laggards::SHEET,
            laggards::columns(rules),
            limit,
            styles,
        )?;
        let coverage = Continued::new(
            &mut workbook,
            coverage::ROWS_SHEET,
            coverage::row_columns(),
            limit,
            styles,
        )?;
        let issues = Continued::new(
            &mut workbook,
            issues::SHEET,
            issues::columns(),
            limit,
            styles,
        )?;
        Ok(LedgerWriter {
            inbox: inbox.to_path_buf(),
            workbook: Mutex::new(workbook),
            rows,
            detail,
            detail_buf: String::new(),
            others: OtherLists {
                laggards,
                coverage,
                issues,
                buf: String::new(),
            },
        })
    }

    /// Append the rows of one report that counts (attribution's issues already on it).
    pub fn add(&mut self, report: &FileReport) -> Result<(), LedgerError> {
        let (mut detail, mut others) = self.split();
        let line = detail.add(report)?;
        others.add(report, &line)
    }

    /// Append the 校验问题 rows of a report that does not count (a return of another 调查阶段).
    pub fn add_issues(&mut self, report: &FileReport) -> Result<(), LedgerError> {
        let (detail, mut others) = self.split();
        let line = detail.line(report);
        others.add_issues(report, &line)
    }

    /// Two writers of disjoint sheets that may run on two threads: 台账明细, and the rest.
    pub fn split(&mut self) -> (DetailRows<'_>, OtherRows<'_>) {
        let detail = DetailRows {
            list: &mut self.detail,
            sink: Sink {
                workbook: &self.workbook,
                rows: &self.rows,
                buf: &mut self.detail_buf,
            },
            inbox: &self.inbox,
        };
        let others = OtherRows {
            lists: &mut self.others,
            workbook: &self.workbook,
            rows: &self.rows,
        };
        (detail, others)
    }
}

impl DetailRows<'_> {
    /// Append a report's organizations; gives back the line its rows in other lists share.
    pub fn add(&mut self, report: &FileReport) -> Result<Line, LedgerError> {
        let line = self.line(report);
        detail::write_report(self.list, &mut self.sink, report, &line)
            .map_err(|source| LedgerError::Write { source })?;
        Ok(line)
    }

    /// The line a report's rows share, its organizations not written (a return of another
    /// 调查阶段, whose issues alone are listed).
    pub fn line(&self, report: &FileReport) -> Line {
        let (code, name) = unit_key(report);
        let source = super::model::relative(self.inbox, &report.path);
        Line { code, name, source }
    }
}

impl OtherRows<'_> {
    /// Append a report's rows of 后进整改, 两新明细 and 校验问题.
    pub fn add(&mut self, report: &FileReport, line: &Line) -> Result<(), LedgerError> {
        let OtherLists {
            laggards,
            coverage,
            issues,
            buf,
        } = self.lists;
        let sink = &mut Sink {
            workbook: self.workbook,
            rows: self.rows,
            buf,
        };
        laggards::write_report(laggards, sink, report, line)
            .and_then(|()| coverage::write_report(coverage, sink, report, line))
            .and_then(|()| issues::write_report(issues, sink, report, line))
            .map_err(|source| LedgerError::Write { source })
    }

    /// Append a report's rows of 校验问题 only (a return of another 调查阶段).
    pub fn add_issues(&mut self, report: &FileReport, line: &Line) -> Result<(), LedgerError> {
        let OtherLists { issues, buf, .. } = self.lists;
        let sink = &mut Sink {
            workbook: self.workbook,
            rows: self.rows,
            buf,
        };
        issues::write_report(issues, sink, report, line)
            .map_err(|source| LedgerError::Write { source })
    }
}

impl LedgerWriter {
    /// Organizations written to 台账明细 so far.
    pub fn detail_rows(&self) -> u64 {
        self.detail.rows()
    }

    /// Write the summary sheets from `ledger`'s figures, put the sheets in tab order and save
    /// the workbook to `output` through a temporary file renamed into place (replacing only
    /// a ledger of ours, or anything when `force`: [`crate::output`]).
    pub fn finish(self, ledger: &Ledger, output: &Path, force: bool) -> Result<(), LedgerError> {
        let mut workbook = self
            .assemble(ledger)
            .map_err(|source| LedgerError::Write { source })?;
        let kind = crate::output::Kind::Ledger;
        crate::save::save_output(&mut workbook, output, kind, force)?;
        Ok(())
    }

    fn assemble(self, ledger: &Ledger) -> Result<Workbook, XlsxError> {
        let LedgerWriter {
            workbook,
            rows,
            detail,
            others,
            ..
        } = self;
        let OtherLists {
            laggards,
            coverage,
            issues,
            ..
        } = others;
        let mut workbook = workbook.into_inner().expect("workbook lock");
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
        order.extend(issues.finish()?);
        order.push(end_sheet(&|s| files::write(s, ledger, styles))?);
        for sheet in order {
            workbook.push_worksheet(sheet);
        }
        workbook.push_worksheet(crate::marker::meta_sheet(crate::marker::LEDGER)?);
        workbook.set_zip_compression_level(ZIP_LEVEL);
        Ok(workbook)
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
