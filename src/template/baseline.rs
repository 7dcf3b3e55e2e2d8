//! The year-end form pre-filled from the April ledger: each unit's organizations listed with
//! their 党组织编码 and 党组织名称 locked, so that `upgrade` matches every one by code instead
//! of by what a clerk retyped, and the April tier shown beside them for reference.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::layout;
use crate::read::Limits;
use crate::schema::{org, BASELINE_TIER};
use crate::upgrade::matching::name_key;
use crate::upgrade::readback::{read_ledger, LedgerOrg};

/// One organization of the baseline ledger, as its unit's year-end form lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefilledOrg {
    pub name: String,
    /// Empty when the baseline had none: the cell is left for the clerk to fill.
    pub code: String,
    /// The tier the county assessed in April (核定等次), shown for reference only.
    pub baseline_tier: String,
}

/// The organizations of a ledger written by `taizhang ledger`, by the 单位代码 of its rows.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    units: BTreeMap<String, Unit>,
}

#[derive(Debug, Clone, Default)]
struct Unit {
    name: String,
    organizations: Vec<PrefilledOrg>,
}

impl Baseline {
    /// Read the ledger at `path` back ([`read_ledger`], guarded like every file read); a file
    /// that is not our ledger is refused ([`crate::upgrade::readback::ReadbackError::NotALedger`]).
    /// An organization listed twice in a unit (by code, else by name) is listed once.
    pub fn read(path: &Path, rules: &Rules, limits: &Limits) -> Result<Baseline, TemplateError> {
        let ledger = read_ledger(path, rules, limits)?;
        let mut baseline = Baseline::default();
        for found in ledger.organizations {
            baseline.add(found);
        }
        Ok(baseline)
    }

    fn add(&mut self, found: LedgerOrg) {
        let unit = self.units.entry(found.unit_code.clone()).or_default();
        if unit.name.is_empty() {
            unit.name = found.unit_name.clone();
        }
        let text = |col| found.record.text(col).unwrap_or_default().to_string();
        let (name, code) = (text(org::NAME), text(org::CODE));
        let seen = |o: &PrefilledOrg| match code.is_empty() {
            false => o.code == code,
            true => name_key(&o.name) == name_key(&name),
        };
        if !unit.organizations.iter().any(seen) {
            unit.organizations.push(PrefilledOrg {
                name,
                code,
                baseline_tier: found.final_tier_name().to_string(),
            });
        }
    }

    /// The organizations of the unit with this 单位代码, in ledger order (none when the
    /// baseline has no row of that unit).
    pub fn organizations(&self, unit_code: &str) -> Vec<PrefilledOrg> {
        (self.units.get(unit_code.trim()))
            .map(|u| u.organizations.clone())
            .unwrap_or_default()
    }

    /// The baseline's units (单位代码, 单位名称) whose code is not among `codes`: their
    /// organizations are on no form written.
    pub fn units_not_in<'a>(&'a self, codes: &[&str]) -> Vec<(&'a str, &'a str)> {
        (self.units.iter())
            .filter(|(code, _)| !codes.contains(&code.as_str()))
            .map(|(code, unit)| (code.as_str(), unit.name.as_str()))
            .collect()
    }
}

/// The pre-filled rows of 党组织情况 under its header: name and code locked (a code the
/// baseline lacks is left for the clerk), and the reference column right of the table.
pub(super) fn write_prefilled(
    sheet: &mut Worksheet,
    organizations: &[PrefilledOrg],
    styles: &Styles,
) -> Result<(), XlsxError> {
    if organizations.is_empty() {
        return Ok(());
    }
    let header_last = layout::schema_header_rows(&ORGANIZATIONS);
    let reference = ORGANIZATIONS.columns.len() as u16;
    sheet.merge_range(1, reference, header_last, reference, "", &styles.header)?;
    sheet.write_with_format(1, reference, BASELINE_TIER, &styles.header)?;
    sheet.set_column_width(reference, 16)?;
    let reference_format = styles.fixed_value.clone().set_italic();
    for (i, found) in organizations.iter().enumerate() {
        let row = header_last + 1 + i as u32;
        sheet.write_with_format(row, org::NAME as u16, &found.name, &styles.fixed_value)?;
        if !found.code.is_empty() {
            sheet.write_with_format(row, org::CODE as u16, &found.code, &styles.fixed_value)?;
        }
        let tier = &found.baseline_tier;
        sheet.write_with_format(row, reference, tier, &reference_format)?;
    }
    Ok(())
}

/// What 填报说明 says about the pre-filled rows: what is locked, what the reference column is,
/// and what to do for an organization new, renamed or dissolved since April.
pub(super) fn prefilled_instructions(organizations: &[PrefilledOrg]) -> Vec<String> {
    let table = ORGANIZATIONS.name;
    let name = ORGANIZATIONS.columns[org::NAME].header;
    let code = ORGANIZATIONS.columns[org::CODE].header;
    let remarks = ORGANIZATIONS.columns[org::REMARKS].header;
    vec![
        format!(
            "1. “{table}”表已按摸底台账预填本单位 {} 个党组织的“{name}”和“{code}”（灰底，已锁定，\
             不能修改），请在每一行填写其余各列。年终复评按党组织编码与摸底逐个比对，请勿另起一行重复填报。",
            organizations.len()
        ),
        format!(
            "2. 最右侧“{BASELINE_TIER}”列是县委组织部在摸底时核定（或审定）的等次，只供参考，不需填写，汇总时不读取。"
        ),
        "3. 摸底后新成立的党组织，在预填各行下方的空行中填写，编码按全国党员信息系统填写。".to_string(),
        format!(
            "4. 党组织更名的，预填的名称不要改，在“{remarks}”中写明新名称。已撤销或合并的党组织，\
             不要删除该行（预填的行也无法删除），在“{remarks}”中写明“已撤销”或“已并入××”及时间，\
             其余各列不填；检查时该行会提示必填项未填，报送时向县委组织部说明即可。"
        ),
    ]
}
