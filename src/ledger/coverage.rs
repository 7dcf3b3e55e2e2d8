//! 两新覆盖: per unit coverage figures against the targets; 两新明细: every row.
//!
//! The figures are known only once every file is read, while the rows stream past as files
//! are: the table and the rows live on two sheets, so both are written top-down in constant
//! memory (the rows continue on 两新明细(2)… past a sheet's limit).

use super::continued::Continued;
use super::model::{Ledger, UnitSummary};
use super::rows::{Line, Sink};
use super::style::{col, header_row, write_rate, write_value, Col, ColFormat, Styles};
use crate::check::FileReport;
use crate::schema::{COVERAGE, COVERAGE_MODES};
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "两新覆盖";
/// Every 两新 row.
pub const ROWS_SHEET: &str = "两新明细";

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let mut cols = vec![
        col("单位名称", 16.0).identifies(),
        col("两新组织数", 10.0),
        col("已建党组织", 10.0),
        col("建党率", 9.0),
        col("规模以上", 9.0),
        col("规模以上已建", 11.0),
        col("规模以上建党率", 12.0),
    ];
    cols.extend(COVERAGE_MODES.values.iter().map(|m| col(*m, 12.0)));
    header_row(sheet, 0, &cols, styles)?;
    let row = super::summary::unit_rows(sheet, 1, ledger, styles, unit_row)?;
    let targets = &ledger.rules.config().coverage;
    sheet.write_string(
        row + 2,
        0,
        format!(
            "目标：建党率不低于 {}%，规模以上建党率不低于 {}%（低于目标的标红）。全部两新组织见“{ROWS_SHEET}”工作表。",
            targets.party_org_rate_percent, targets.above_scale_rate_percent
        ),
    )?;
    Ok(())
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
    let formats = styles.row(total);
    let plain = formats.number;
    sheet.write_string_with_format(row, 0, &unit.name, plain)?;
    for (i, n) in [c.total, c.organized].into_iter().enumerate() {
        sheet.write_number_with_format(row, 1 + i as u16, n as f64, plain)?;
    }
    let rate_format = |rate: Option<f64>, target: f64| styles.rate(rate, target, &formats);
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

/// The columns of 两新明细: the unit, the form's columns, the source.
pub fn row_columns() -> Vec<Col> {
    let mut cols = vec![col("单位名称", 14.0).identifies()];
    cols.extend(
        COVERAGE
            .columns
            .iter()
            .map(|c| col(c.header, c.width.min(20.0)).formatted(ColFormat::of(&c.kind))),
    );
    cols.extend([col("来源文件", 22.0), col("来源行", 7.0)]);
    cols
}

/// The 两新 rows of one report.
pub fn write_report(
    list: &mut Continued,
    sink: &mut Sink,
    report: &FileReport,
    line: &Line,
) -> Result<(), XlsxError> {
    let Some(form) = &report.form else {
        return Ok(());
    };
    let end = 1 + COVERAGE.columns.len() as u16;
    for record in &form.coverage {
        let (sheet, row) = list.next_row(sink.workbook, &sink.rows.styles)?;
        sheet.write_string(row, 0, &line.name)?;
        for (i, column) in COVERAGE.columns.iter().enumerate() {
            let format = ColFormat::of(&column.kind);
            write_value(
                sheet,
                row,
                1 + i as u16,
                record.get(i),
                &sink.rows.styles,
                format,
            )?;
        }
        let source = line.source_of(record, form.coverage_location(record));
        sheet.write_string(row, end, source.as_ref())?;
        sheet.write_number(row, end + 1, (record.row + 1) as f64)?;
    }
    Ok(())
}
