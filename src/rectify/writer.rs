//! The 整改跟踪 workbook: 整改明细 (one row per planned organization), 整改汇总 (per unit and
//! the county), 校验问题 and 文件清单, marked as ours and saved atomically.

use super::track::{Counts, OrgLine, Tracking};
use super::RectifyError;
use crate::print::{Paper, Print, A4_LANDSCAPE_WIDTH};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

pub const TITLE: &str = "基层党组织整改跟踪表";
pub const SHEET_DETAIL: &str = "整改明细";
pub const SHEET_SUMMARY: &str = "整改汇总";
pub const SHEET_ISSUES: &str = "校验问题";
pub const SHEET_FILES: &str = "文件清单";

/// 整改明细's headers that [`super::previous`] reads back.
pub const UNIT_CODE: &str = "单位代码";
pub const UNIT_NAME: &str = "单位名称";
pub const ORG_CODE: &str = "党组织编码";
pub const ORG_NAME: &str = "党组织名称";
pub const STATUS: &str = "完成状态";
/// The column saying what moved since the previous tracking.
pub const MOVED: &str = "较上次变化";

const DETAIL: &[(&str, f64)] = &[
    (UNIT_CODE, 12.0),
    (UNIT_NAME, 14.0),
    (ORG_CODE, 16.0),
    (ORG_NAME, 28.0),
    ("等次", 7.0),
    ("主要问题", 28.0),
    ("整改措施", 28.0),
    ("整改时限", 12.0),
    ("进展情况", 30.0),
    (STATUS, 11.0),
    ("完成日期", 12.0),
    ("责任人", 9.0),
    ("包联领导", 9.0),
    ("是否逾期", 14.0),
    ("销号日期", 12.0),
    ("来源文件", 26.0),
];

const SUMMARY: &[(&str, f64)] = &[
    ("单位代码", 12.0),
    ("单位名称", 18.0),
    ("应整改", 8.0),
    ("已完成", 8.0),
    ("推进中", 8.0),
    ("未启动", 8.0),
    ("逾期", 8.0),
    ("未报送进展", 11.0),
];

struct Styles {
    header: Format,
    wrap: Format,
    date: Format,
    alert: Format,
    bold: Format,
    print: Print,
}

/// Lay the workbook out and save it at `out` ([`crate::save::save_output`]).
pub fn write(
    tracking: &Tracking,
    ranking: &crate::evaluation::Ranking,
    out: &Path,
    force: bool,
) -> Result<(), RectifyError> {
    let styles = Styles {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin),
        wrap: Format::new().set_text_wrap(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        alert: Format::new().set_font_color(Color::RGB(0xC00000)),
        bold: Format::new().set_bold(),
        print: Print::new(TITLE, Some(format!("统计日期 {}", tracking.as_of))),
    };
    let mut book = Workbook::new();
    book.push_worksheet(detail(tracking, &styles)?);
    book.push_worksheet(summary(tracking, &styles)?);
    let mut ranked = Worksheet::new();
    let note = "整改跟踪按整改按期完成考评：已完成或整改时限已到（不晚于统计日期）的党组织中，在整改时限内完成（或未定时限而已完成）的比例；都没有的单位为“—”。其他指标见台账和晋位升级工作簿。";
    let ledger_styles = crate::ledger::style::Styles::new(styles.print.clone());
    crate::ledger::ranking::write(&mut ranked, ranking, &ledger_styles, note)?;
    book.push_worksheet(ranked);
    book.push_worksheet(issues(tracking, &styles)?);
    book.push_worksheet(files(tracking, &styles)?);
    book.push_worksheet(crate::marker::meta_sheet(crate::marker::RECTIFY)?);
    crate::save::save_output(&mut book, out, crate::output::Kind::Rectify, force)?;
    Ok(())
}

/// A sheet with its header row, frozen and repeated on every printed page; a list wider than
/// an A4 landscape page prints a few pages wide, its first `identifying` columns on each.
fn sheet(
    name: &str,
    columns: &[(&str, f64)],
    identifying: u16,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    for (i, (header, width)) in columns.iter().enumerate() {
        sheet.write_with_format(0, i as u16, *header, &styles.header)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    sheet.set_freeze_panes(1, identifying)?;
    let width: f64 = columns.iter().map(|(_, w)| w).sum();
    let pages = (width / A4_LANDSCAPE_WIDTH).ceil().max(1.0) as u16;
    let landscape = columns.len() > 6;
    let paper = (Paper::A4, landscape, Some((0, 0)));
    (styles.print).set_up_wide(&mut sheet, paper.0, paper.1, paper.2, (pages, identifying))?;
    Ok(sheet)
}

fn date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    day: Option<NaiveDate>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    if let Some(d) = day {
        let at = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
        sheet.write_datetime_with_format(row, col, at, &styles.date)?;
    }
    Ok(())
}

