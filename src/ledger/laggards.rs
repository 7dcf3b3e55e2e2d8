//! 后进整改: every organization computed as lagging, why, and its rectification plan.

use super::model::{unit_key, Ledger};
use super::style::{col, header_row, write_value, Styles};
use crate::schema::org;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "后进整改";

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<u32, XlsxError> {
    sheet.set_name(SHEET)?;
    let cols = [
        col("单位名称", 14.0),
        col("党组织名称", 30.0),
        col("组织类型", 10.0),
        col("总分", 7.0),
        col("核定等次", 9.0),
        col("后进原因", 48.0),
        col("主要问题", 30.0),
        col("整改措施", 30.0),
        col("整改时限", 12.0),
        col("整改计划", 10.0),
        col("来源文件", 22.0),
        col("来源行", 7.0),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut row = 1;
    for report in &ledger.reports {
        let Some(form) = &report.form else { continue };
        let (_, unit) = unit_key(report);
        for (record, c) in form.organizations.iter().zip(&report.classifications) {
            if !ledger.rules.is_lagging(c.tier) {
                continue;
            }
            sheet.write_string(row, 0, &unit)?;
            write_value(sheet, row, 1, record.get(org::NAME), styles)?;
            write_value(sheet, row, 2, record.get(org::TYPE), styles)?;
            if let Some(total) = c.total {
                sheet.write_number(row, 3, total as f64)?;
            }
            sheet.write_string_with_format(
                row,
                4,
                ledger.rules.tier_name(c.tier),
                &styles.tier(ledger.rules, c.tier),
            )?;
            sheet.write_string_with_format(row, 5, c.trail_text(), &styles.wrap)?;
            for (offset, i) in [org::PROBLEMS, org::MEASURES, org::DEADLINE]
                .into_iter()
                .enumerate()
            {
                write_value(sheet, row, 6 + offset as u16, record.get(i), styles)?;
            }
            let complete = [org::PROBLEMS, org::MEASURES, org::DEADLINE]
                .iter()
                .all(|i| record.get(*i).is_some());
            if complete {
                sheet.write_string(row, 9, "完整")?;
            } else {
                sheet.write_string_with_format(row, 9, "不完整", &styles.error)?;
            }
            sheet.write_string(row, 10, ledger.display_path(&report.path))?;
            sheet.write_number(row, 11, (record.row + 1) as f64)?;
            row += 1;
        }
    }
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), cols.len() as u16 - 1)?;
    Ok(row - 1)
}
