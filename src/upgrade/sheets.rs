//! The row sheets of the upgrade workbook: 升级明细, 降位与未复评, 校验问题.

use super::input::RatedOrg;
use super::outcome::{Outcome, Row};
use super::Upgrade;
use crate::ledger::issues::write_issue_cells;
use crate::ledger::style::{col, fit_height, header_row, Col, ColFormat, Styles};
use crate::rules::Tier;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

pub const DETAIL: &str = "升级明细";
pub const FOLLOW_UP: &str = "降位与未复评";
pub const ISSUES: &str = "校验问题";

/// The two sides of a row, resolved.
struct Pair<'a> {
    base: Option<&'a RatedOrg>,
    fin: Option<&'a RatedOrg>,
}

impl<'a> Pair<'a> {
    fn of(up: &'a Upgrade, row: &Row) -> Pair<'a> {
        Pair {
            base: row.link.baseline.map(|i| &up.baseline.orgs[i]),
            fin: row.link.year_end.map(|i| &up.year_end.orgs[i]),
        }
    }
    /// The year-end side when there is one (its name is the current one).
    fn current(&self) -> &'a RatedOrg {
        self.fin
            .or(self.base)
            .expect("a link has at least one side")
    }
}

fn place(o: Option<&RatedOrg>) -> String {
    o.map(RatedOrg::place).unwrap_or_default()
}

fn tier_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    tier: Option<Tier>,
    up: &Upgrade,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match tier {
        Some(t) => {
            let format = styles.tier(&up.rules, t).set_align(FormatAlign::Top);
            sheet.write_string_with_format(row, col, up.rules.tier_name(t), &format)?;
        }
        None => {
            let format = Format::new()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top);
            sheet.write_string_with_format(row, col, "—", &format)?;
        }
    }
    Ok(())
}

fn outcome_format(outcome: Outcome, styles: &Styles) -> Option<&Format> {
    match outcome {
        Outcome::Demoted | Outcome::Unrated | Outcome::Ambiguous => Some(&styles.error),
        Outcome::Pending => Some(&styles.warning),
        _ => None,
    }
}

fn detail_columns(up: &Upgrade) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 11.0).identifies(),
        col("单位名称", 14.0).identifies(),
        col("党组织名称", 34.0).identifies(),
        col("党组织编码", 14.0),
        col("基线名称（更名前）", 22.0),
        col("基线等次", 8.0),
        col("基线总分", 7.0),
        col("年终等次", 8.0),
        col("年终总分", 7.0),
        col("总分变化", 7.0),
    ];
    for name in up.rules.survey_point_names() {
        cols.push(col(format!("{name}变化"), 9.0));
    }
    for (h, w) in [
        ("结果", 8.0),
        ("争创目标", 8.0),
        ("目标实现", 8.0),
        ("基线发展等次", 8.0),
        ("年终发展等次", 8.0),
        ("发展等次变化", 8.0),
        ("双升级", 8.0),
        ("基线来源", 22.0),
        ("年终来源", 22.0),
    ] {
        cols.push(col(h, w));
    }
    cols
}

/// 升级明细: one row per organization.
pub fn detail(sheet: &mut Worksheet, up: &Upgrade, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(DETAIL)?;
    let cols = detail_columns(up);
    header_row(sheet, 0, &cols, styles)?;
    for (i, row) in up.evaluation.rows.iter().enumerate() {
        detail_row(sheet, i as u32 + 1, row, up, styles)?;
    }
    let last = (up.evaluation.rows.len() as u32).max(1);
    sheet.autofilter(0, 0, last, cols.len() as u16 - 1)?;
    Ok(())
}

