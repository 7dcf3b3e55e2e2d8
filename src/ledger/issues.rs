//! 校验问题: every issue of every file.

use super::continued::Continued;
use super::style::{col, Col};
use super::writer::{Line, Sink};
use crate::check::FileReport;
use crate::issue::Severity;
use crate::report::field_header;
use rust_xlsxwriter::XlsxError;

pub const SHEET: &str = "校验问题";

pub fn columns() -> Vec<Col> {
    vec![
        col("来源文件", 22.0),
        col("单位名称", 14.0),
        col("工作表", 12.0),
        col("单元格", 8.0),
        col("列", 14.0),
        col("填写内容", 16.0),
        col("级别", 6.0),
        col("代码", 6.0),
        col("问题说明", 70.0),
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
        let (sheet, row) = list.next_row(&mut sink.workbook, &sink.rows.styles)?;
        let styles = &sink.rows.styles;
        sheet.write_string(row, 0, &line.source)?;
        sheet.write_string(row, 1, &line.name)?;
        sheet.write_string(row, 2, &issue.sheet)?;
        sheet.write_string(row, 3, issue.cell.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 4, field_header(issue.field))?;
        sheet.write_string_with_format(
            row,
            5,
            issue.value.as_deref().unwrap_or(""),
            &styles.text,
        )?;
        let format = match issue.severity {
            Severity::Error => &styles.error,
            Severity::Warning => &styles.warning,
        };
        sheet.write_string_with_format(row, 6, issue.severity.label(), format)?;
        sheet.write_string(row, 7, issue.code.id())?;
        sheet.write_string(row, 8, &issue.message)?;
    }
    Ok(())
}
