//! 文件清单: every file found in the inbox and what became of it, with the reconciliation.

use super::model::{FileStatus, Ledger};
use super::style::{col, fit_height, header_row, ColFormat, Styles};
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "文件清单";

/// The width of 说明, wrapped.
const DETAIL_WIDTH: f64 = 60.0;

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let cols = [
        col("文件", 30.0).identifies(),
        col("状态", 9.0),
        col("单位代码", 12.0),
        col("单位名称", 14.0),
        col("党组织数", 8.0),
        col("跳过行数", 8.0),
        col("错误", 6.0),
        col("警告", 6.0),
        col("说明", DETAIL_WIDTH).formatted(ColFormat::Wrap),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut row = 1;
    for entry in ledger.files.lines() {
        sheet.write_string(row, 0, &entry.path)?;
        let format = match entry.status {
            FileStatus::Read if entry.errors > 0 => Some(&styles.warning),
            FileStatus::Read => None,
            FileStatus::Failed => Some(&styles.error),
            FileStatus::Ignored(_) | FileStatus::Superseded(_) => Some(&styles.total),
            FileStatus::OtherStage(_) => Some(&styles.error),
        };
        match format {
            Some(f) => sheet.write_string_with_format(row, 1, entry.status.label(), f)?,
            None => sheet.write_string(row, 1, entry.status.label())?,
        };
        sheet.write_string_with_format(row, 2, &entry.unit_code, &styles.text)?;
        sheet.write_string(row, 3, &entry.unit_name)?;
        if !matches!(entry.status, FileStatus::Failed | FileStatus::Ignored(_)) {
            sheet.write_number(row, 4, entry.organizations as f64)?;
            let skipped = entry.blank_rows + entry.total_rows + entry.unread_rows;
            sheet.write_number(row, 5, skipped as f64)?;
        }
        if !matches!(entry.status, FileStatus::Ignored(_)) {
            sheet.write_number(row, 6, entry.errors as f64)?;
            sheet.write_number(row, 7, entry.warnings as f64)?;
        }
        sheet.write_string(row, 8, &entry.detail)?;
        fit_height(sheet, row, &[(&entry.detail, DETAIL_WIDTH)])?;
        row += 1;
    }
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), cols.len() as u16 - 1)?;
    reconciliation(sheet, row + 1, ledger, styles)
}

/// Files found = read + superseded + failed + ignored; rows under the headers of the files in
/// the ledger = organizations + coverage rows + skipped rows (+ the rows of sheets whose
/// header is not found, when there are any).
fn reconciliation(
    sheet: &mut Worksheet,
    row: u32,
    ledger: &Ledger,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let tally = ledger.files.tally();
    let (organizations, coverage, skipped) =
        (tally.organizations, tally.coverage_rows, tally.skipped_rows);
    let superseded = tally.superseded;
    let other_stage = match tally.other_stage {
        0 => String::new(),
        n => format!(" + 阶段不符 {n}"),
    };
    let mut lines = vec![
        format!(
            "共发现文件 {} 个 = 已读取 {} + 已被替代 {superseded}{other_stage} + 读取失败 {} + 已忽略 {}",
            tally.files(),
            tally.read,
            tally.failed,
            tally.ignored
        ),
        format!(
            "列入台账的文件中，表头以下的数据行 {} = 党组织 {organizations} + 两新组织 {coverage} + 跳过的空行和合计行 {skipped}{}",
            organizations + coverage + skipped + tally.unread_rows,
            unread_term(tally.unread_rows)
        ),
    ];
    if superseded > 0 {
        lines.push(format!(
            "已被替代的 {superseded} 个旧文件中的 {} 个党组织未列入台账（只计各单位最新的文件，不同版本的行从不合并）",
            tally.superseded_organizations
        ));
    }
    if tally.other_stage > 0 {
        lines.push(format!(
            "调查阶段不符的 {} 个文件中的 {} 个党组织未列入台账（只计本次汇总的调查阶段{}的报表，见校验问题 E406）",
            tally.other_stage,
            tally.other_stage_organizations,
            ledger.stage.map_or(String::new(), |s| format!("“{}”", s.stage.label()))
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        sheet.write_string_with_format(row + i as u32, 0, line, &styles.total)?;
    }
    Ok(())
}

/// The rows of list-like sheets whose header is not found (E012) or that are hidden (E013),
/// when there are any.
fn unread_term(rows: usize) -> String {
    match rows {
        0 => String::new(),
        n => format!(" + 表头无法识别或工作表隐藏、未读取的行 {n}"),
    }
}