fn detail_row(
    sheet: &mut Worksheet,
    r: u32,
    row: &Row,
    up: &Upgrade,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let pair = Pair::of(up, row);
    let now = pair.current();
    let unit = &up.matching.units[row.link.unit];
    sheet.write_string_with_format(r, 0, &unit.code, &styles.text)?;
    sheet.write_string(r, 1, &unit.name)?;
    sheet.write_string(r, 2, &now.name)?;
    sheet.write_string_with_format(r, 3, now.code.as_deref().unwrap_or(""), &styles.text)?;
    if row.link.renamed {
        sheet.write_string(r, 4, pair.base.map_or("", |b| b.name.as_str()))?;
    }
    let total = |o: Option<&RatedOrg>| o.and_then(|o| o.classification.total);
    tier_cell(sheet, r, 5, row.baseline_tier, up, styles)?;
    optional_number(sheet, r, 6, total(pair.base).map(i64::from))?;
    tier_cell(sheet, r, 7, row.year_end_tier, up, styles)?;
    optional_number(sheet, r, 8, total(pair.fin).map(i64::from))?;
    let change = |a: Option<u32>, b: Option<u32>| Some(i64::from(b?) - i64::from(a?));
    change_cell(sheet, r, 9, change(total(pair.base), total(pair.fin)))?;
    let mut c: u16 = 10;
    for i in 0..5 {
        let point = |o: Option<&RatedOrg>| o?.classification.points.get(i)?.points;
        change_cell(sheet, r, c, change(point(pair.base), point(pair.fin)))?;
        c += 1;
    }
    match outcome_format(row.outcome, styles) {
        Some(f) => sheet.write_string_with_format(r, c, row.outcome.label(), f)?,
        None => sheet.write_string(r, c, row.outcome.label())?,
    };
    sheet.write_string(r, c + 1, row.target.unwrap_or(""))?;
    match row.target_met {
        Some(true) => sheet.write_string(r, c + 2, "是")?,
        Some(false) => sheet.write_string_with_format(r, c + 2, "否", &styles.error)?,
        None => sheet.write_string(r, c + 2, "")?,
    };
    let [base, fin] = row.development;
    sheet.write_string(r, c + 3, base.unwrap_or(""))?;
    sheet.write_string(r, c + 4, fin.unwrap_or(""))?;
    match row.development_move {
        Some(Outcome::Demoted) => {
            sheet.write_string_with_format(r, c + 5, "降位", &styles.error)?
        }
        Some(moved) => sheet.write_string(r, c + 5, moved.label())?,
        None => sheet.write_string(r, c + 5, "")?,
    };
    sheet.write_string(r, c + 6, row.double.map_or("", |d| d.label()))?;
    sheet.write_string(r, c + 7, place(pair.base))?;
    sheet.write_string(r, c + 8, place(pair.fin))?;
    Ok(())
}

fn optional_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    n: Option<i64>,
) -> Result<(), XlsxError> {
    match n {
        Some(n) => sheet.write_number(row, col, n as f64).map(drop),
        None => Ok(()),
    }
}

/// A change in points, signed ("+12", "-4", "0"), or nothing when a side has no score.
fn change_cell(sheet: &mut Worksheet, row: u32, col: u16, n: Option<i64>) -> Result<(), XlsxError> {
    let signed = Format::new().set_num_format("+0;-0;0");
    match n {
        Some(n) => sheet
            .write_number_with_format(row, col, n as f64, &signed)
            .map(drop),
        None => Ok(()),
    }
}

/// Row height for wrapped text: office suites do not grow rows written with a default height,
/// so a long trail would be cut off. A CJK character is about two width units.
/// Why a row needs following up; empty when it does not.
fn reasons(row: &Row, up: &Upgrade) -> Vec<String> {
    let mut out = Vec::new();
    match row.outcome {
        Outcome::Demoted => out.push("降位".to_string()),
        Outcome::Unrated => out.push("未复评（年终报表中没有）".to_string()),
        Outcome::Pending => out.push("等次待定，无法比较".to_string()),
        Outcome::Ambiguous => out.push("编码或名称对应多个党组织，无法匹配".to_string()),
        _ => {}
    }
    if row.converted == Some(false) {
        out.push("后进未转化".to_string());
    }
    if row.target_met == Some(false) {
        let now = row
            .year_end_tier
            .map_or("无".to_string(), |t| up.rules.tier_name(t).to_string());
        let target = row.target.unwrap_or_default();
        out.push(format!("争创目标未实现（目标{target}，年终{now}）"));
    }
    out
}

