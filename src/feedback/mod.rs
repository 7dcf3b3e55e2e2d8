//! The feedback workbook: what goes back to a unit after its file was checked.
//!
//! A clerk opens it in Excel, WPS or LibreOffice with nobody to explain it, so it carries its
//! own explanation (说明), the list of every issue with the cell of the ORIGINAL file
//! (问题清单), and the submitted content re-read from the original file in the issued layout,
//! every problem cell filled red (错误) or yellow (警告) with a note holding its messages. The
//! clerk fixes the original file, never this one: the cell references point there.
//!
//! `check --feedback` writes one per file with issues; the ledger reuses [`write_feedback_as`]
//! to name the file after the unit.

mod content;
mod issue_list;
mod readme;

use content::{reread, table_sheet, unit_sheet, Original, Table};
use issue_list::issues_sheet;
use readme::readme_sheet;

use crate::cellref::parse_a1;
use crate::check::FileReport;
use crate::form::{Form, Record, TableLocation};
use crate::issue::{Issue, Severity};
use crate::layout::{self, HeaderText};
use crate::normalize::{raw_text, within_cell};
use crate::output::FeedbackNames;
use crate::print::{Paper, Print};
use crate::read::{Grid, Limits, ReadError, Workbook};
use crate::report::field_header;
use crate::schema::{Column, Kind, SheetSchema, COVERAGE, ORGANIZATIONS, UNIT_INFO};
use calamine::Data;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Note, Workbook as Output, Worksheet,
    XlsxError,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use crate::output::FEEDBACK_SUFFIX;

/// The sheet listing every issue.
pub const SHEET_ISSUES: &str = "问题清单";
/// The sheet explaining the workbook.
pub const SHEET_README: &str = "说明";
/// The first column of the table sheets: where each row sits in the original file.
pub const ROW_NUMBER_HEADER: &str = "原表行号";

