//! Outcomes (晋位 / 保持 / 降位 / 新增 / 未复评) and the targets, per unit and county-wide.
//!
//! Decisions beyond RULES.md, made here once:
//! - A match where either side's tier is 待定 is compared with nothing: its outcome is 待定
//!   (counted as matched, in none of the five outcomes, listed for follow-up). A tier is never
//!   guessed, so neither is a move between tiers.
//! - 后进转化率 = baseline 后进 whose year-end tier is rated and no longer 后进, over all
//!   baseline 后进 (未复评 and year-end 待定 count as not converted); `None` when there is none.
//! - 争创目标: every baseline organization that declared one counts; it is met when the
//!   year-end tier is rated and at or above it (未复评 and 待定 are not met).
//! - Organizations left unmatched because their key was ambiguous (无法匹配) count in no rate:
//!   they are errors for the department to settle first.

use super::input::{Input, Side, SideIssue};
use super::matching::{Link, Matching};
use crate::issue::{Code, Issue};
use crate::ledger::model::{ratio, TierCounts};
use crate::rules::{Rules, Tier};
use crate::schema::{org, DEVELOPMENT, ORGANIZATIONS};

/// What became of one organization between the baseline and the year end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Promoted,
    Kept,
    Demoted,
    New,
    Unrated,
    /// Matched, but a tier on either side is 待定.
    Pending,
    /// Not matched: its code or name named more than one organization.
    Ambiguous,
}

impl Outcome {
    /// Every outcome, in the order of the workbook's columns.
    pub const ALL: [Outcome; 7] = [
        Outcome::Promoted,
        Outcome::Kept,
        Outcome::Demoted,
        Outcome::New,
        Outcome::Unrated,
        Outcome::Pending,
        Outcome::Ambiguous,
    ];
    /// The five outcomes of RULES.md (always in the text summary).
    pub const RULES: [Outcome; 5] = [
        Outcome::Promoted,
        Outcome::Kept,
        Outcome::Demoted,
        Outcome::New,
        Outcome::Unrated,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Promoted => "晋位",
            Outcome::Kept => "保持",
            Outcome::Demoted => "降位",
            Outcome::New => "新增",
            Outcome::Unrated => "未复评",
            Outcome::Pending => "待定",
            Outcome::Ambiguous => "无法匹配",
        }
    }

    /// Whether the department must follow it up (降位与未复评).
    pub fn needs_follow_up(self) -> bool {
        matches!(
            self,
            Outcome::Demoted | Outcome::Unrated | Outcome::Pending | Outcome::Ambiguous
        )
    }
}

/// One organization's comparison.
#[derive(Debug, Clone)]
pub struct Row {
    pub link: Link,
    pub outcome: Outcome,
    pub baseline_tier: Option<Tier>,
    pub year_end_tier: Option<Tier>,
    /// The 争创目标 declared at baseline.
    pub target: Option<&'static str>,
    /// Whether it was met; `None` when none was declared (or the organization is 无法匹配).
    pub target_met: Option<bool>,
    /// For a baseline 后进: whether it reached at least 一般.
    pub converted: Option<bool>,
    /// 发展等次 at baseline and at year end, when filled.
    pub development: [Option<&'static str>; 2],
    /// How 发展等次 moved, when both sides filled it ([`development_move`]).
    pub development_move: Option<Outcome>,
    /// 双升级, when both comparisons were made.
    pub double: Option<Double>,
}

/// One target's verdict for a unit or the county.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: &'static str,
    /// `None` when there is nothing to measure or the rules do not ask for it.
    pub met: Option<bool>,
}

/// Counts of one unit or of the county.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub baseline: TierCounts,
    pub year_end: TierCounts,
    /// Per outcome, in the order of [`Outcome::ALL`].
    pub outcomes: Vec<usize>,
    pub laggards: usize,
    pub converted: usize,
    pub targets: usize,
    pub targets_met: usize,
    /// 发展等次 晋位 / 保持 / 降位 ([`MOVES`]).
    pub development: [usize; 3],
    /// 双升级 / 单项晋位 / 均未晋位 ([`Double::ALL`]).
    pub double: [usize; 3],
}

impl Figures {
    fn new(tiers: usize) -> Figures {
        let counts = TierCounts {
            rated: vec![0; tiers],
            pending: 0,
        };
        Figures {
            baseline: counts.clone(),
            year_end: counts,
            outcomes: vec![0; Outcome::ALL.len()],
            laggards: 0,
            converted: 0,
            targets: 0,
            targets_met: 0,
            development: [0; 3],
            double: [0; 3],
        }
    }

    fn add(&mut self, row: &Row) {
        if let Some(t) = row.baseline_tier {
            self.baseline.add(t);
        }
        if let Some(t) = row.year_end_tier {
            self.year_end.add(t);
        }
        let i = Outcome::ALL.iter().position(|o| *o == row.outcome);
        self.outcomes[i.unwrap_or(0)] += 1;
        if let Some(converted) = row.converted {
            self.laggards += 1;
            self.converted += converted as usize;
        }
        if let Some(met) = row.target_met {
            self.targets += 1;
            self.targets_met += met as usize;
        }
        if let Some(i) = (row.development_move).and_then(|m| MOVES.iter().position(|o| *o == m)) {
            self.development[i] += 1;
        }
        if let Some(i) = (row.double).and_then(|d| Double::ALL.iter().position(|o| *o == d)) {
            self.double[i] += 1;
        }
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        let i = Outcome::ALL.iter().position(|o| *o == outcome);
        i.map_or(0, |i| self.outcomes[i])
    }