/// 降位与未复评: everything the department must follow up, with both trails.
pub fn follow_up(sheet: &mut Worksheet, up: &Upgrade, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(FOLLOW_UP)?;
    let cols = [
        col("单位名称", 14.0).identifies(),
        col("党组织名称", 34.0).identifies(),
        col("党组织编码", 14.0),
        col("需跟进情形", 30.0),
        col("基线等次", 8.0),
        col("年终等次", 8.0),
        col("争创目标", 8.0),
        col("基线扣分说明", 40.0).formatted(ColFormat::Wrap),
        col("年终扣分说明", 40.0).formatted(ColFormat::Wrap),
        col("基线来源", 22.0),
        col("年终来源", 22.0),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut r = 1;
    for row in &up.evaluation.rows {
        let why = reasons(row, up);
        if why.is_empty() {
            continue;
        }
        let pair = Pair::of(up, row);
        let now = pair.current();
        let trail = |o: Option<&RatedOrg>| o.map(|o| o.classification.trail_text());
        let top = Format::new().set_align(FormatAlign::Top);
        let code = now.code.as_deref().unwrap_or("");
        let unit = &up.matching.units[row.link.unit].name;
        sheet.write_string_with_format(r, 0, unit, &top)?;
        sheet.write_string_with_format(r, 1, &now.name, &top)?;
        sheet.write_string_with_format(r, 2, code, &top.clone().set_num_format("@"))?;
        sheet.write_string_with_format(r, 3, why.join("；"), &styles.wrap)?;
        tier_cell(sheet, r, 4, row.baseline_tier, up, styles)?;
        tier_cell(sheet, r, 5, row.year_end_tier, up, styles)?;
        sheet.write_string_with_format(r, 6, row.target.unwrap_or(""), &top)?;
        let base_trail = trail(pair.base).unwrap_or_default();
        let fin_trail = trail(pair.fin).unwrap_or_else(|| "（年终无此党组织）".into());
        fit_height(
            sheet,
            r,
            &[
                (&why.join("；"), 30.0),
                (&base_trail, 40.0),
                (&fin_trail, 40.0),
            ],
        )?;
        sheet.write_string_with_format(r, 7, base_trail, &styles.wrap)?;
        sheet.write_string_with_format(r, 8, fin_trail, &styles.wrap)?;
        sheet.write_string_with_format(r, 9, place(pair.base), &top)?;
        sheet.write_string_with_format(r, 10, place(pair.fin), &top)?;
        r += 1;
    }
    sheet.autofilter(0, 0, (r - 1).max(1), cols.len() as u16 - 1)?;
    Ok(())
}

/// 校验问题: every issue of both sides and of matching.
pub fn issues(sheet: &mut Worksheet, up: &Upgrade, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(ISSUES)?;
    let cols = [
        col("来自", 10.0).identifies(),
        col("来源文件", 22.0).identifies(),
        col("单位名称", 14.0).identifies(),
        col("工作表", 12.0),
        col("单元格", 8.0),
        col("列", 12.0),
        col("填写内容", 16.0),
        col("级别", 6.0),
        col("代码", 6.0),
        col("问题说明", 70.0).formatted(ColFormat::Wrap),
    ];
    header_row(sheet, 0, &cols, styles)?;
    let mut r = 1;
    for found in up.issues() {
        let issue = &found.issue;
        sheet.write_string(r, 0, found.side.label())?;
        sheet.write_string(r, 1, &found.file)?;
        sheet.write_string(r, 2, &found.unit)?;
        write_issue_cells(sheet, r, 3, issue, styles, ColFormat::Plain)?;
        fit_height(sheet, r, &[(&issue.message, 70.0)])?;
        sheet.write_string_with_format(r, 9, &issue.message, &styles.wrap)?;
        r += 1;
    }
    sheet.autofilter(0, 0, (r - 1).max(1), cols.len() as u16 - 1)?;
    Ok(())
}
