//! 校验问题: every issue of every file.

use super::continued::Continued;
use super::rows::{Line, Sink};
use super::style::{col, fit_height, Col, ColFormat, Styles};
use crate::check::FileReport;
use crate::issue::{Issue, Severity};
use crate::report::field_header;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "校验问题";

/// The width of 问题说明, wrapped.
const MESSAGE_WIDTH: f64 = 70.0;

pub fn columns() -> Vec<Col> {
    vec![
        col("来源文件", 22.0).identifies(),
        col("单位名称", 14.0).identifies(),
        col("工作表", 12.0),
        col("单元格", 8.0),
        col("列", 14.0),
        col("填写内容", 16.0).formatted(ColFormat::Text),
        col("级别", 6.0),
        col("代码", 6.0),
        col("问题说明", MESSAGE_WIDTH).formatted(ColFormat::Wrap),
    ]
}

/// The issues of one report, in the report's order.
pub fn write_report(
    list: &mut Continued,
    sink: &mut Sink,
    report: &FileReport,
    line: &Line,
) -> Result<(), XlsxError> {
    for issue in report.issues() {
        let (sheet, row) = list.next_row(sink.workbook, &sink.rows.styles)?;
        sheet.write_string(row, 0, &line.source)?;
        sheet.write_string(row, 1, &line.name)?;
        write_issue_cells(sheet, row, 2, issue, &sink.rows.styles, ColFormat::Text)?;
        sheet.write_string(row, 8, &issue.message)?;
        fit_height(sheet, row, &[(&issue.message, MESSAGE_WIDTH)])?;
    }
    Ok(())
}

/// Where and what of one issue, from column `first`: 工作表, 单元格, 列, 填写内容 (as text:
/// "0012" stays as typed), 级别 (red or yellow) and 代码. `value_column` is the format the
/// 填写内容 column carries. The ledger's and the upgrade report's 校验问题 share it.
pub fn write_issue_cells(
    sheet: &mut Worksheet,
    row: u32,
    first: u16,
    issue: &Issue,
    styles: &Styles,
    value_column: ColFormat,
) -> Result<(), XlsxError> {
    sheet.write_string(row, first, &issue.sheet)?;
    sheet.write_string(row, first + 1, issue.cell.as_deref().unwrap_or(""))?;
    sheet.write_string(row, first + 2, field_header(issue.field))?;
    let value = issue.value.as_deref().unwrap_or("");
    match styles.cell(ColFormat::Text, value_column) {
        None => sheet.write_string(row, first + 3, value)?,
        Some(format) => sheet.write_string_with_format(row, first + 3, value, format)?,
    };
    let severity = match issue.severity {
        Severity::Error => &styles.error,
        Severity::Warning => &styles.warning,
    };
    sheet.write_string_with_format(row, first + 4, issue.severity.label(), severity)?;
    sheet.write_string(row, first + 5, issue.code.id())?;
    Ok(())
}
