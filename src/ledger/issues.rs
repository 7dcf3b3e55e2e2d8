//! 校验问题: every issue of every file.

use super::model::{unit_key, Ledger};
use super::style::{col, header_row, Styles};
use crate::issue::Severity;
use crate::report::field_header;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "校验问题";

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<u32, XlsxError> {
    sheet.set_name(SHEET)?;
    let cols = [
        col("来源文件", 22.0),
        col("单位名称", 14.0),
        col("工作表", 12.0),
        col("单元格", 8.0),
        col("列", 14.0),
        col("填写内容", 16.0),
        col("级别", 6.0),
        col("代码", 6.0),
        col("问题说明", 70.0),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut row = 1;
    for report in &ledger.reports {
        let (_, unit) = unit_key(report);
        let source = ledger.display_path(&report.path);
        for issue in report.issues() {
            sheet.write_string(row, 0, &source)?;
            sheet.write_string(row, 1, &unit)?;
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
            row += 1;
        }
    }
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), cols.len() as u16 - 1)?;
    Ok(row - 1)
}
