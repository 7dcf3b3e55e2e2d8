//! 两新覆盖: per unit coverage figures against the targets, then every row.

use super::model::{unit_key, Ledger, UnitSummary};
use super::style::{col, header_row, write_rate, write_value, Styles};
use crate::schema::{COVERAGE, COVERAGE_MODES};
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "两新覆盖";

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let mut cols = vec![
        col("单位名称", 16.0),
        col("两新组织数", 10.0),
        col("已建党组织", 10.0),
        col("建党率", 9.0),
        col("规模以上", 9.0),
        col("规模以上已建", 11.0),
        col("规模以上建党率", 12.0),
    ];
    cols.extend(COVERAGE_MODES.values.iter().map(|m| col(*m, 12.0)));
    header_row(sheet, 0, &cols, styles)?;
    let mut row = 1;
    for unit in &ledger.units {
        unit_row(sheet, row, unit, ledger, styles, false)?;
        row += 1;
    }
    unit_row(sheet, row, &ledger.county, ledger, styles, true)?;
    rows(sheet, row + 3, ledger, styles)
}

fn unit_row(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitSummary,
    ledger: &Ledger,
    styles: &Styles,
    total: bool,
) -> Result<(), XlsxError> {
    let c = &unit.coverage;
    let targets = &ledger.rules.config().coverage;
    let plain = if total {
        &styles.total
    } else {
        &styles.decimal
    };
    sheet.write_string_with_format(row, 0, &unit.name, plain)?;
    for (i, n) in [c.total, c.organized].into_iter().enumerate() {
        sheet.write_number_with_format(row, 1 + i as u16, n as f64, plain)?;
    }
    let rate_format = |rate: Option<f64>, target: f64| match rate {
        Some(r) if r * 100.0 + 1e-9 < target => &styles.below_target,
        _ if total => &styles.total_percent,
        _ => &styles.percent,
    };
    write_rate(
        sheet,
        row,
        3,
        c.rate(),
        rate_format(c.rate(), targets.party_org_rate_percent),
    )?;
    for (i, n) in [c.above_scale, c.above_scale_organized]
        .into_iter()
        .enumerate()
    {
        sheet.write_number_with_format(row, 4 + i as u16, n as f64, plain)?;
    }
    write_rate(
        sheet,
        row,
        6,
        c.above_scale_rate(),
        rate_format(c.above_scale_rate(), targets.above_scale_rate_percent),
    )?;
    for (i, n) in c.by_mode.iter().enumerate() {
        sheet.write_number_with_format(row, 7 + i as u16, *n as f64, plain)?;
    }
    Ok(())
}

/// Every 两新 row, below the unit table.
fn rows(
    sheet: &mut Worksheet,
    first: u32,
    ledger: &Ledger,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let targets = &ledger.rules.config().coverage;
    sheet.write_string(
        first - 1,
        0,
        format!(
            "目标：建党率不低于 {}%，规模以上建党率不低于 {}%（低于目标的标红）。以下为全部两新组织：",
            targets.party_org_rate_percent, targets.above_scale_rate_percent
        ),
    )?;
    let mut header = vec!["单位名称".to_string()];
    header.extend(COVERAGE.columns.iter().map(|c| c.header.to_string()));
    header.extend(["来源文件".to_string(), "来源行".to_string()]);
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(first, i as u16, h, &styles.header)?;
    }
    let mut row = first + 1;
    for report in &ledger.reports {
        let Some(form) = &report.form else { continue };
        let (_, unit) = unit_key(report);
        for record in &form.coverage {
            sheet.write_string(row, 0, &unit)?;
            for i in 0..COVERAGE.columns.len() {
                write_value(sheet, row, 1 + i as u16, record.get(i), styles)?;
            }
            let end = 1 + COVERAGE.columns.len() as u16;
            sheet.write_string(row, end, ledger.display_path(&report.path))?;
            sheet.write_number(row, end + 1, (record.row + 1) as f64)?;
            row += 1;
        }
    }
    sheet.autofilter(
        first,
        0,
        row.saturating_sub(1).max(first + 1),
        header.len() as u16 - 1,
    )?;
    Ok(())
}
