//! 单位考评: the units scored and ranked ([`crate::evaluation`]), best first. The ledger's
//! sheet and the upgrade workbook's are written by [`write`].

use super::model::{FileStatus, Ledger};
use super::style::{col, header_row, write_rate, Col, Styles};
use crate::evaluation::{share, Indicator, Ranking};
use crate::status::State;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::HashMap;

pub const SHEET: &str = "单位考评";

/// What the ledger can judge a unit on.
const LEDGER: [Indicator; 4] = [
    Indicator::Excellent,
    Indicator::Coverage,
    Indicator::OnTime,
    Indicator::Clean,
];

/// The ledger's units in the 合计 (not those outside the roster), scored.
pub fn of_ledger(ledger: &Ledger) -> Ranking {
    let target = ledger.rules.config().coverage.party_org_rate_percent / 100.0;
    // 按时报送, by unit code (with a roster).
    let on_time: HashMap<&str, f64> = (ledger.status.iter().flat_map(|s| &s.units))
        .map(|u| {
            (
                u.code.as_str(),
                f64::from(u8::from(u.state != State::Missing && !u.late)),
            )
        })
        .collect();
    // 报表无错误: of a unit's returns in the ledger (文件清单's 已读取), those without an error.
    let mut returns: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for f in (ledger.files.lines().iter()).filter(|f| f.status == FileStatus::Read) {
        let (files, clean) = returns.entry((&f.unit_code, &f.unit_name)).or_default();
        *files += 1;
        *clean += usize::from(f.errors == 0);
    }
    let clean = |unit: &super::model::UnitSummary| {
        let (files, clean) = returns.get(&(unit.code.as_str(), unit.name.as_str()))?;
        share(*clean, *files)
    };
    let units = (ledger.units.iter().take(ledger.units.counted()))
        .map(|unit| {
            let coverage = share(unit.coverage.organized, unit.coverage.total);
            let values = vec![
                share(unit.tiers.rated[0], unit.tiers.total()),
                coverage.map(|rate| match target > 0.0 {
                    true => (rate / target).min(1.0),
                    false => 1.0,
                }),
                on_time.get(unit.code.as_str()).copied(),
                clean(&unit),
            ];
            (unit.code, unit.name, values)
        })
        .collect();
    Ranking::new(&ledger.rules.config().evaluation, &LEDGER, units)
}

/// The sheet: one row per unit in rank order (unscored units last), each indicator as a
/// percentage with its weight in the header, the score out of 100; `note` says what this
/// workbook scores on.
pub fn write(
    sheet: &mut Worksheet,
    ranking: &Ranking,
    styles: &Styles,
    note: &str,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let mut cols: Vec<Col> = vec![
        col("排名", 6.0),
        col("单位代码", 12.0),
        col("单位名称", 16.0),
    ];
    for (indicator, weight) in ranking.indicators.iter().zip(&ranking.weights) {
        let weight = crate::normalize::format_number(*weight);
        cols.push(col(format!("{}（权重 {weight}）", indicator.label()), 12.0));
    }
    cols.push(col("得分", 8.0));
    header_row(sheet, 0, &cols, styles)?;
    sheet.set_row_height(0, 45)?;
    let mut order: Vec<usize> = (0..ranking.units.len()).collect();
    order.sort_by_key(|&i| ranking.units[i].rank.unwrap_or(usize::MAX));
    let two_places = rust_xlsxwriter::Format::new().set_num_format("0.00");
    let mut row = 1;
    for i in order {
        let unit = &ranking.units[i];
        if let Some(rank) = unit.rank {
            sheet.write_number(row, 0, rank as f64)?;
        }
        sheet.write_string_with_format(row, 1, &unit.code, &styles.text)?;
        sheet.write_string(row, 2, &unit.name)?;
        let mut c = 3;
        for value in &unit.values {
            write_rate(sheet, row, c, *value, &styles.percent)?;
            c += 1;
        }
        match unit.score {
            Some(score) => sheet.write_number_with_format(row, c, score, &two_places)?,
            None => sheet.write_string(row, c, "—")?,
        };
        row += 1;
    }
    let rule = "得分 = 各项指标（0–100%）× 权重之和 ÷ 该单位适用指标的权重之和 × 100；“—”为不适用于该单位的指标（如没有两新组织），不参加折算。权重在评分标准文件的 [evaluation] 中设置（taizhang rules 可查看）。得分相同的名次相同。";
    sheet.write_string(row + 1, 0, rule)?;
    sheet.write_string(row + 2, 0, note)?;
    Ok(())
}