    /// Organizations found on both sides.
    pub fn matched(&self) -> usize {
        [
            Outcome::Promoted,
            Outcome::Kept,
            Outcome::Demoted,
            Outcome::Pending,
        ]
        .iter()
        .map(|o| self.count(*o))
        .sum()
    }

    /// 后进转化率, as a fraction.
    pub fn laggard_conversion(&self) -> Option<f64> {
        ratio(self.converted, self.laggards)
    }

    /// 争创目标达成率, as a fraction.
    pub fn target_rate(&self) -> Option<f64> {
        ratio(self.targets_met, self.targets)
    }

    /// The three targets of the rules file, judged.
    pub fn checks(&self, rules: &Rules) -> [Check; 3] {
        let t = &rules.config().upgrade;
        let conversion = self
            .laggard_conversion()
            .map(|r| r * 100.0 + 1e-9 >= t.laggard_conversion_percent);
        let demotions = self.count(Outcome::Demoted) <= t.max_demotions as usize;
        let targets =
            (t.targets_met && self.targets > 0).then_some(self.targets_met == self.targets);
        [
            Check {
                name: "后进转化率",
                met: conversion,
            },
            Check {
                name: "降位",
                met: Some(demotions),
            },
            Check {
                name: "争创目标",
                met: targets,
            },
        ]
    }

    /// Whether every target that applies is met.
    pub fn all_met(&self, rules: &Rules) -> bool {
        self.checks(rules).iter().all(|c| c.met != Some(false))
    }
}

/// Every organization's comparison, with per-unit figures (parallel to `matching.units`) and
/// the county's.
pub struct Evaluation {
    pub rows: Vec<Row>,
    pub units: Vec<Figures>,
    pub county: Figures,
}

/// Judge every link.
pub fn evaluate(matching: &Matching, base: &Input, fin: &Input, rules: &Rules) -> Evaluation {
    let tiers = rules.tier_names().len();
    let mut units = vec![Figures::new(tiers); matching.units.len()];
    let mut county = Figures::new(tiers);
    let rows: Vec<Row> = matching
        .links
        .iter()
        .map(|link| judge(link, base, fin, rules))
        .collect();
    for row in &rows {
        units[row.link.unit].add(row);
        county.add(row);
    }
    Evaluation {
        rows,
        units,
        county,
    }
}

fn judge(link: &Link, base: &Input, fin: &Input, rules: &Rules) -> Row {
    let baseline = link.baseline.map(|b| &base.orgs[b]);
    let baseline_tier = baseline.map(|o| o.classification.final_tier());
    let year_end_tier = link
        .year_end
        .map(|f| fin.orgs[f].classification.final_tier());
    let outcome = outcome(link, baseline_tier, year_end_tier, rules);
    let counted = outcome != Outcome::Ambiguous;
    let target = baseline.and_then(|o| o.record.choice(org::TARGET_TIER));
    let reached = |target: &str| {
        year_end_tier
            .and_then(|t| rules.meets_form_tier(t, target))
            .unwrap_or(false)
    };
    let lagging = baseline_tier.is_some_and(|t| rules.is_lagging(t));
    let converted = year_end_tier.is_some_and(|t| t != Tier::Pending && !rules.is_lagging(t));
    let development = [
        baseline.and_then(|o| o.record.choice(org::DEVELOPMENT)),
        link.year_end
            .and_then(|f| fin.orgs[f].record.choice(org::DEVELOPMENT)),
    ];
    let development_move = development_move(development[0], development[1]);
    let development_move = development_move.filter(|_| counted);
    Row {
        link: link.clone(),
        outcome,
        baseline_tier,
        year_end_tier,
        target,
        target_met: target.filter(|_| counted).map(reached),
        converted: (lagging && counted).then_some(converted),
        development,
        development_move,
        double: double(outcome, development_move),
    }
}

fn outcome(link: &Link, base: Option<Tier>, fin: Option<Tier>, rules: &Rules) -> Outcome {
    if link.ambiguous {
        return Outcome::Ambiguous;
    }
    match (base, fin) {
        (None, _) => Outcome::New,
        (_, None) => Outcome::Unrated,
        (Some(b), Some(f)) => match rules.compare_tiers(f, b) {
            Some(std::cmp::Ordering::Greater) => Outcome::Promoted,
            Some(std::cmp::Ordering::Equal) => Outcome::Kept,
            Some(std::cmp::Ordering::Less) => Outcome::Demoted,
            None => Outcome::Pending,
        },
    }
}

