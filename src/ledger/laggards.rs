//! 后进整改: every organization whose final tier (最终等次: the department's decision, else
//! the standard's) is lagging, why, and its rectification plan, marked
//! 已逾期 when its 整改时限 is before the ledger's day (`--as-of`, default today).

use super::continued::Continued;
use super::rows::{Line, Sink};
use super::style::{col, fit_height, tier_col, write_trail, write_value, Col, ColFormat};
use crate::check::FileReport;
use crate::rules::Rules;
use crate::schema::{org, ORGANIZATIONS};
use rust_xlsxwriter::XlsxError;

pub const SHEET: &str = "后进整改";

/// The widths of 后进原因 and of 主要问题 and 整改措施, wrapped.
const TRAIL_WIDTH: f64 = 48.0;
const PLAN_WIDTH: f64 = 30.0;

pub fn columns(rules: &Rules) -> Vec<Col> {
    vec![
        col("单位名称", 14.0).identifies(),
        col("党组织名称", 30.0)
            .formatted(format_of(org::NAME))
            .identifies(),
        col("组织类型", 10.0),
        col("总分", 7.0),
        tier_col("最终等次", 9.0, rules),
        col("后进原因", TRAIL_WIDTH).formatted(ColFormat::Wrap),
        col("主要问题", PLAN_WIDTH).formatted(ColFormat::Wrap),
        col("整改措施", PLAN_WIDTH).formatted(ColFormat::Wrap),
        col("整改时限", 12.0).formatted(format_of(org::DEADLINE)),
        col("是否逾期", 11.0),
        col("整改计划", 10.0),
        col("来源文件", 22.0),
        col("来源行", 7.0),
    ]
}

/// The column format of schema column `i` of the organizations sheet.
fn format_of(i: usize) -> ColFormat {
    ColFormat::of(&ORGANIZATIONS.columns[i].kind)
}

/// The lagging organizations of one report.
pub fn write_report(
    list: &mut Continued,
    sink: &mut Sink,
    report: &FileReport,
    line: &Line,
) -> Result<(), XlsxError> {
    let Some(form) = &report.form else {
        return Ok(());
    };
    let plan = [org::PROBLEMS, org::MEASURES, org::DEADLINE];
    for (record, c) in form.organizations.iter().zip(&report.classifications) {
        if !sink.rows.rules.is_lagging(c.final_tier()) {
            continue;
        }
        let (sheet, row) = list.next_row(sink.workbook, &sink.rows.styles)?;
        let styles = &sink.rows.styles;
        sheet.write_string(row, 0, &line.name)?;
        let name_format = format_of(org::NAME);
        write_value(sheet, row, 1, record.get(org::NAME), styles, name_format)?;
        let type_format = format_of(org::TYPE);
        write_value(sheet, row, 2, record.get(org::TYPE), styles, type_format)?;
        if let Some(total) = c.total {
            sheet.write_number(row, 3, total as f64)?;
        }
        // Centered and filled by the column (its format and highlights), not per cell.
        sheet.write_string(row, 4, sink.rows.rules.tier_name(c.final_tier()))?;
        // A decision says why first: "审定：督查发现…", then the standard's deductions.
        let decided;
        let trail = match &c.decided {
            Some(_) => {
                decided = c.trail_text();
                sheet.write_string(row, 5, &decided)?;
                decided.as_str()
            }
            None => write_trail(sheet, row, 5, &c.trail, sink.buf, None)?,
        };
        let plan_text = |i| (record.text(i).unwrap_or_default(), PLAN_WIDTH);
        let texts = [
            (trail, TRAIL_WIDTH),
            plan_text(org::PROBLEMS),
            plan_text(org::MEASURES),
        ];
        fit_height(sheet, row, &texts)?;
        for (offset, i) in plan.into_iter().enumerate() {
            write_value(
                sheet,
                row,
                6 + offset as u16,
                record.get(i),
                styles,
                format_of(i),
            )?;
        }
        let overdue = (record.date(org::DEADLINE).zip(sink.rows.today))
            .map(|(deadline, today)| (today - deadline).num_days())
            .filter(|&days| days > 0);
        if let Some(days) = overdue {
            let text = format!("已逾期 {days} 天");
            sheet.write_string_with_format(row, 9, &text, &styles.error)?;
        }
        if plan.iter().all(|i| record.get(*i).is_some()) {
            sheet.write_string(row, 10, "完整")?;
        } else {
            sheet.write_string_with_format(row, 10, "不完整", &styles.error)?;
        }
        let source = line.source_of(record, form.org_location(record));
        sheet.write_string(row, 11, source.as_ref())?;
        sheet.write_number(row, 12, (record.row + 1) as f64)?;
    }
    Ok(())
}
