//! The plan: which organizations of a ledger must rectify, with what the ledger says of
//! them (主要问题, 整改措施, 整改时限), grouped by unit in ledger order.

use crate::rules::Rules;
use crate::schema::org;
use crate::upgrade::matching::name_key;
use crate::upgrade::readback::{LedgerOrg, LedgerReadback};
use chrono::NaiveDate;

/// One organization to rectify.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOrg {
    pub code: String,
    pub name: String,
    /// The tier that put it in the plan ([`plan_tier`]).
    pub tier: String,
    /// 扣分说明: why it lags.
    pub reason: String,
    pub problems: String,
    pub measures: String,
    pub deadline: Option<NaiveDate>,
}

impl PlanOrg {
    /// How a returned row finds it: its 党组织编码, else its name (spaces and widths folded).
    pub fn key(&self) -> OrgKey {
        OrgKey::of(&self.code, &self.name)
    }
}

/// An organization's identity within its unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgKey {
    Code(String),
    Name(String),
}

impl OrgKey {
    pub fn of(code: &str, name: &str) -> OrgKey {
        match code.trim() {
            "" => OrgKey::Name(name_key(name)),
            code => OrgKey::Code(code.to_string()),
        }
    }
}

/// One unit's organizations to rectify.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanUnit {
    pub code: String,
    pub name: String,
    pub organizations: Vec<PlanOrg>,
}

/// Every unit with an organization to rectify, in ledger order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub units: Vec<PlanUnit>,
}

/// The tier an organization is planned by: its 最终等次 ([`LedgerOrg::final_tier_name`]).
pub fn plan_tier(org: &LedgerOrg) -> &str {
    org.final_tier_name()
}

/// Whether an organization of this tier rectifies: a lagging tier of `rules` (后进), or one
/// of the tiers `include`d (待定, 一般).
fn rectifies(tier: &str, rules: &Rules, include: &[String]) -> bool {
    let lagging = rules
        .tier_by_name(tier)
        .is_some_and(|t| rules.is_lagging(t));
    lagging || include.iter().any(|t| t == tier)
}

/// 扣分说明 as the ledger's 后进整改 gives it: the department's decision first
/// ("审定：督查发现…"), then the standard's deductions.
fn reason(found: &LedgerOrg) -> String {
    let decided = (found.decided.as_ref()).map(|(_, basis)| format!("审定：{basis}"));
    let trail = Some(found.trail.clone()).filter(|t| !t.is_empty());
    let parts: Vec<String> = decided.into_iter().chain(trail).collect();
    parts.join("；")
}

impl Plan {
    /// The plan of a ledger read back.
    pub fn of(ledger: &LedgerReadback, rules: &Rules, include: &[String]) -> Plan {
        let mut plan = Plan::default();
        for found in &ledger.organizations {
            let tier = plan_tier(found);
            if !rectifies(tier, rules, include) {
                continue;
            }
            let text = |i| found.record.text(i).unwrap_or_default().to_string();
            let planned = PlanOrg {
                code: text(org::CODE),
                name: text(org::NAME),
                tier: tier.to_string(),
                reason: reason(found),
                problems: text(org::PROBLEMS),
                measures: text(org::MEASURES),
                deadline: found.record.date(org::DEADLINE),
            };
            plan.unit_mut(&found.unit_code, &found.unit_name)
                .organizations
                .push(planned);
        }
        plan
    }

    fn unit_mut(&mut self, code: &str, name: &str) -> &mut PlanUnit {
        let at = self
            .units
            .iter()
            .position(|u| u.code == code && u.name == name);
        let at = at.unwrap_or_else(|| {
            self.units.push(PlanUnit {
                code: code.to_string(),
                name: name.to_string(),
                organizations: Vec::new(),
            });
            self.units.len() - 1
        });
        &mut self.units[at]
    }

    /// The unit a return names: by 单位代码, else by 单位名称.
    pub fn unit(&self, code: &str, name: &str) -> Option<usize> {
        let (code, name) = (code.trim(), name_key(name));
        (self
            .units
            .iter()
            .position(|u| !code.is_empty() && u.code == code))
        .or_else(|| (self.units.iter()).position(|u| !name.is_empty() && name_key(&u.name) == name))
    }

    /// How many organizations the plan has.
    pub fn organizations(&self) -> usize {
        self.units.iter().map(|u| u.organizations.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Record;
    use crate::schema::ORGANIZATIONS;

    fn ledger_org(tier: &str, final_tier: &str) -> LedgerOrg {
        LedgerOrg {
            unit_code: "511101003".into(),
            unit_name: "白马镇".into(),
            record: Record::new(4, ORGANIZATIONS.columns.len()),
            points: Vec::new(),
            total: None,
            tier_name: tier.into(),
            tier: None,
            final_tier: final_tier.into(),
            decided: None,
            trail: String::new(),
            status: String::new(),
            source_file: String::new(),
            source_row: 5,
            ledger_row: 2,
        }
    }

    #[test]
    fn the_final_tier_wins_over_the_rated_one_when_the_ledger_has_it() {
        let rules = Rules::embedded();
        let ledger = LedgerReadback {
            organizations: vec![
                ledger_org("一般", "后进"),
                ledger_org("后进", "一般"),
                ledger_org("后进", ""),
            ],
            ..LedgerReadback::default()
        };
        let plan = Plan::of(&ledger, &rules, &[]);
        let tiers: Vec<&str> = plan.units[0]
            .organizations
            .iter()
            .map(|o| o.tier.as_str())
            .collect();
        assert_eq!(tiers, ["后进", "后进"]);
        let with_average = Plan::of(&ledger, &rules, &["一般".to_string()]);
        assert_eq!(with_average.organizations(), 3);
    }
}
