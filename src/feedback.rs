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

use crate::cellref::parse_a1;
use crate::check::FileReport;
use crate::form::{Form, Record, TableLocation};
use crate::issue::{Issue, Severity};
use crate::layout::{self, HeaderText};
use crate::normalize::raw_text;
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

/// What ends the name of every feedback file, so a clerk (and `watch`) can tell it apart.
pub const FEEDBACK_SUFFIX: &str = "_反馈.xlsx";
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
    #[error("无法为“{}”生成反馈工作簿：{source}", path.display())]
    Build {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The workbook could not be serialized into the temporary file next to `path`.
    #[error("无法保存反馈文件“{}”：{source}", path.display())]
    Save {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The output folder cannot hold the file (no temp file, no rename, no permission).
    #[error("无法写入反馈文件“{}”：{source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The explicit file name is a path, not a bare name inside the folder.
    #[error("反馈文件名“{name}”不能包含目录")]
    FileName { name: String },
}

/// `白马镇.xlsx` -> `白马镇_反馈.xlsx`: the default name, next to nothing else the clerk sent.
pub fn feedback_file_name(checked: &Path) -> String {
    let stem = checked
        .file_stem()
        .map_or_else(|| "报送文件".into(), |s| s.to_string_lossy());
    format!("{stem}{FEEDBACK_SUFFIX}")
}

/// Write `<file stem>_反馈.xlsx` into `dir` for a checked file.
///
/// Returns `Ok(None)` when the file has no issue: a clean file gets no feedback.
pub fn write_feedback(
    report: &FileReport,
    limits: &Limits,
    dir: &Path,
) -> Result<Option<PathBuf>, FeedbackError> {
    write_feedback_as(report, limits, dir, &feedback_file_name(&report.path))
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

/// 说明 and 问题清单, then (when the file could be read) the submitted content.
fn sheets(
    report: &FileReport,
    original: Option<&Original>,
    checked_at: &str,
) -> Result<Vec<Worksheet>, XlsxError> {
    let styles = Styles::new();
    let mut sheets = vec![
        readme_sheet(report, checked_at, &styles)?,
        issues_sheet(report.issues(), &styles)?,
    ];
    if let (Some(form), Some(original)) = (&report.form, original) {
        sheets.push(unit_sheet(form, original, &styles)?);
        let tables = [
            (&ORGANIZATIONS, &form.org_table, &form.organizations),
            (&COVERAGE, &form.coverage_table, &form.coverage),
        ];
        for (schema, location, records) in tables {
            let Some(location) = location else { continue };
            let table = Table {
                schema,
                location,
                records,
                grid: &original.sheets[&location.sheet],
                cells: CellIssues::new(&form.issues, &location.sheet),
            };
            sheets.push(table_sheet(&table, form, &styles)?);
        }
    }
    sheets.push(crate::marker::meta_sheet(crate::marker::FEEDBACK)?);
    Ok(sheets)
}

fn save_atomically(workbook: &mut Output, path: &Path) -> Result<(), FeedbackError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let write_error = |source| FeedbackError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".~taizhang-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(write_error)?;
    workbook
        .save_to_writer(&mut temp)
        .map_err(|source| FeedbackError::Save {
            path: path.to_path_buf(),
            source,
        })?;
    // NamedTempFile is private to its owner (0600); a feedback file is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        temp.as_file().set_permissions(mode).map_err(write_error)?;
    }
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
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
    title: Format,
    header: Format,
    label: Format,
    paragraph: Format,
    heading: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
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

/// Printed, a sheet is one page wide on A4 (landscape when wide), its header on every page.
fn page_setup(sheet: &mut Worksheet, landscape: bool, header_rows: u32) -> Result<(), XlsxError> {
    sheet.set_paper_size(9).set_print_fit_to_pages(1, 0);
    if landscape {
        sheet.set_landscape();
    }
    if header_rows > 0 {
        sheet.set_repeat_rows(0, header_rows - 1)?;
    }
    Ok(())
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
        sheet.write_string_with_format(row, col, raw_text(cell), &text_format)?;
        return Ok(());
    }
    match cell {
        Data::Empty => sheet.write_blank(row, col, format)?,
        Data::String(s) => sheet.write_string_with_format(row, col, s, format)?,
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
        other => sheet.write_string_with_format(row, col, raw_text(other), format)?,
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

/// One line saying what the clerk must do, by what the check found.
fn verdict_line(report: &FileReport) -> String {
    if report.is_unreadable() {
        return "文件无法读取：请按“问题清单”中的说明处理后，重新报送".to_string();
    }
    match (report.errors(), report.warnings()) {
        (0, 0) => "未发现问题，可以报送".to_string(),
        (0, w) => format!("没有错误，有 {w} 个警告：请逐条核对，确认无误后即可报送"),
        (e, w) => format!("有 {e} 个错误、{w} 个警告：错误必须修改，请修改后重新报送"),
    }
}

fn file_facts(report: &FileReport, checked_at: &str) -> Vec<(&'static str, String)> {
    let name = report.path.file_name().map_or_else(
        || report.path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let form = report.form.as_ref();
    let unit = |value: Option<&str>| value.unwrap_or("（未能读取）").to_string();
    vec![
        ("检查的文件", name),
        ("填报单位", unit(form.and_then(Form::unit_name))),
        ("单位代码", unit(form.and_then(Form::unit_code))),
        ("检查时间", checked_at.to_string()),
        ("党组织数", report.organizations().to_string()),
        ("错误", format!("{} 个", report.errors())),
        ("警告", format!("{} 个", report.warnings())),
        ("检查结论", verdict_line(report)),
    ]
}

/// What each part of the workbook is and what to do with it: (label, explanation).
fn how_to_read(report: &FileReport) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let (None, Some(failure)) = (&report.form, &report.failure) {
        lines.push(("无法读取的原因", failure.message.clone()));
    }
    lines.push((
        SHEET_ISSUES,
        "列出了全部问题。“原单元格”是您报送的原文件中的位置，例如“党组织情况”表的 F7，就是原文件该表第 7 行 F 列。".to_string(),
    ));
    if report.form.is_some() {
        lines.push((
            "填报内容",
            format!("“单位信息”“党组织情况”“两新组织覆盖”是从原文件中读出的填报内容，列的顺序与下发的调查表相同（可能与原文件不同）；第一列“{ROW_NUMBER_HEADER}”是该行在原文件中的行号。"),
        ));
        lines.push((
            "批注",
            "标了颜色的单元格带有批注：鼠标移到单元格上（或右键“显示批注”）即可看到问题说明。"
                .to_string(),
        ));
    }
    lines.push((
        "怎样修改",
        "请在您报送的原文件中逐条修改（不要修改本反馈文件），改完后重新报送原文件。".to_string(),
    ));
    lines
}

const README_WIDTHS: [f64; 2] = [16.0, 80.0];

fn readme_sheet(
    report: &FileReport,
    checked_at: &str,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET_README)?;
    sheet.set_column_width(0, README_WIDTHS[0])?;
    sheet.set_column_width(1, README_WIDTHS[1])?;
    sheet.merge_range(0, 0, 0, 1, "报送检查反馈", &styles.title)?;
    sheet.set_row_height(0, 30)?;
    let mut row = 2;
    for (label, value) in file_facts(report, checked_at) {
        let severity = (label == "检查结论").then(|| worst_of(report)).flatten();
        let format = match severity {
            Some(_) => cell_format(severity).set_text_wrap().set_bold(),
            None => styles.paragraph.clone(),
        };
        row = labelled_row(&mut sheet, row, (label, &value), (&styles.label, &format))?;
    }
    sheet.write_with_format(row + 1, 0, "怎样看这份反馈", &styles.heading)?;
    row = legend(&mut sheet, row + 2, styles)?;
    for (label, text) in how_to_read(report) {
        row = labelled_row(
            &mut sheet,
            row,
            (label, &text),
            (&styles.label, &styles.paragraph),
        )?;
    }
    page_setup(&mut sheet, false, 0)?;
    Ok(sheet)
}

/// A label and its (wrapped) text; returns the next row.
fn labelled_row(
    sheet: &mut Worksheet,
    row: u32,
    (label, text): (&str, &str),
    (label_format, text_format): (&Format, &Format),
) -> Result<u32, XlsxError> {
    sheet.write_with_format(row, 0, label, label_format)?;
    sheet.write_with_format(row, 1, text, text_format)?;
    sheet.set_row_height(row, wrapped_height(&[(text, README_WIDTHS[1])]))?;
    Ok(row + 1)
}

fn worst_of(report: &FileReport) -> Option<Severity> {
    report.issues().iter().map(|i| i.severity).min()
}

/// The two colors, shown as the cells they explain.
fn legend(sheet: &mut Worksheet, mut row: u32, styles: &Styles) -> Result<u32, XlsxError> {
    let entries = [
        (Severity::Error, "红色", "错误：必须修改，否则无法汇总"),
        (
            Severity::Warning,
            "黄色",
            "警告：请核对，确认无误的可以不改",
        ),
    ];
    for (severity, color, meaning) in entries {
        let color_format = cell_format(Some(severity)).set_bold();
        row = labelled_row(
            sheet,
            row,
            (color, meaning),
            (&color_format, &styles.paragraph),
        )?;
    }
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 问题清单

/// (header, width, maximum width): widths grow with the content up to the maximum.
const ISSUE_COLUMNS: [(&str, f64, f64); 8] = [
    ("序号", 6.0, 6.0),
    ("级别", 6.0, 6.0),
    ("代码", 7.0, 7.0),
    ("工作表", 10.0, 16.0),
    ("原单元格", 10.0, 10.0),
    ("列", 10.0, 22.0),
    ("填写内容", 12.0, 24.0),
    ("问题说明", 40.0, 70.0),
];

/// The cells of one row of 问题清单.
fn issue_cells(n: usize, issue: &Issue) -> [String; 8] {
    let sheet = if issue.sheet.is_empty() {
        "（整个文件）".to_string()
    } else {
        issue.sheet.clone()
    };
    [
        n.to_string(),
        issue.severity.label().to_string(),
        issue.code.to_string(),
        sheet,
        issue.cell.clone().unwrap_or_default(),
        field_header(issue.field).to_string(),
        issue.value.clone().unwrap_or_default(),
        issue.message.clone(),
    ]
}

fn issue_widths(rows: &[[String; 8]]) -> Vec<f64> {
    ISSUE_COLUMNS
        .iter()
        .enumerate()
        .map(|(c, (header, min, max))| {
            let widest = rows
                .iter()
                .map(|r| layout::display_width(&r[c]))
                .chain([layout::display_width(header)])
                .max()
                .unwrap_or(0);
            ((widest + 2) as f64).clamp(*min, *max)
        })
        .collect()
}

fn issues_sheet(issues: &[Issue], styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET_ISSUES)?;
    if issues.iter().any(Issue::is_error) {
        sheet.set_tab_color(Color::RGB(ERROR_FONT));
    }
    let rows: Vec<[String; 8]> = issues
        .iter()
        .enumerate()
        .map(|(i, x)| issue_cells(i + 1, x))
        .collect();
    let widths = issue_widths(&rows);
    for (c, (header, ..)) in ISSUE_COLUMNS.iter().enumerate() {
        sheet.set_column_width(c as u16, widths[c])?;
        sheet.write_with_format(0, c as u16, *header, &styles.header)?;
    }
    sheet.set_row_height(0, 22)?;
    for (i, (cells, issue)) in rows.iter().zip(issues).enumerate() {
        write_issue_row(&mut sheet, i as u32 + 1, cells, issue.severity, &widths)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    page_setup(&mut sheet, true, 1)?;
    sheet.autofilter(0, 0, rows.len() as u32, ISSUE_COLUMNS.len() as u16 - 1)?;
    Ok(sheet)
}

fn write_issue_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String; 8],
    severity: Severity,
    widths: &[f64],
) -> Result<(), XlsxError> {
    let format = cell_format(Some(severity))
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    for (c, text) in cells.iter().enumerate() {
        if c == 0 {
            let number = row as f64;
            sheet.write_number_with_format(row, 0, number, &format.clone().set_num_format("0"))?;
        } else {
            sheet.write_string_with_format(row, c as u16, text, &format)?;
        }
    }
    let texts: Vec<(&str, f64)> = cells
        .iter()
        .map(String::as_str)
        .zip(widths.iter().copied())
        .collect();
    sheet.set_row_height(row, wrapped_height(&texts))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 单位信息, 党组织情况, 两新组织覆盖

/// What the clerk typed, re-read from the original file: the table sheets and the cells the
/// 单位信息 issues point at.
struct Original {
    sheets: HashMap<String, Grid>,
    /// Per 单位信息 field, the cell an issue points at.
    unit: Vec<Option<Data>>,
}

fn reread(form: &Form, limits: &Limits) -> Result<Original, ReadError> {
    let mut workbook = Workbook::open(&form.path, limits)?;
    let mut sheets = HashMap::new();
    let tables = [&form.org_table, &form.coverage_table];
    for name in tables.into_iter().flatten().map(|t| t.sheet.clone()) {
        let grid = workbook.load(&name)?;
        sheets.insert(name, grid);
    }
    let mut unit = Vec::new();
    for column in UNIT_INFO.columns {
        let at = form
            .issues
            .iter()
            .filter(|i| i.field == Some(column.key))
            .find_map(|i| Some((i.sheet.as_str(), parse_a1(i.cell.as_deref()?)?)));
        let Some((sheet, (row, col))) = at else {
            unit.push(None);
            continue;
        };
        if !sheets.contains_key(sheet) {
            let grid = workbook.load(sheet)?;
            sheets.insert(sheet.to_string(), grid);
        }
        unit.push(Some(sheets[sheet].get(row, col).clone()));
    }
    Ok(Original { sheets, unit })
}

/// What one table sheet shows: the records of the original `grid`, in `schema` order.
struct Table<'a> {
    schema: &'static SheetSchema,
    location: &'a TableLocation,
    records: &'a [Record],
    grid: &'a Grid,
    cells: CellIssues<'a>,
}

