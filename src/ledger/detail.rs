//! 台账明细: one row per organization, with its normalized values, scores, tier and trail.

use super::continued::Continued;
use super::rows::{Line, RowStyles, Sink};
use super::style::{
    col, fill, fit_height, tier_col, write_trail, write_value, Col, ColFormat, Highlight, RED,
    YELLOW,
};
use crate::check::FileReport;
use crate::form::Record;
use crate::issue::Severity;
use crate::rules::Classification;
use crate::schema::{org, Column, ORGANIZATIONS};
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::HashMap;

pub const SHEET: &str = "台账明细";

/// Form columns shown after the identifying ones, in schema order (seq and the tiers are
/// placed elsewhere).
pub fn value_columns() -> impl Iterator<Item = (usize, &'static Column)> {
    let placed = [
        org::SEQ,
        org::NAME,
        org::CODE,
        org::TYPE,
        org::DOMAIN,
        org::SELF_TIER,
        org::TARGET_TIER,
    ];
    ORGANIZATIONS
        .columns
        .iter()
        .enumerate()
        .filter(move |(i, _)| !placed.contains(i))
}

/// The width of 扣分说明, wrapped.
const TRAIL_WIDTH: f64 = 48.0;
/// The width of 依据 (of the department's decision), wrapped.
const BASIS_WIDTH: f64 = 24.0;

/// The organization's identifying columns, right after 单位代码 and 单位名称.
const LEADING: [usize; 4] = [org::NAME, org::CODE, org::TYPE, org::DOMAIN];

/// The schema columns of a row after 单位代码 and 单位名称, in sheet order, with the column
/// format each is written in: the one list both the header and the rows follow.
pub fn value_formats() -> Vec<(usize, ColFormat)> {
    LEADING
        .into_iter()
        .chain(value_columns().map(|(i, _)| i))
        .map(|i| (i, ColFormat::of(&ORGANIZATIONS.columns[i].kind)))
        .collect()
}

/// The sheet's columns, derived from the schema and the rules' survey points.
/// The sheet's columns under `rules`.
pub fn columns(rules: &crate::rules::Rules) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 12.0)
            .formatted(ColFormat::Text)
            .identifies(),
        col("单位名称", 14.0).identifies(),
    ];
    for (i, format) in value_formats() {
        let c = &ORGANIZATIONS.columns[i];
        // The identifying columns keep their form width; the values are narrower.
        let width = if LEADING.contains(&i) {
            c.width
        } else {
            c.width.min(20.0)
        };
        let column = col(c.header, width).formatted(format);
        cols.push(if i == org::NAME {
            column.identifies()
        } else {
            column
        });
    }
    for (name, max) in rules
        .survey_point_names()
        .iter()
        .zip(rules.survey_point_maxima())
    {
        cols.push(col(format!("{name}（{max}分）"), 9.0));
    }
    let status: Vec<Highlight> = [(WARNINGS, YELLOW), (ERRORS, RED)]
        .into_iter()
        .map(|(value, color)| Highlight {
            value: value.to_string(),
            fill: fill(color),
        })
        .collect();
    cols.push(col("总分", 7.0));
    cols.push(tier_col("核定等次", 9.0, rules));
    cols.push(tier_col("审定等次", 9.0, rules));
    cols.push(col("依据", BASIS_WIDTH).formatted(ColFormat::Wrap));
    cols.push(tier_col("最终等次", 9.0, rules));
    cols.push(col("自评等次", 9.0));
    cols.push(col("争创目标", 9.0));
    cols.push(col("扣分说明", TRAIL_WIDTH).formatted(ColFormat::Wrap));
    cols.push(col("校验状态", 9.0).highlighted(status));
    cols.push(col("来源文件", 22.0));
    cols.push(col("来源行", 7.0));
    cols
}

/// 校验状态 of a row without issues, with warnings only, with errors.
const PASSED: &str = "通过";
const WARNINGS: &str = "有警告";
const ERRORS: &str = "有错误";

