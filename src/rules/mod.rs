//! Tier rules: serde config, compile, evaluate, trail.
//!
//! The standard of RULES.md is data: `templates/rules.toml` is embedded as the default and a
//! county may supply its own file of the same shape. A file is checked once when loaded (a
//! mistake is refused with its path and line, never per row); then [`Rules::classify`] scores
//! each organization, [`Rules::findings`] turns the result into warnings for `check`, and
//! [`Rules::describe`] prints the standard for a clerk to review.
//!
//! ```
//! use taizhang::rules::Rules;
//! let rules = Rules::embedded();
//! assert_eq!(rules.tier_names(), ["优秀", "一般", "后进"]);
//! ```

pub mod config;
mod describe;
mod eval;
mod findings;
mod load;
mod validate;

#[cfg(test)]
mod tests;

pub use config::RulesFile;
pub use eval::{Classification, Decided, PointScore, Veto};
pub use load::RulesError;

use crate::schema::{ORGANIZATIONS, TIERS};
use std::cmp::Ordering;
use std::path::Path;

/// The name of the tier of a row that cannot be scored.
pub const PENDING: &str = "待定";

/// The default standard, compiled into the binary so everything works with no file given.
pub const EMBEDDED_TOML: &str = include_str!("../../templates/rules.toml");
/// The four-grade scheme (好 / 较好 / 一般 / 较差), shipped for counties that still use it.
pub const FOUR_GRADE_TOML: &str = include_str!("../../templates/rules-4grade.toml");

const EMBEDDED_ORIGIN: &str = "内置默认标准（templates/rules.toml）";

/// A computed tier: an index into the scheme (0 = highest), or pending when a field the score
/// needs is missing or invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Tier {
    Rated(usize),
    Pending,
}

/// A checked rules file, ready to classify rows. Cheap to share across threads by reference.
#[derive(Debug, Clone)]
pub struct Rules {
    origin: String,
    file: RulesFile,
    /// Column index of each 组织制度 item, parallel to `file.life.items`.
    life_columns: Vec<usize>,
    veto_tier: usize,
}

impl Rules {
    /// The default standard of RULES.md.
    pub fn embedded() -> Rules {
        Rules::from_toml_str(EMBEDDED_TOML, EMBEDDED_ORIGIN)
            .expect("the embedded rules file is valid (tested)")
    }

    /// Read and check a county's rules file.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Rules::from_toml_str(&text, &path.display().to_string())
    }

    /// Check rules given as text; `origin` names them in error messages (usually the path).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Rules, RulesError> {
        let file = load::parse(text, origin)?;
        let life_columns = file
            .life
            .items
            .iter()
            .filter_map(|item| {
                ORGANIZATIONS
                    .columns
                    .iter()
                    .position(|c| c.key == item.field)
            })
            .collect();
        let veto_tier = file
            .tiers
            .levels
            .iter()
            .position(|l| l.name == file.tiers.veto)
            .unwrap_or(file.tiers.levels.len() - 1);
        Ok(Rules {
            origin: origin.to_string(),
            file,
            life_columns,
            veto_tier,
        })
    }

    /// Where the rules came from: a path, or the embedded default.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The standard's name (`name` in the file).
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// The settings as written, for the coverage and upgrade targets and the ledger's headers.
    pub fn config(&self) -> &RulesFile {
        &self.file
    }

    /// The survey points' names, in scoring order (the ledger's score columns).
    pub fn survey_point_names(&self) -> [&str; 5] {
        let f = &self.file;
        [
            &f.setup.name,
            &f.leadership.name,
            &f.life.name,
            &f.support.name,
            &f.role.name,
        ]
    }

    /// The survey points' maxima, in scoring order.
    pub fn survey_point_maxima(&self) -> [u32; 5] {
        let f = &self.file;
        [
            f.setup.max,
            f.leadership.max,
            f.life.max,
            f.support.max,
            f.role.max,
        ]
    }

    /// Every rated tier, highest first.
    pub fn tiers(&self) -> impl Iterator<Item = Tier> + '_ {
        (0..self.file.tiers.levels.len()).map(Tier::Rated)
    }

    /// Every rated tier's name, highest first (without 待定).
    pub fn tier_names(&self) -> Vec<&str> {
        self.file
            .tiers
            .levels
            .iter()
            .map(|l| l.name.as_str())
            .collect()
    }

    /// The tier's name; 待定 for pending.
    pub fn tier_name(&self, tier: Tier) -> &str {
        match tier {
            Tier::Rated(i) => self.file.tiers.levels.get(i).map_or(PENDING, |l| &l.name),
            Tier::Pending => PENDING,
        }
    }

    /// The tier with this name (待定 gives pending), e.g. when reading a ledger back.
    pub fn tier_by_name(&self, name: &str) -> Option<Tier> {
        if name == PENDING {
            return Some(Tier::Pending);
        }
        self.file
            .tiers
            .levels
            .iter()
            .position(|l| l.name == name)
            .map(Tier::Rated)
    }

    /// The tier a veto gives.
    pub fn veto_tier(&self) -> Tier {
        Tier::Rated(self.veto_tier)
    }

    /// The tier a total earns when nothing vetoes.
    pub fn tier_for_total(&self, total: u32) -> Tier {
        let levels = &self.file.tiers.levels;
        let index = levels.iter().position(|l| total >= l.min);
        Tier::Rated(index.unwrap_or(levels.len() - 1))
    }

    /// The form's tier (优秀 / 一般 / 后进) a computed tier stands for, to compare with
    /// 自评等次 and 争创目标; `None` for pending.
    pub fn form_tier(&self, tier: Tier) -> Option<&'static str> {
        let Tier::Rated(i) = tier else { return None };
        let level = self.file.tiers.levels.get(i)?;
        TIERS.values.iter().copied().find(|v| *v == level.form_tier)
    }

    /// Whether the tier counts as lagging (its form tier is the lowest, 后进): such an
    /// organization needs a rectification plan and counts toward 后进转化率.
    pub fn is_lagging(&self, tier: Tier) -> bool {
        self.form_tier(tier) == TIERS.values.last().copied()
    }

    /// How `a` compares with `b`: `Greater` when `a` is the higher tier (晋位 from `b` to
    /// `a`), `Less` when lower (降位); `None` when either is pending.
    pub fn compare_tiers(&self, a: Tier, b: Tier) -> Option<Ordering> {
        match (a, b) {
            // A lower index is a higher tier.
            (Tier::Rated(a), Tier::Rated(b)) => Some(b.cmp(&a)),
            _ => None,
        }
    }

    /// Whether `tier` is at or above the form tier `target` (a 争创目标 such as 一般); `None`
    /// when the tier is pending or the target is not a form tier.
    pub fn meets_form_tier(&self, tier: Tier, target: &str) -> Option<bool> {
        let reached = validate::form_rank(self.form_tier(tier)?)?;
        Some(reached <= validate::form_rank(target)?)
    }
}
