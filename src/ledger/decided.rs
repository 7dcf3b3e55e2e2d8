//! 审定意见 (with `--decisions`): every usable row of the department's decisions workbook and
//! the organizations it was applied to, then every problem with the workbook, on its cell.

use super::issues::write_issue_cells;
use super::model::Ledger;
use super::style::{col, fit_height, header_row, ColFormat, Styles};
use crate::decisions::{Outcome, SHEET};
use rust_xlsxwriter::{Worksheet, XlsxError};

/// The widths of 依据 and 采用情况 (where the problems' 问题说明 go too), wrapped.
const BASIS_WIDTH: f64 = 30.0;
const FOUND_WIDTH: f64 = 44.0;

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let Some(outcome) = &ledger.decisions else {
        return Ok(());
    };
    let cols = [
        col("行号", 6.0),
        col("单位名称", 14.0),
        col("党组织编码", 16.0).formatted(ColFormat::Text),
        col("党组织名称", 28.0),
        col("审定等次", 9.0).formatted(ColFormat::Centered),
        col("依据", BASIS_WIDTH).formatted(ColFormat::Wrap),
        col("审定人", 10.0),
        col("审定日期", 11.0),
        col("采用情况", FOUND_WIDTH).formatted(ColFormat::Wrap),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut row = 1;
    for (d, found) in outcome.decisions.iter().zip(&outcome.found) {
        sheet.write_number(row, 0, d.row as f64)?;
        sheet.write_string(row, 1, &d.unit)?;
        sheet.write_string(row, 2, d.code.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 3, &d.name)?;
        sheet.write_string(row, 4, ledger.rules.tier_name(d.tier))?;
        sheet.write_string(row, 5, &d.basis)?;
        sheet.write_string(row, 6, d.by.as_deref().unwrap_or(""))?;
        if let Some(on) = d.on {
            sheet.write_string(row, 7, on.to_string())?;
        }
        let status = applied_text(found);
        sheet.write_string(row, 8, &status)?;
        fit_height(
            sheet,
            row,
            &[(&d.basis, BASIS_WIDTH), (&status, FOUND_WIDTH)],
        )?;
        row += 1;
    }
    issues(sheet, row + 1, outcome, styles)
}

/// "已采用：白马镇 城关村党支部（核定等次 一般）", or why not.
fn applied_text(found: &[crate::decisions::Found]) -> String {
    if found.is_empty() {
        return "未采用：各单位报表中找不到此党组织".to_string();
    }
    let each: Vec<String> = (found.iter())
        .map(|f| format!("{} {}（核定等次 {}）", f.unit, f.organization, f.rated))
        .collect();
    format!("已采用：{}", each.join("；"))
}

/// The problems with the workbook, under the decisions.
fn issues(
    sheet: &mut Worksheet,
    first: u32,
    outcome: &Outcome,
    styles: &Styles,
) -> Result<(), XlsxError> {
    if outcome.issues.is_empty() {
        let note = format!(
            "审定意见表“{}”没有问题。各项统计按最终等次（有审定的按审定等次）。",
            outcome.file
        );
        sheet.write_string(first, 0, note)?;
        return Ok(());
    }
    let title = format!(
        "审定意见表“{}”的问题（{} 处）",
        outcome.file,
        outcome.issues.len()
    );
    sheet.write_string_with_format(first, 0, title, &styles.title)?;
    // Under the decisions' columns: 问题说明 in the wide, wrapped 采用情况 column.
    let headers = [
        "工作表",
        "单元格",
        "列",
        "填写内容",
        "级别",
        "代码",
        "",
        "",
        "问题说明",
    ];
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(first + 1, c as u16, *header, &styles.header)?;
    }
    for (i, issue) in outcome.issues.iter().enumerate() {
        let row = first + 2 + i as u32;
        write_issue_cells(sheet, row, 0, issue, styles, ColFormat::Text)?;
        sheet.write_string(row, 8, &issue.message)?;
        fit_height(sheet, row, &[(&issue.message, FOUND_WIDTH)])?;
    }
    Ok(())
}
