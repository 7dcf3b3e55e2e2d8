//! The findings of RULES.md that are not form errors: a self-assessment the standard
//! disagrees with (W201), a lagging organization without a rectification plan (W202), and
//! one the department decided lagging without a plan (W607).

use super::{Classification, Rules, Tier};
use crate::form::{Record, TableLocation};
use crate::issue::{Code, Issue};
use crate::schema::{org, ORGANIZATIONS, TIERS};

/// The rectification plan's columns, all needed for a lagging organization.
const PLAN: [usize; 3] = [org::PROBLEMS, org::MEASURES, org::DEADLINE];

impl Rules {
    /// Warnings about one classified row. A pending row gets none: its blockers are already
    /// errors of the form.
    pub fn findings(
        &self,
        rec: &Record,
        c: &Classification,
        sheet: &str,
        table: &TableLocation,
    ) -> Vec<Issue> {
        if c.tier == Tier::Pending {
            return Vec::new();
        }
        let row = Row { rec, sheet, table };
        [self.self_tier_differs(c, &row), self.plan_missing(c, &row)]
            .into_iter()
            .flatten()
            .collect()
    }

    /// "核定为“一般”（总分 78 分；支委会次数 5/12，得 4/8 分）".
    fn computed(&self, c: &Classification) -> String {
        let name = self.tier_name(c.tier);
        let mut why: Vec<String> = c
            .total
            .map(|t| format!("总分 {t} 分"))
            .into_iter()
            .collect();
        why.extend(c.trail.iter().cloned());
        match self.form_tier(c.tier).filter(|f| *f != name) {
            Some(form) => format!(
                "核定为“{name}”（对应调查表等次“{form}”；{}）",
                why.join("；")
            ),
            None => format!("核定为“{name}”（{}）", why.join("；")),
        }
    }

    /// W201: the form tier of the computed tier is not the unit's 自评等次.
    fn self_tier_differs(&self, c: &Classification, row: &Row) -> Option<Issue> {
        let claimed = row.rec.choice(org::SELF_TIER)?;
        if self.form_tier(c.tier)? == claimed {
            return None;
        }
        let message = format!(
            "自评等次为“{claimed}”，按评分标准{}，请核实",
            self.computed(c)
        );
        let value = Some(claimed.to_string());
        Some(row.issue(org::SELF_TIER, Code::SelfTierDiffers, value, message))
    }

    /// W202: computed lagging but the plan is incomplete. When the unit itself assessed 后进,
    /// the validator already raises E111 for the same cells, so this stays quiet.
    fn plan_missing(&self, c: &Classification, row: &Row) -> Option<Issue> {
        let rec = row.rec;
        if !self.is_lagging(c.tier) || rec.choice(org::SELF_TIER) == TIERS.values.last().copied() {
            return None;
        }
        let missing: Vec<usize> = PLAN
            .into_iter()
            .filter(|&col| rec.get(col).is_none())
            .collect();
        let first = *missing.first()?;
        let names: Vec<&str> = missing
            .iter()
            .map(|&col| ORGANIZATIONS.columns[col].header)
            .collect();
        let message = format!(
            "按评分标准{}，但{}未填写；后进党组织须填写主要问题、整改措施和整改时限",
            self.computed(c),
            names.join("、")
        );
        Some(row.issue(first, Code::LaggardWithoutPlan, None, message))
    }
}

impl Rules {
    /// W607: decided lagging by the department (the standard said otherwise, and so did the
    /// unit: else W202 or E111 speaks) and its plan is incomplete.
    pub fn decided_plan_missing(
        &self,
        rec: &Record,
        c: &Classification,
        sheet: &str,
        table: &TableLocation,
    ) -> Option<Issue> {
        let decided = c.decided.as_ref()?;
        let unit_said_lagging = rec.choice(org::SELF_TIER) == TIERS.values.last().copied();
        if !self.is_lagging(decided.tier) || self.is_lagging(c.tier) || unit_said_lagging {
            return None;
        }
        let missing: Vec<usize> = (PLAN.into_iter())
            .filter(|&col| rec.get(col).is_none())
            .collect();
        let first = *missing.first()?;
        let names: Vec<&str> = (missing.iter())
            .map(|&col| ORGANIZATIONS.columns[col].header)
            .collect();
        let message = format!(
            "组织部审定为“{}”（{}），但{}未填写；请在整改进展表中写明整改计划",
            self.tier_name(decided.tier),
            decided.basis,
            names.join("、")
        );
        let row = Row { rec, sheet, table };
        Some(row.issue(first, Code::DecidedLaggardWithoutPlan, None, message))
    }
}

/// The row a finding is about, and where its cells are in the sheet.
struct Row<'a> {
    rec: &'a Record,
    sheet: &'a str,
    table: &'a TableLocation,
}

impl Row<'_> {
    /// An issue on this row's cell of `col`, or on the row when the column is not in the sheet.
    fn issue(&self, col: usize, code: Code, value: Option<String>, message: String) -> Issue {
        let field = ORGANIZATIONS.columns[col].key;
        match self.table.columns.get(col).copied().flatten() {
            Some(sheet_col) => Issue::cell(
                code,
                self.sheet,
                (self.rec.row, sheet_col),
                field,
                value,
                message,
            ),
            None => Issue {
                row: Some(self.rec.row + 1),
                field: Some(field),
                value,
                ..Issue::sheet(code, self.sheet, message)
            },
        }
    }
}