fn detail(tracking: &Tracking, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut columns = DETAIL.to_vec();
    if tracking.compared {
        columns.push((MOVED, 14.0));
    }
    let mut sheet = sheet(SHEET_DETAIL, &columns, 4, styles)?;
    for (i, line) in tracking.orgs.iter().enumerate() {
        let row = i as u32 + 1;
        let reported = line.reported.clone().unwrap_or_default();
        let texts = [
            (0, line.unit_code.as_str()),
            (1, &line.unit_name),
            (2, &line.org.code),
            (3, &line.org.name),
            (4, &line.org.tier),
            (5, &line.org.problems),
            (6, &line.org.measures),
            (8, &reported.progress),
            (11, &reported.responsible),
            (12, &reported.leader),
            (15, &source(line)),
        ];
        for (col, text) in texts {
            sheet.write_with_format(row, col, text, &styles.wrap)?;
        }
        date(&mut sheet, row, 7, line.org.deadline, styles)?;
        let status_format = if line.status().is_none() {
            &styles.alert
        } else {
            &styles.wrap
        };
        sheet.write_with_format(row, 9, line.status_label(), status_format)?;
        date(&mut sheet, row, 10, reported.done_on, styles)?;
        sheet.write_with_format(row, 13, line.overdue_text(tracking.as_of), &styles.alert)?;
        date(&mut sheet, row, 14, line.closed_on(), styles)?;
        if tracking.compared {
            sheet.write(row, 16, &line.moved)?;
        }
    }
    Ok(sheet)
}

/// 来源文件, and which plan values the unit wrote there because the ledger had none.
fn source(line: &OrgLine) -> String {
    match line.from_unit.as_slice() {
        [] => line.source.clone(),
        filled => format!("{}（{}由单位填报）", line.source, filled.join("、")),
    }
}

fn counts_row(
    sheet: &mut Worksheet,
    row: u32,
    counts: &Counts,
    compared: bool,
) -> Result<(), XlsxError> {
    let values = [
        counts.organizations,
        counts.done,
        counts.in_progress,
        counts.not_started,
        counts.overdue,
        counts.no_report,
    ];
    for (k, n) in values.into_iter().enumerate() {
        sheet.write(row, 2 + k as u16, n as u32)?;
    }
    if compared {
        sheet.write(row, 8, counts.changed.unwrap_or(0) as u32)?;
    }
    Ok(())
}

fn summary(tracking: &Tracking, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut columns = SUMMARY.to_vec();
    if tracking.compared {
        columns.push((MOVED, 11.0));
    }
    let mut sheet = sheet(SHEET_SUMMARY, &columns, 0, styles)?;
    for (i, unit) in tracking.units.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write(row, 0, &unit.code)?;
        sheet.write(row, 1, &unit.name)?;
        counts_row(&mut sheet, row, &unit.counts, tracking.compared)?;
    }
    let total = tracking.units.len() as u32 + 1;
    sheet.write_with_format(total, 1, "全县合计", &styles.bold)?;
    counts_row(&mut sheet, total, &tracking.total, tracking.compared)?;
    Ok(sheet)
}

fn issues(tracking: &Tracking, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let columns = [
        ("文件", 26.0),
        ("单位", 14.0),
        ("工作表", 10.0),
        ("单元格", 8.0),
        ("级别", 6.0),
        ("代码", 6.0),
        ("说明", 70.0),
    ];
    let mut sheet = sheet(SHEET_ISSUES, &columns, 0, styles)?;
    for (i, found) in tracking.issues.iter().enumerate() {
        let row = i as u32 + 1;
        let issue = &found.issue;
        let cells = [
            found.file.as_str(),
            &found.unit,
            &issue.sheet,
            issue.cell.as_deref().unwrap_or(""),
            issue.severity.label(),
            issue.code.id(),
        ];
        for (col, text) in cells.into_iter().enumerate() {
            sheet.write(row, col as u16, text)?;
        }
        sheet.write_with_format(row, 6, &issue.message, &styles.wrap)?;
    }
    Ok(sheet)
}

fn files(tracking: &Tracking, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let columns = [
        ("文件", 30.0),
        ("结果", 14.0),
        ("单位", 14.0),
        ("说明", 70.0),
    ];
    let mut sheet = sheet(SHEET_FILES, &columns, 0, styles)?;
    for (i, file) in tracking.files.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write(row, 0, &file.file)?;
        sheet.write(row, 1, file.outcome.label())?;
        sheet.write(row, 2, &file.unit)?;
        sheet.write_with_format(row, 3, &file.note, &styles.wrap)?;
    }
    let row = tracking.files.len() as u32 + 2;
    sheet.write_with_format(row, 0, tally(tracking), &styles.bold)?;
    Ok(sheet)
}

/// 发现的文件 N = 已读取 a + 已被替代 b + …: every file found accounted for.
pub fn tally(tracking: &Tracking) -> String {
    use super::track::Outcome::*;
    let count = |o| tracking.files.iter().filter(|f| f.outcome == o).count();
    let parts: Vec<String> = [Read, Superseded, Unplaced, NotTheForm, Failed, Ignored]
        .into_iter()
        .map(|o| format!("{} {}", o.label(), count(o)))
        .collect();
    format!(
        "发现的文件 {} = {}",
        tracking.files.len(),
        parts.join(" + ")
    )
}
