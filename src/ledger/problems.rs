//! 问题类型: per unit and county, how many organizations lost points for each item of the
//! standard, and how many each veto struck (for the 通报). Counted from the scoring
//! ([`super::counts::ProblemCounts`]), never from the trail's text.

use super::model::{Ledger, UnitSummary};
use super::style::{col, header_row, Col, Styles};
use crate::schema::{org, ORGANIZATIONS};
use rust_xlsxwriter::{Worksheet, XlsxError};

pub const SHEET: &str = "问题类型";

/// The problem types the county has, in column order: vetoes first, then deductions; each
/// `(column of 党组织情况, whether it is the veto)`.
fn types(ledger: &Ledger) -> Vec<(usize, bool)> {
    let county = &ledger.county.problems;
    let found = |counts: &[usize], veto: bool| -> Vec<(usize, bool)> {
        (0..counts.len())
            .filter(|&c| counts[c] > 0)
            .map(|c| (c, veto))
            .collect()
    };
    let mut types = found(&county.vetoed, true);
    types.extend(found(&county.deducted, false));
    types
}

/// A problem type's name: what the organizations were short of, "（一票否决）" for a veto.
pub fn name(col: usize, veto: bool) -> String {
    let header = ORGANIZATIONS.columns[col].header;
    let label = header.split('（').next().unwrap_or(header);
    let what = match col {
        org::TYPE => "组织设置与党员人数不符".to_string(),
        org::SECRETARY => "书记空缺".to_string(),
        org::COMMITTEE_SIZE => "班子成员不足".to_string(),
        org::ON_TIME_ELECTION => "未按期换届".to_string(),
        org::FUNDING => "工作经费不足".to_string(),
        org::VENUE_AREA => "活动场所面积不足".to_string(),
        org::SATISFACTION => "群众满意度偏低".to_string(),
        _ if veto => format!("{label}为 0"),
        _ => format!("{label}不足"),
    };
    match veto {
        true => format!("{what}（一票否决）"),
        false => what,
    }
}

fn columns(types: &[(usize, bool)]) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 11.0).identifies(),
        col("单位名称", 16.0).identifies(),
        col("党组织数", 8.0),
    ];
    cols.extend(types.iter().map(|&(c, veto)| col(name(c, veto), 11.0)));
    cols
}

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    let types = types(ledger);
    header_row(sheet, 0, &columns(&types), styles)?;
    sheet.set_row_height(0, 45)?;
    let row = super::summary::unit_rows(sheet, 1, ledger, styles, unit_row)?;
    let note = match types.is_empty() {
        true => "没有扣分或一票否决的党组织。",
        false => "每格是该单位因此项扣分（或被一票否决）的党组织个数，一个党组织可计入多项；只列出全县有的问题类型。扣分情况见“台账明细”的扣分说明。",
    };
    sheet.write_string(row + 2, 0, note)?;
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
    let formats = styles.row(total);
    sheet.write_string_with_format(row, 0, &unit.code, formats.plain)?;
    sheet.write_string_with_format(row, 1, &unit.name, formats.plain)?;
    let orgs = unit.organizations() as f64;
    sheet.write_number_with_format(row, 2, orgs, formats.number)?;
    for (k, (c, veto)) in types(ledger).into_iter().enumerate() {
        let counts = match veto {
            true => &unit.problems.vetoed,
            false => &unit.problems.deducted,
        };
        sheet.write_number_with_format(row, 3 + k as u16, counts[c] as f64, formats.number)?;
    }
    Ok(())
}
