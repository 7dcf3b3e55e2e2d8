//! 报送情况: the status of every roster unit (the content of `taizhang status`), written only
//! when the ledger is built against a roster.

use super::model::Ledger;
use super::style::{col, header_row, Styles};
use crate::status::{State, StatusReport, UnitStatus};
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

pub const SHEET: &str = "报送情况";
const HEADER_ROW: u32 = 3;

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let Some(status) = &ledger.status else {
        return Ok(());
    };
    sheet.write_string_with_format(0, 0, "报送情况", &styles.title)?;
    for (i, line) in status.headline().iter().enumerate() {
        sheet.write_string(1 + i as u32, 0, line)?;
    }
    let cols = [
        col("单位代码", 12.0).identifies(),
        col("单位名称", 16.0).identifies(),
        col("单位类别", 9.0),
        col("联系人", 8.0),
        col("联系电话", 14.0),
        col("报送状态", 16.0),
        col("期限", 11.0),
        col("文件", 28.0),
        col("填报日期", 11.0),
        col("党组织数", 8.0),
        col("错误", 6.0),
        col("警告", 6.0),
        col("说明", 40.0),
    ];
    header_row(sheet, HEADER_ROW, &cols, styles)?;
    let mut row = HEADER_ROW + 1;
    for unit in &status.units {
        unit_row(sheet, row, unit, status, styles)?;
        row += 1;
    }
    sheet.autofilter(HEADER_ROW, 0, row - 1, cols.len() as u16 - 1)?;
    unmatched(sheet, row + 1, status, styles)
}

fn state_format(state: State, styles: &Styles) -> Option<&Format> {
    match state {
        State::Missing => Some(&styles.error),
        State::Errors => Some(&styles.warning),
        State::WarningsOnly | State::Passed => None,
    }
}

fn unit_row(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitStatus,
    status: &StatusReport,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, 0, &unit.code, &styles.text)?;
    sheet.write_string(row, 1, &unit.name)?;
    sheet.write_string(row, 2, unit.kind)?;
    sheet.write_string(row, 3, unit.contact.as_deref().unwrap_or_default())?;
    sheet.write_string_with_format(
        row,
        4,
        unit.phone.as_deref().unwrap_or_default(),
        &styles.text,
    )?;
    match state_format(unit.state, styles) {
        Some(f) => sheet.write_string_with_format(row, 5, unit.state_label, f)?,
        None => sheet.write_string(row, 5, unit.state_label)?,
    };
    let deadline = status.unit_deadline(unit);
    if unit.late {
        sheet.write_string_with_format(row, 6, &deadline, &styles.error)?;
    } else {
        sheet.write_string(row, 6, &deadline)?;
    }
    sheet.write_string(row, 7, unit.file.as_deref().unwrap_or_default())?;
    sheet.write_string(row, 8, unit.filled_on.as_deref().unwrap_or_default())?;
    if unit.state != State::Missing {
        for (c, n) in [
            (9, unit.organizations),
            (10, unit.errors),
            (11, unit.warnings),
        ] {
            sheet.write_number(row, c, n as f64)?;
        }
    }
    let replaced = (!unit.superseded.is_empty())
        .then(|| format!("替代了旧文件：{}", unit.superseded.join("、")));
    let notes: Vec<String> = replaced.into_iter().chain(unit.review.clone()).collect();
    if !notes.is_empty() {
        sheet.write_string(row, 12, notes.join("；"))?;
    }
    Ok(())
}

/// Files no roster unit could be found for, under the table.
fn unmatched(
    sheet: &mut Worksheet,
    first: u32,
    status: &StatusReport,
    styles: &Styles,
) -> Result<(), XlsxError> {
    if status.unmatched.is_empty() {
        return Ok(());
    }
    sheet.write_string_with_format(
        first,
        0,
        format!(
            "花名册以外的报表 {} 份（未计入任何单位）",
            status.unmatched.len()
        ),
        &styles.total,
    )?;
    for (i, file) in status.unmatched.iter().enumerate() {
        let row = first + 1 + i as u32;
        sheet.write_string_with_format(row, 0, &file.unit_code, &styles.text)?;
        sheet.write_string(row, 1, &file.unit_name)?;
        sheet.write_string(row, 7, &file.file)?;
        sheet.write_string(row, 12, &file.reason)?;
    }
    Ok(())
}