/// Why a feedback workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// The checked file could not be opened again to copy what the clerk typed (it was
    /// moved, replaced or locked since the check).
    #[error("无法重新读取“{}”以取出原始填写内容：{source}", path.display())]
    Reread {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    /// rust_xlsxwriter refused a sheet, cell or note while laying out the feedback of the
    /// checked file at `path`.
    #[error("无法为“{}”生成反馈工作簿：{}", path.display(), crate::save::xlsx_words(source))]
    Build {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The feedback file could not be saved (no temp file, no rename, no permission).
    #[error("无法保存反馈文件：{0}")]
    Save(#[from] crate::save::SaveError),
    /// The explicit file name is a path, not a bare name inside the folder.
    #[error("反馈文件名“{name}”不能包含目录")]
    FileName { name: String },
}

/// `白马镇.xlsx` -> `白马镇_反馈.xlsx`: the default name, next to nothing else the clerk sent.
pub fn feedback_file_name(checked: &Path) -> String {
    format!("{}{FEEDBACK_SUFFIX}", feedback_stem(checked))
}

/// What a checked file's feedback is named after: its file stem.
pub fn feedback_stem(checked: &Path) -> String {
    checked
        .file_stem()
        .map_or_else(|| "报送文件".into(), |s| s.to_string_lossy().to_string())
}

/// Write `<file stem>_反馈.xlsx` into `dir` for a checked file.
///
/// Returns `Ok(None)` when the file has no issue: a clean file gets no feedback.
pub fn write_feedback(
    report: &FileReport,
    limits: &Limits,
    dir: &Path,
) -> Result<Option<PathBuf>, FeedbackError> {
    write_feedback_named(report, limits, &FeedbackNames::new(dir))
}

/// [`write_feedback`] for one of several files of a run: `<file stem>_反馈.xlsx`, or with a
/// number when another file of the run (or a file that is not our feedback) has that name.
pub fn write_feedback_named(
    report: &FileReport,
    limits: &Limits,
    names: &FeedbackNames,
) -> Result<Option<PathBuf>, FeedbackError> {
    if report.issues().is_empty() {
        return Ok(None);
    }
    let name = names.claim(&feedback_stem(&report.path));
    write_feedback_as(report, limits, names.dir(), &name)
}

/// [`write_feedback`] under an explicit file name (the ledger names files after the unit).
///
/// The file appears whole or not at all: it is written to a temporary file in `dir`, then
/// renamed, so a clerk (or `watch`) never sees half a workbook.
pub fn write_feedback_as(
    report: &FileReport,
    limits: &Limits,
    dir: &Path,
    file_name: &str,
) -> Result<Option<PathBuf>, FeedbackError> {
    if Path::new(file_name).file_name() != Some(std::ffi::OsStr::new(file_name)) {
        return Err(FeedbackError::FileName {
            name: file_name.to_string(),
        });
    }
    if report.issues().is_empty() {
        return Ok(None);
    }
    let path = dir.join(file_name);
    let checked_at = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    let mut workbook = build_feedback(report, limits, &checked_at)?;
    save_atomically(&mut workbook, &path)?;
    Ok(Some(path))
}

/// The feedback workbook of one checked file, re-reading the original for the raw values.
/// `checked_at` is shown on 说明 as the time of the check.
pub fn build_feedback(
    report: &FileReport,
    limits: &Limits,
    checked_at: &str,
) -> Result<Output, FeedbackError> {
    let original = match &report.form {
        Some(form) => Some(
            reread(form, limits).map_err(|source| FeedbackError::Reread {
                path: report.path.clone(),
                source,
            })?,
        ),
        None => None,
    };
    let mut workbook = Output::new();
    for sheet in
        sheets(report, original.as_ref(), checked_at).map_err(|source| FeedbackError::Build {
            path: report.path.clone(),
            source,
        })?
    {
        workbook.push_worksheet(sheet);
    }
    Ok(workbook)
}

/// The records read from sheet `k` of a table (0 its own, `k` its continuation sheets): they
/// were read sheet after sheet, so they stand together.
fn records_on(records: &[Record], k: u32) -> &[Record] {
    let start = records.partition_point(|r| r.table < k);
    let end = records.partition_point(|r| r.table <= k);
    &records[start..end]
}

/// 说明 and 问题清单, then (when the file could be read) the submitted content.
fn sheets(
    report: &FileReport,
    original: Option<&Original>,
    checked_at: &str,
) -> Result<Vec<Worksheet>, XlsxError> {
    let styles = Styles::new(Print::new(TITLE, Some(format!("检查于 {checked_at}"))));
    let mut sheets = vec![
        readme_sheet(report, checked_at, &styles)?,
        issues_sheet(report.issues(), &styles)?,
    ];
    if let (Some(form), Some(original)) = (&report.form, original) {
        sheets.push(unit_sheet(form, original, &styles)?);
        let tables = [
            (
                &ORGANIZATIONS,
                &form.org_table,
                &form.org_continued,
                &form.organizations,
            ),
            (
                &COVERAGE,
                &form.coverage_table,
                &form.coverage_continued,
                &form.coverage,
            ),
        ];
        for (schema, location, continued, records) in tables {
            // A continuation sheet (`党组织情况 (2)`) is laid out after its table, under its name.
            for (k, location) in (0..).zip(location.iter().chain(continued)) {
                let table = Table {
                    schema,
                    location,
                    records: records_on(records, k),
                    grid: &original.sheets[&location.sheet],
                    cells: CellIssues::new(&form.issues, &location.sheet),
                };
                let mut sheet = table_sheet(&table, form, &styles)?;
                if k > 0 {
                    sheet.set_name(&location.sheet)?;
                }
                sheets.push(sheet);
            }
        }
    }
    sheets.push(crate::marker::meta_sheet(crate::marker::FEEDBACK)?);
    Ok(sheets)
}

/// Feedback replaces only feedback of ours ([`crate::output`]); never forced.
fn save_atomically(workbook: &mut Output, path: &Path) -> Result<(), FeedbackError> {
    let kind = crate::output::Kind::Feedback;
    Ok(crate::save::save_output(workbook, path, kind, false)?)
}

// ---------------------------------------------------------------------------------------------
// Styles

/// Excel's own "bad" and "neutral" cell styles: the colors clerks already read as red/yellow.
const ERROR_FILL: u32 = 0xFFC7CE;
const ERROR_FONT: u32 = 0x9C0006;
const WARNING_FILL: u32 = 0xFFEB9C;
const WARNING_FONT: u32 = 0x9C5700;
const HEADER_FILL: u32 = 0xDDEBF7;
const ABSENT_FILL: u32 = 0xE7E6E6;

struct Styles {
    /// What every sheet prints at the top of its pages.
    print: Print,
    title: Format,
    header: Format,
    label: Format,
    paragraph: Format,
    heading: Format,
}

impl Styles {
    fn new(print: Print) -> Styles {
        Styles {
            print,
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border(FormatBorder::Thin),
            label: Format::new()
                .set_bold()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border(FormatBorder::Thin),
            paragraph: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin),
            heading: Format::new().set_bold().set_font_size(12),
        }
    }
}

/// The feedback's title, at the top of every printed page.
const TITLE: &str = "报送检查反馈";

/// Printed, a sheet is one page wide on A4 (landscape when wide), its first `header_rows` on
/// every page ([`Print`]).
fn page_setup(
    sheet: &mut Worksheet,
    styles: &Styles,
    landscape: bool,
    header_rows: u32,
) -> Result<(), XlsxError> {
    let repeated = (header_rows > 0).then(|| (0, header_rows - 1));
    styles.print.set_up(sheet, Paper::A4, landscape, repeated)
}

/// A bordered cell, filled by the worst severity of its issues.
fn cell_format(severity: Option<Severity>) -> Format {
    let format = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    match severity {
        Some(Severity::Error) => format
            .set_background_color(Color::RGB(ERROR_FILL))
            .set_font_color(Color::RGB(ERROR_FONT)),
        Some(Severity::Warning) => format
            .set_background_color(Color::RGB(WARNING_FILL))
            .set_font_color(Color::RGB(WARNING_FONT)),
        None => format,
    }
}

/// Identifiers and phone numbers stay text: never "1.38E+10", never a lost leading zero.
fn keeps_text(kind: Kind) -> bool {
    matches!(kind, Kind::Code | Kind::Mobile | Kind::Phone | Kind::Uscc)
}

/// Height of a row whose wrapped text must show in full, in points.
fn wrapped_height(texts: &[(&str, f64)]) -> f64 {
    let lines = texts
        .iter()
        .map(|(text, width)| {
            text.split('\n')
                .map(|line| {
                    (layout::display_width(line) as f64 / (width - 1.0))
                        .ceil()
                        .max(1.0)
                })
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    15.0 * lines + 4.0
}

// ---------------------------------------------------------------------------------------------
// Issues by cell

fn worst(issues: &[&Issue]) -> Option<Severity> {
    issues.iter().map(|i| i.severity).min()
}

/// The note of a problem cell: every message, each headed by its severity and code.
fn note_for(issues: &[&Issue]) -> Note {
    let text = issues
        .iter()
        .map(|i| format!("【{} {}】{}", i.severity.label(), i.code, i.message))
        .collect::<Vec<_>>()
        .join("\n");
    let lines: usize = text
        .split('\n')
        .map(|l| layout::display_width(l).div_ceil(38).max(1))
        .sum();
    Note::new(text)
        .add_author_prefix(false)
        .set_author("报送检查")
        .set_font_size(10)
        .set_width(300)
        .set_height((20 + 17 * lines as u32).min(400))
}

/// The issues of one table sheet keyed by where they show: (1-based row, field); `None` is
/// the row itself (shown on its 原表行号 cell).
struct CellIssues<'a> {
    map: HashMap<(u32, Option<&'static str>), Vec<&'a Issue>>,
}

impl<'a> CellIssues<'a> {
    fn new(issues: &'a [Issue], sheet: &str) -> CellIssues<'a> {
        let mut map: HashMap<_, Vec<&Issue>> = HashMap::new();
        for issue in issues.iter().filter(|i| i.sheet == sheet) {
            if let Some(row) = issue.row {
                map.entry((row, issue.field)).or_default().push(issue);
            }
        }
        CellIssues { map }
    }

    fn at(&self, row: u32, field: Option<&'static str>) -> &[&'a Issue] {
        self.map.get(&(row, field)).map_or(&[], Vec::as_slice)
    }
}

/// The note of a cell whose issues colored it, if it has any.
fn add_note(sheet: &mut Worksheet, row: u32, col: u16, issues: &[&Issue]) -> Result<(), XlsxError> {
    if !issues.is_empty() {
        sheet.insert_note(row, col, &note_for(issues))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Raw values

/// Write a cell as the clerk typed it: numbers as numbers, dates as dates, text as text.
fn write_raw(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    cell: &Data,
    kind: Kind,
    format: &Format,
) -> Result<(), XlsxError> {
    if keeps_text(kind) && !matches!(cell, Data::Empty) {
        let text_format = format.clone().set_num_format("@");
        let text = raw_text(cell);
        sheet.write_string_with_format(row, col, within_cell(&text), &text_format)?;
        return Ok(());
    }
    match cell {
        Data::Empty => sheet.write_blank(row, col, format)?,
        Data::String(s) => sheet.write_string_with_format(row, col, within_cell(s), format)?,
        Data::Int(i) => sheet.write_number_with_format(row, col, *i as f64, format)?,
        Data::Float(f) => sheet.write_number_with_format(row, col, *f, format)?,
        Data::Bool(b) => sheet.write_boolean_with_format(row, col, *b, format)?,
        Data::DateTime(dt) => match excel_date(dt) {
            Some(date) => {
                let date_format = format.clone().set_num_format("yyyy-mm-dd");
                sheet.write_datetime_with_format(row, col, date, &date_format)?
            }
            None => sheet.write_number_with_format(row, col, dt.as_f64(), format)?,
        },
        other => {
            let text = raw_text(other);
            sheet.write_string_with_format(row, col, within_cell(&text), format)?
        }
    };
    Ok(())
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let date = crate::dates::from_excel(dt)?;
    let (y, m, d) = (u16::try_from(date.year()).ok()?, date.month(), date.day());
    ExcelDateTime::from_ymd(y, m as u8, d as u8).ok()
}

// ---------------------------------------------------------------------------------------------
// 说明