/// Errors and warnings per (sheet, 0-based row) of the organizations sheets.
fn row_status(report: &FileReport) -> HashMap<(&str, u32), (usize, usize)> {
    let mut status: HashMap<(&str, u32), (usize, usize)> = HashMap::new();
    let Some(form) = report.form.as_ref() else {
        return status;
    };
    let sheets: Vec<&str> = (form.org_table.iter().chain(&form.org_continued))
        .map(|t| t.sheet.as_str())
        .collect();
    for issue in report.issues() {
        let sheet = issue.sheet.as_str();
        if let (true, Some(row)) = (sheets.contains(&sheet), issue.row) {
            let entry = status.entry((sheet, row - 1)).or_default();
            match issue.severity {
                Severity::Error => entry.0 += 1,
                Severity::Warning => entry.1 += 1,
            }
        }
    }
    status
}

/// The rows of one report's organizations.
pub fn write_report(
    list: &mut Continued,
    sink: &mut Sink,
    report: &FileReport,
    line: &Line,
) -> Result<(), XlsxError> {
    let Some(form) = &report.form else {
        return Ok(());
    };
    let status = row_status(report);
    for (record, c) in form.organizations.iter().zip(&report.classifications) {
        let location = form.org_location(record);
        let sheet_name = location.map_or("", |t| t.sheet.as_str());
        let counts = status.get(&(sheet_name, record.row));
        let counts = counts.copied().unwrap_or_default();
        let source = line.source_of(record, location);
        let (sheet, row) = list.next_row(sink.workbook, &sink.rows.styles)?;
        write_row(
            sheet,
            row,
            record,
            c,
            (line, &source),
            counts,
            sink.rows,
            sink.buf,
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    record: &Record,
    c: &Classification,
    (line, source): (&Line, &str),
    counts: (usize, usize),
    rows: &RowStyles,
    buf: &mut String,
) -> Result<(), XlsxError> {
    use ColFormat::Plain;
    let styles = &rows.styles;
    sheet.write_string(row, 0, &line.code)?; // a text column
    sheet.write_string(row, 1, &line.name)?;
    let mut col: u16 = 2;
    for &(i, format) in &rows.detail_values {
        write_value(sheet, row, col, record.get(i), styles, format)?;
        col += 1;
    }
    for point in &c.points {
        if let Some(p) = point.points {
            sheet.write_number(row, col, p as f64)?;
        }
        col += 1;
    }
    if let Some(total) = c.total {
        sheet.write_number(row, col, total as f64)?;
    }
    // Centered and filled by the column (its format and highlights), not per cell.
    sheet.write_string(row, col + 1, rows.rules.tier_name(c.tier))?;
    let basis = match &c.decided {
        Some(d) => {
            sheet.write_string(row, col + 2, rows.rules.tier_name(d.tier))?;
            sheet.write_string(row, col + 3, &d.basis)?;
            d.basis.as_str()
        }
        None => "",
    };
    sheet.write_string(row, col + 4, rows.rules.tier_name(c.final_tier()))?;
    let col = col + 3;
    write_value(
        sheet,
        row,
        col + 2,
        record.get(org::SELF_TIER),
        styles,
        Plain,
    )?;
    write_value(
        sheet,
        row,
        col + 3,
        record.get(org::TARGET_TIER),
        styles,
        Plain,
    )?;
    let trail = write_trail(sheet, row, col + 4, &c.trail, buf, None)?;
    fit_height(sheet, row, &[(trail, TRAIL_WIDTH), (basis, BASIS_WIDTH)])?;
    let status = match counts {
        (0, 0) => PASSED,
        (0, _) => WARNINGS,
        _ => ERRORS,
    };
    sheet.write_string(row, col + 5, status)?;
    sheet.write_string(row, col + 6, source)?;
    sheet.write_number(row, col + 7, (record.row + 1) as f64)?;
    Ok(())
}