/// Issues about a 单位信息 field, wherever the clerk put it (its own sheet, or above the table).
fn unit_issues<'a>(form: &'a Form, key: &str) -> Vec<&'a Issue> {
    form.issues
        .iter()
        .filter(|i| i.field == Some(key))
        .collect()
}

/// A 单位信息 value as submitted: the original cell when an issue points at it, else the
/// value as read (the form does not record where a clean value sat).
fn unit_value(form: &Form, index: usize, original: &Original) -> Data {
    if let Some(Some(cell)) = original.unit.get(index) {
        return cell.clone();
    }
    match form.unit.get(index).and_then(Option::as_ref) {
        Some(value) => Data::String(value.to_string()),
        None => Data::Empty,
    }
}

fn unit_sheet(form: &Form, original: &Original, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(UNIT_INFO.name)?;
    write_unit_header(&mut sheet, styles)?;
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        let issues = unit_issues(form, column.key);
        let value = unit_value(form, i, original);
        write_unit_row(&mut sheet, i as u32 + 2, column, &value, &issues, styles)?;
    }
    Ok(sheet)
}

const UNIT_WIDTHS: [f64; 3] = [14.0, 34.0, 70.0];

fn write_unit_header(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    for (c, width) in UNIT_WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    let title = "单位信息（您填报的内容；标色的项目有问题）";
    sheet.merge_range(0, 0, 0, 2, title, &styles.title)?;
    sheet.set_row_height(0, 28)?;
    for (c, header) in ["项目", "填写内容", "问题说明"].iter().enumerate() {
        sheet.write_with_format(1, c as u16, *header, &styles.header)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    page_setup(sheet, false, 2)?;
    Ok(())
}

fn write_unit_row(
    sheet: &mut Worksheet,
    row: u32,
    column: &Column,
    value: &Data,
    issues: &[&Issue],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let severity = worst(issues);
    sheet.write_with_format(row, 0, column.header, &styles.label)?;
    write_raw(sheet, (row, 1), value, column.kind, &cell_format(severity))?;
    add_note(sheet, row, 1, issues)?;
    let messages: Vec<String> = issues
        .iter()
        .map(|i| match &i.cell {
            Some(cell) => format!(
                "{}（原表“{}”{}）：{}",
                i.severity.label(),
                i.sheet,
                cell,
                i.message
            ),
            None => format!("{}：{}", i.severity.label(), i.message),
        })
        .collect();
    let text = messages.join("\n");
    let format = cell_format(severity).set_text_wrap();
    sheet.write_string_with_format(row, 2, &text, &format)?;
    sheet.set_row_height(row, wrapped_height(&[(&text, UNIT_WIDTHS[2])]))?;
    Ok(())
}

fn table_sheet(table: &Table, form: &Form, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(table.schema.name)?;
    write_table_title(&mut sheet, table, form, styles)?;
    write_table_header(&mut sheet, table, styles)?;
    let first = layout::schema_header_rows(table.schema) + 1;
    for (i, record) in table.records.iter().enumerate() {
        write_record(&mut sheet, first + i as u32, record, table)?;
    }
    let last_col = table.schema.columns.len() as u16;
    sheet.autofilter(
        first - 1,
        0,
        first - 1 + table.records.len() as u32,
        last_col,
    )?;
    let frozen = if std::ptr::eq(table.schema, &ORGANIZATIONS) {
        3
    } else {
        2
    };
    sheet.set_freeze_panes(first, frozen)?;
    page_setup(&mut sheet, true, first)?;
    Ok(sheet)
}

fn write_table_title(
    sheet: &mut Worksheet,
    table: &Table,
    form: &Form,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let unit = form.unit_name().unwrap_or("");
    let title = format!(
        "{unit}{}（原文件“{}”工作表的填报内容；红色为错误，黄色为警告，鼠标移到标色单元格上可查看问题说明）",
        table.schema.name, table.location.sheet
    );
    let last_col = table.schema.columns.len() as u16;
    sheet.merge_range(0, 0, 0, last_col, &title, &styles.title)?;
    sheet.set_row_height(0, 36)?;
    Ok(())
}

/// The header like the issued form's (laid out by [`layout::header_cells`]), after the extra
/// 原表行号 column; a column the original lacks is grey with a note saying so.
fn write_table_header(
    sheet: &mut Worksheet,
    table: &Table,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let schema = table.schema;
    let slots: Vec<Option<usize>> = std::iter::once(None)
        .chain(layout::schema_order(schema))
        .collect();
    let (top, bottom) = (1, layout::header_rows(schema, &slots));
    for row in top..=bottom {
        sheet.set_row_height(row, if top == bottom { 36.0 } else { 24.0 })?;
    }
    sheet.set_column_width(0, 9)?;
    for cell in layout::header_cells(schema, &slots, top, 0) {
        let span = (cell.first_row, cell.last_row, cell.first_col, cell.last_col);
        match cell.text {
            HeaderText::Other(_) => header_cell(sheet, span, ROW_NUMBER_HEADER, &styles.header)?,
            HeaderText::Group(group) => header_cell(sheet, span, group, &styles.header)?,
            HeaderText::Column(i) => {
                let column = &schema.columns[i];
                sheet.set_column_width(cell.first_col, layout::column_width(column))?;
                let absent = table.location.columns.get(i).copied().flatten().is_none();
                let format = match absent {
                    true => styles
                        .header
                        .clone()
                        .set_background_color(Color::RGB(ABSENT_FILL)),
                    false => styles.header.clone(),
                };
                header_cell(sheet, span, column.header, &format)?;
                if absent {
                    let note =
                        Note::new("原文件中没有这一列，所以本列为空。").add_author_prefix(false);
                    sheet.insert_note(
                        cell.last_row,
                        cell.first_col,
                        &note.set_author("报送检查"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A header cell over rows `first_row..=last_row` and columns `first_col..=last_col`.
fn header_cell(
    sheet: &mut Worksheet,
    (first_row, last_row, first_col, last_col): (u32, u32, u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first_row != last_row || first_col != last_col {
        sheet.merge_range(first_row, first_col, last_row, last_col, text, format)?;
    } else {
        sheet.write_with_format(first_row, first_col, text, format)?;
    }
    Ok(())
}

/// One submitted row: its original row number, then every schema column's raw cell.
fn write_record(
    sheet: &mut Worksheet,
    row: u32,
    record: &Record,
    table: &Table,
) -> Result<(), XlsxError> {
    let original_row = record.row + 1;
    let row_issues = table.cells.at(original_row, None);
    let format = cell_format(worst(row_issues)).set_align(FormatAlign::Center);
    sheet.write_number_with_format(row, 0, original_row as f64, &format)?;
    add_note(sheet, row, 0, row_issues)?;
    for (i, column) in table.schema.columns.iter().enumerate() {
        let cell = match table.location.columns.get(i).copied().flatten() {
            Some(col) => table.grid.get(record.row, col),
            None => &Data::Empty,
        };
        let issues = table.cells.at(original_row, Some(column.key));
        let col = i as u16 + 1;
        write_raw(
            sheet,
            (row, col),
            cell,
            column.kind,
            &cell_format(worst(issues)),
        )?;
        add_note(sheet, row, col, issues)?;
    }
    Ok(())
}
