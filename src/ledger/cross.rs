//! 双分类: every unit's organizations counted by 最终等次 × 发展等次 (the county's table is in
//! 汇总).

use super::model::{Ledger, UnitSummary};
use super::style::{col, header_row, Col, Styles};
use super::summary::unit_rows;
use crate::rules::Tier;
use crate::schema::DEVELOPMENT;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "双分类";

fn columns(ledger: &Ledger) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 11.0).identifies(),
        col("单位名称", 16.0).identifies(),
    ];
    let development: Vec<&str> = DEVELOPMENT.values.iter().copied().chain(["未填"]).collect();
    for tier in ledger.rules.tiers().chain([Tier::Pending]) {
        for dev in &development {
            let label = format!("{}·{dev}", ledger.rules.tier_name(tier));
            cols.push(col(label, 8.0));
        }
    }
    cols
}

/// A row per unit, a column per 最终等次 × 发展等次 (优秀·好 …, 待定·未填).
pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    header_row(sheet, 0, &columns(ledger), styles)?;
    let row = unit_rows(sheet, 1, ledger, styles, unit_row)?;
    let note = "每格是该单位核定为此等次、发展等次为此档的党组织个数；全县的交叉表见“汇总”。";
    sheet.write_string(row + 2, 0, note)?;
    Ok(())
}

/// One unit's 双分类 counts, tier by tier.
fn unit_row(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitSummary,
    _: &Ledger,
    styles: &Styles,
    total: bool,
) -> Result<(), XlsxError> {
    let formats = styles.row(total);
    sheet.write_string_with_format(row, 0, &unit.code, formats.plain)?;
    sheet.write_string_with_format(row, 1, &unit.name, formats.plain)?;
    for (k, n) in unit.cross.rows.iter().flatten().enumerate() {
        sheet.write_number_with_format(row, 2 + k as u16, *n as f64, formats.number)?;
    }
    Ok(())
}