/// The county's transition matrix: rows are baseline tiers (rated, 待定, then "none" for
/// 新增), columns the year-end tiers (rated, 待定, then "none" for 未复评). 无法匹配 is left
/// out: it belongs to no pair.
pub fn transitions(rows: &[Row], rules: &Rules) -> Vec<Vec<usize>> {
    let n = rules.tier_names().len();
    let index = |t: Option<Tier>| match t {
        Some(Tier::Rated(i)) => i,
        Some(Tier::Pending) => n,
        None => n + 1,
    };
    let mut matrix = vec![vec![0; n + 2]; n + 2];
    for row in rows.iter().filter(|r| r.outcome != Outcome::Ambiguous) {
        matrix[index(row.baseline_tier)][index(row.year_end_tier)] += 1;
    }
    matrix
}

// ---- 双分类、双升级 (RULES.md "双升级") ----
//
// The matching that compares the Party-building tier compares 发展等次 (好 / 中 / 差) too, and
// an organization 双升级 when both improved. Decisions beyond RULES.md, made here once:
// - 发展等次 is compared when both sides of a match filled it (it is optional on the form):
//   晋位 / 保持 / 降位, 好 above 中 above 差. Otherwise it is not compared.
// - 双升级 is judged among the organizations where both comparisons are made (a rated tier on
//   both sides, and a 发展等次 on both): 双升级 when both moved up, 单项晋位 when one did,
//   均未晋位 when neither.

/// The moves of 发展等次, in the order of the workbook's columns and the JSON.
pub const MOVES: [Outcome; 3] = [Outcome::Promoted, Outcome::Kept, Outcome::Demoted];

/// Whether the Party-building tier and the 发展等次 both moved up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Double {
    Both,
    One,
    Neither,
}

impl Double {
    pub const ALL: [Double; 3] = [Double::Both, Double::One, Double::Neither];

    pub fn label(self) -> &'static str {
        match self {
            Double::Both => "双升级",
            Double::One => "单项晋位",
            Double::Neither => "均未晋位",
        }
    }
}

/// How 发展等次 moved from `base` to `fin`, when both are filled.
pub fn development_move(base: Option<&str>, fin: Option<&str>) -> Option<Outcome> {
    // 好 is first: a lower position is a better grade.
    let rank = |v: Option<&str>| DEVELOPMENT.values.iter().position(|d| Some(*d) == v);
    Some(match rank(fin)?.cmp(&rank(base)?) {
        std::cmp::Ordering::Less => Outcome::Promoted,
        std::cmp::Ordering::Equal => Outcome::Kept,
        std::cmp::Ordering::Greater => Outcome::Demoted,
    })
}

/// 双升级 of an organization whose tier had `party` as its outcome and whose 发展等次 moved
/// by `development`; `None` when either was not compared.
pub fn double(party: Outcome, development: Option<Outcome>) -> Option<Double> {
    if !MOVES.contains(&party) {
        return None;
    }
    let up = [party, development?].map(|o| o == Outcome::Promoted);
    Some(match up {
        [true, true] => Double::Both,
        [false, false] => Double::Neither,
        _ => Double::One,
    })
}

/// The county's 发展等次 transitions: rows the baseline's (好, 中, 差, 未填), columns the
/// year end's, over the organizations found on both sides.
pub fn development_transitions(rows: &[Row]) -> Vec<Vec<usize>> {
    let n = DEVELOPMENT.values.len();
    let index = |v: Option<&str>| {
        let at = DEVELOPMENT.values.iter().position(|d| Some(*d) == v);
        at.unwrap_or(n)
    };
    let mut matrix = vec![vec![0; n + 1]; n + 1];
    let both_sides = |r: &&Row| r.link.baseline.is_some() && r.link.year_end.is_some();
    for row in rows
        .iter()
        .filter(|r| r.outcome != Outcome::Ambiguous)
        .filter(both_sides)
    {
        let [base, fin] = row.development;
        matrix[index(base)][index(fin)] += 1;
    }
    matrix
}

/// The labels of [`development_transitions`]' rows and columns.
pub fn development_labels() -> Vec<&'static str> {
    DEVELOPMENT.values.iter().copied().chain(["未填"]).collect()
}

/// W309 for every organization whose 发展等次 the baseline had and the year end left blank:
/// the standard expects it there, and 双升级 cannot be judged without it.
pub fn development_not_filled(rows: &[Row], matching: &Matching, fin: &Input) -> Vec<SideIssue> {
    let blank = |r: &&Row| matches!(r.development, [Some(_), None]) && r.link.year_end.is_some();
    (rows.iter().filter(blank))
        .map(|row| {
            let now = &fin.orgs[row.link.year_end.unwrap_or_default()];
            let unit = &matching.units[row.link.unit];
            let base = row.development[0].unwrap_or_default();
            let message = format!(
                "{}：“{}”基线发展等次为“{base}”，年终未填（{}），无法比较发展等次；请补填",
                unit.name,
                now.name,
                now.place()
            );
            let mut issue = Issue::file(Code::DevelopmentNotFilled, message);
            issue.field = Some(ORGANIZATIONS.columns[org::DEVELOPMENT].key);
            SideIssue {
                side: Side::YearEnd,
                file: now.source.clone(),
                unit: unit.name.clone(),
                issue,
            }
        })
        .collect()
}
