//! The rules file as written: serde structs mirroring `templates/rules.toml`.
//!
//! Every struct refuses unknown keys, so a misspelt setting is an error with its line rather
//! than a silently ignored default. The shape follows RULES.md: five survey points in a fixed
//! order (the scoring structure lives in code), their numbers and names here.

use serde::Deserialize;

/// A whole rules file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// The standard's name, shown in the ledger and by `taizhang rules`.
    pub name: String,
    /// The total; the five survey points' maxima must add up to it.
    pub total: u32,
    pub setup: Setup,
    pub leadership: Leadership,
    pub life: Life,
    pub support: Support,
    pub role: Role,
    pub tiers: TierScheme,
    pub coverage: CoverageTargets,
    pub upgrade: UpgradeTargets,
    /// When each 调查阶段's returns are due; `--deadline` overrides. Optional: a file written
    /// before it existed keeps 4月15日 and 12月31日.
    #[serde(default)]
    pub deadlines: Deadlines,
    /// The weights of the 单位考评 (验收评比). Optional: a file written before it existed
    /// gets the defaults.
    #[serde(default)]
    pub evaluation: Evaluation,
}

/// The weight of each indicator of the 单位考评 ([`crate::evaluation`]); 0 leaves one out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Evaluation {
    /// 优秀占比: the share of the unit's organizations whose final tier is the highest.
    pub excellent_share: f64,
    /// 后进转化率 (the year-end comparison).
    pub laggard_conversion: f64,
    /// 争创目标达成率 (the year-end comparison).
    pub targets_met: f64,
    /// 两新建党率 against the target: the rate over the target, at most 1.
    pub coverage: f64,
    /// 按时报送: the return in by the deadline (with a roster).
    pub on_time: f64,
    /// 报表无错误: the unit's returns without an error.
    pub clean_returns: f64,
    /// 整改按期完成: the share of its rectification plans done by their 整改时限.
    pub rectified_on_time: f64,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            excellent_share: 25.0,
            laggard_conversion: 20.0,
            targets_met: 10.0,
            coverage: 15.0,
            on_time: 10.0,
            clean_returns: 10.0,
            rectified_on_time: 10.0,
        }
    }
}

/// The day each 调查阶段's returns are due, in the survey's year, as month-day ("04-15").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// 摸底.
    pub baseline: String,
    /// 年终.
    pub year_end: String,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            baseline: "04-15".to_string(),
            year_end: "12-31".to_string(),
        }
    }
}

impl Deadlines {
    /// The day `text` ("04-15") names, as a form says it: "4月15日".
    pub fn in_words(text: &str) -> String {
        match month_day(text) {
            Some((month, day)) => format!("{month}月{day}日"),
            None => text.to_string(),
        }
    }
}

/// A month-day as the rules file writes it ("04-15", "4-15"): (month, day), checked against
/// a leap year so that 02-29 passes.
pub fn month_day(text: &str) -> Option<(u32, u32)> {
    let (month, day) = text.trim().split_once('-')?;
    let (month, day) = (month.parse().ok()?, day.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(2024, month, day).map(|_| (month, day))
}

/// 组织设置: is the organization of the right kind for its size.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    pub name: String,
    pub max: u32,
    pub min_members: MinMembers,
    /// Each rule deducts on its own; the score floors at 0.
    #[serde(default)]
    pub oversize: Vec<Oversize>,
}

/// Organization types that need a minimum of full members (else the survey point scores 0).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinMembers {
    pub types: Vec<String>,
    pub members: u32,
}

/// An organization of one of `types` with `members` or more full members should be a `due`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Oversize {
    pub types: Vec<String>,
    pub members: u32,
    pub deduct: u32,
    pub due: String,
}

/// 领导班子.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leadership {
    pub name: String,
    pub max: u32,
    /// Whether a vacant secretary post vetoes (it always scores 0).
    pub vacant_veto: bool,
    pub election_deduct: u32,
    pub committee: CommitteeRule,
}

/// With `members` or more full members the committee needs `min_size` or more people.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitteeRule {
    pub members: u32,
    pub min_size: u32,
    pub deduct: u32,
}

/// 组织制度: counts of meetings against their yearly requirement.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Life {
    pub name: String,
    pub max: u32,
    pub items: Vec<LifeItem>,
}

/// One counted activity: full points at `required`, half at half of it (rounded up).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeItem {
    /// Schema key of a count column of 党组织情况.
    pub field: String,
    pub required: u32,
    pub points: u32,
    #[serde(default)]
    pub veto_when_zero: bool,
    /// Only assessed when the committee has at least this many members; otherwise full points.
    #[serde(default)]
    pub only_with_committee: Option<u32>,
}

/// 经费场所保障.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub name: String,
    pub max: u32,
    /// Funding strictly above this (万元) earns `funding_points`.
    pub funding_above: f64,
    pub funding_points: u32,
    /// A venue of at least this area (平方米) earns `venue_points`.
    pub venue_at_least: f64,
    pub venue_points: u32,
}

/// 作用发挥: satisfaction bands.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    pub max: u32,
    /// Highest band first.
    pub bands: Vec<Band>,
    /// Whether satisfaction below the lowest band vetoes (it always scores 0).
    pub veto_below: bool,
}

/// Satisfaction of at least `min` percent earns `points`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    pub points: u32,
}

/// The tiers, highest first, and the one a veto gives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierScheme {
    pub veto: String,
    pub levels: Vec<TierLevel>,
}

/// One tier: reached with `min` points or more; `form_tier` is the form's 优秀/一般/后进 it
/// stands for when compared with 自评等次 and 争创目标.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierLevel {
    pub name: String,
    pub min: u32,
    pub form_tier: String,
}

/// Coverage targets of 两新组织, in percent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageTargets {
    /// 建党率 target.
    pub party_org_rate_percent: f64,
    /// 规模以上建党率 target.
    pub above_scale_rate_percent: f64,
}

/// 晋位升级 targets.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeTargets {
    /// 后进转化率 target, in percent.
    pub laggard_conversion_percent: f64,
    /// The most 降位 allowed.
    pub max_demotions: u32,
    /// Whether every 争创目标 must be met.
    pub targets_met: bool,
}
