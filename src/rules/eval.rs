//! Scoring one organization against the rules: five survey points, vetoes, tier, trail.
//!
//! Every deduction and veto leaves one short Chinese line in the trail, so a clerk can see
//! why a row got its tier. A field the score needs that is missing or invalid makes the row
//! 待定: the points that can still be computed are kept, vetoes found are still listed, but
//! the tier is never guessed.

use super::config::{LifeItem, RulesFile};
use super::{Rules, Tier};
use crate::form::Record;
use crate::normalize::format_number;
use crate::schema::{org, ORGANIZATIONS};
use serde::{Deserialize, Serialize};

/// One survey point's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointScore {
    pub name: String,
    /// `None` when a field it needs is missing or invalid.
    pub points: Option<u32>,
    pub max: u32,
}

/// A condition that sets the tier to the veto tier whatever the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Veto {
    /// Schema key of the field that vetoes.
    #[serde(with = "crate::schema::key")]
    pub field: crate::schema::Key,
    /// The trail line, e.g. "书记空缺（一票否决）".
    pub reason: String,
}

/// The outcome of scoring one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The five survey points, in scoring order.
    pub points: Vec<PointScore>,
    /// `None` unless every survey point was computed.
    pub total: Option<u32>,
    pub tier: Tier,
    /// Found even when the row is pending.
    pub vetoes: Vec<Veto>,
    /// Schema keys of missing or invalid fields the score needs, in column order.
    #[serde(with = "crate::schema::key::list")]
    pub blocking: Vec<&'static str>,
    /// One reason per deduction or veto; for a pending row, a last line naming the blockers.
    pub trail: Vec<String>,
    /// Schema keys of the fields that cost points (not vetoes: [`Classification::vetoes`]),
    /// one per deduction in the trail: what the 问题类型 counts are made of.
    #[serde(with = "crate::schema::key::list")]
    pub deductions: Vec<&'static str>,
    /// The department's decision (审定), when its decisions workbook names this organization
    /// ([`crate::decisions`]); `tier` stays the standard's verdict (核定等次).
    pub decided: Option<Decided>,
}

/// A tier the department decided for an organization, and why (审定等次 and 依据).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decided {
    pub tier: Tier,
    /// 依据, with 审定人 and 审定日期 when given: "督查发现书记长期缺位（张三 2026-05-10）".
    pub basis: String,
}

impl Classification {
    pub fn is_pending(&self) -> bool {
        self.tier == Tier::Pending
    }

    /// 最终等次: the department's decision where there is one, else the standard's tier.
    /// Every count, share and comparison uses it.
    pub fn final_tier(&self) -> Tier {
        self.decided.as_ref().map_or(self.tier, |d| d.tier)
    }

    /// The trail as one cell's text, the department's decision first when there is one
    /// ("审定为后进：督查发现…；…").
    pub fn trail_text(&self) -> String {
        let decided = self.decided.as_ref().map(|d| format!("审定：{}", d.basis));
        let reasons: Vec<&str> = (decided.iter().map(String::as_str))
            .chain(self.trail.iter().map(String::as_str))
            .collect();
        reasons.join("；")
    }
}

impl Rules {
    /// Score one row of 党组织情况 (see the module docs for how missing fields are handled).
    pub fn classify(&self, rec: &Record) -> Classification {
        let mut s = Scorer::new(&self.file, rec);
        let scores = [
            s.setup(),
            s.leadership(),
            s.life(&self.life_columns),
            s.support(),
            s.role(),
        ];
        let points: Vec<PointScore> = self
            .survey_point_names()
            .iter()
            .zip(self.survey_point_maxima())
            .zip(scores)
            .map(|((name, max), points)| PointScore {
                name: name.to_string(),
                points,
                max,
            })
            .collect();
        let total = scores.iter().copied().sum::<Option<u32>>();
        let tier = self.decide(&s, total);
        s.finish(points, total, tier)
    }

    fn decide(&self, s: &Scorer, total: Option<u32>) -> Tier {
        match total {
            _ if !s.blocking.is_empty() => Tier::Pending,
            _ if !s.vetoes.is_empty() => self.veto_tier(),
            Some(total) => self.tier_for_total(total),
            None => Tier::Pending,
        }
    }
}

/// The header of a column without its unit in brackets: "群众满意度（%）" -> "群众满意度".
fn label(col: usize) -> &'static str {
    let header = ORGANIZATIONS.columns[col].header;
    header.split('（').next().unwrap_or(header)
}

/// Accumulates what scoring finds while reading the fields it needs.
struct Scorer<'a> {
    rules: &'a RulesFile,
    rec: &'a Record,
    blocking: Vec<usize>,
    vetoes: Vec<Veto>,
    trail: Vec<String>,
    deductions: Vec<&'static str>,
}

impl<'a> Scorer<'a> {
    fn new(rules: &'a RulesFile, rec: &'a Record) -> Scorer<'a> {
        Scorer {
            rules,
            rec,
            blocking: Vec::new(),
            vetoes: Vec::new(),
            trail: Vec::new(),
            deductions: Vec::new(),
        }
    }

    /// Column `col` cost points, for the reason `line`.
    fn deduct(&mut self, col: usize, line: String) {
        self.trail.push(line);
        self.deductions.push(ORGANIZATIONS.columns[col].key);
    }

    /// A needed field's value; a missing or invalid one is noted as blocking.
    fn need<T>(&mut self, col: usize, get: impl Fn(&Record, usize) -> Option<T>) -> Option<T> {
        let value = if self.rec.is_invalid(col) {
            None
        } else {
            get(self.rec, col)
        };
        if value.is_none() {
            self.blocking.push(col);
        }
        value
    }

    fn count(&mut self, col: usize) -> Option<i64> {
        self.need(col, |r, c| r.int(c).filter(|n| *n >= 0))
    }

    fn number(&mut self, col: usize) -> Option<f64> {
        self.need(col, |r, c| {
            r.number(c).filter(|n| n.is_finite() && *n >= 0.0)
        })
    }

    /// Whether the secretary post is vacant: an empty 书记姓名 is a fact, not a gap.
    fn secretary_vacant(&mut self) -> Option<bool> {
        if self.rec.is_invalid(org::SECRETARY) {
            self.blocking.push(org::SECRETARY);
            return None;
        }
        let name = self.rec.text(org::SECRETARY).map(str::trim);
        Some(name.is_none_or(str::is_empty))
    }

    fn veto(&mut self, col: usize, reason: String) {
        self.trail.push(reason.clone());
        self.vetoes.push(Veto {
            field: ORGANIZATIONS.columns[col].key,
            reason,
        });
    }

    /// 组织设置.
    fn setup(&mut self) -> Option<u32> {
        let kind = self.need(org::TYPE, Record::choice);
        let members = self.count(org::FULL_MEMBERS);
        let (kind, members) = (kind?, members?);
        let s = &self.rules.setup;
        let listed = |types: &[String]| types.iter().any(|t| t == kind);
        if listed(&s.min_members.types) && members < i64::from(s.min_members.members) {
            let need = s.min_members.members;
            let line = format!("{kind}正式党员 {members} 人，不足 {need} 人，得 0 分");
            self.deduct(org::TYPE, line);
            return Some(0);
        }
        let mut points = s.max;
        for rule in s.oversize.iter().filter(|r| listed(&r.types)) {
            if members >= i64::from(rule.members) {
                points = points.saturating_sub(rule.deduct);
                let line = format!(
                    "正式党员 {members} 人仍为{kind}，扣 {} 分（应设{}）",
                    rule.deduct, rule.due
                );
                self.deduct(org::TYPE, line);
            }
        }
        Some(points)
    }

    /// 领导班子.
    fn leadership(&mut self) -> Option<u32> {
        let l = &self.rules.leadership;
        if self.secretary_vacant()? {
            if l.vacant_veto {
                self.veto(org::SECRETARY, "书记空缺（一票否决）".into());
            } else {
                self.deduct(org::SECRETARY, "书记空缺，得 0 分".into());
            }
            return Some(0);
        }
        let members = self.count(org::FULL_MEMBERS);
        let size = self.count(org::COMMITTEE_SIZE);
        let on_time = self.need(org::ON_TIME_ELECTION, Record::bool);
        let (members, size, on_time) = (members?, size?, on_time?);
        let mut points = l.max;
        let rule = &l.committee;
        if members >= i64::from(rule.members) && size < i64::from(rule.min_size) {
            points = points.saturating_sub(rule.deduct);
            let line = format!(
                "正式党员 {members} 人，班子成员 {size} 人（应不少于 {} 人），扣 {} 分",
                rule.min_size, rule.deduct
            );
            self.deduct(org::COMMITTEE_SIZE, line);
        }
        if !on_time {
            points = points.saturating_sub(l.election_deduct);
            let line = format!("未按期换届，扣 {} 分", l.election_deduct);
            self.deduct(org::ON_TIME_ELECTION, line);
        }
        Some(points)
    }

    /// 组织制度: every item is scored (no early return) so all blockers and vetoes are found.
    fn life(&mut self, columns: &[usize]) -> Option<u32> {
        let items = &self.rules.life.items;
        let scores: Vec<Option<u32>> = items
            .iter()
            .zip(columns)
            .map(|(item, &col)| self.life_item(item, col))
            .collect();
        scores.into_iter().sum()
    }

    fn life_item(&mut self, item: &LifeItem, col: usize) -> Option<u32> {
        if let Some(min_size) = item.only_with_committee {
            if self.count(org::COMMITTEE_SIZE)? < i64::from(min_size) {
                return Some(item.points);
            }
        }
        let count = self.count(col)?;
        let points = item_points(item, count);
        if item.veto_when_zero && count == 0 {
            self.veto(col, format!("{} 0（一票否决）", label(col)));
        } else if points < item.points {
            let line = format!(
                "{} {count}/{}，得 {points}/{} 分",
                label(col),
                item.required,
                item.points
            );
            self.deduct(col, line);
        }
        Some(points)
    }

    /// 经费场所保障.
    fn support(&mut self) -> Option<u32> {
        let funding = self.number(org::FUNDING);
        let area = self.number(org::VENUE_AREA);
        let (funding, area) = (funding?, area?);
        let s = &self.rules.support;
        let mut points = 0;
        if funding > s.funding_above {
            points += s.funding_points;
        } else {
            let line = format!(
                "年度工作经费 {} 万元（应多于 {} 万元），扣 {} 分",
                format_number(funding),
                format_number(s.funding_above),
                s.funding_points
            );
            self.deduct(org::FUNDING, line);
        }
        if area >= s.venue_at_least {
            points += s.venue_points;
        } else {
            let line = format!(
                "活动场所面积 {} 平方米（应不少于 {} 平方米），扣 {} 分",
                format_number(area),
                format_number(s.venue_at_least),
                s.venue_points
            );
            self.deduct(org::VENUE_AREA, line);
        }
        Some(points)
    }

    /// 作用发挥.
    fn role(&mut self) -> Option<u32> {
        let satisfaction = self.number(org::SATISFACTION)?;
        let r = &self.rules.role;
        let shown = format_number(satisfaction);
        if let Some(band) = r.bands.iter().find(|b| satisfaction >= b.min) {
            if band.points < r.max {
                let line = format!("群众满意度 {shown}%，得 {}/{} 分", band.points, r.max);
                self.deduct(org::SATISFACTION, line);
            }
            return Some(band.points);
        }
        let lowest = r.bands.last().map_or(0.0, |b| b.min);
        let lowest = format_number(lowest);
        if r.veto_below {
            let reason = format!("群众满意度 {shown}%（低于 {lowest}%，一票否决）");
            self.veto(org::SATISFACTION, reason);
        } else {
            let line = format!("群众满意度 {shown}%（低于 {lowest}%），得 0 分");
            self.deduct(org::SATISFACTION, line);
        }
        Some(0)
    }

    fn finish(mut self, points: Vec<PointScore>, total: Option<u32>, tier: Tier) -> Classification {
        self.blocking.sort_unstable();
        self.blocking.dedup();
        if !self.blocking.is_empty() {
            let names: Vec<&str> = self.blocking.iter().map(|&c| label(c)).collect();
            self.trail
                .push(format!("等次待定：{}未填或填写有误", names.join("、")));
        }
        Classification {
            points,
            total,
            tier,
            vetoes: self.vetoes,
            blocking: self
                .blocking
                .iter()
                .map(|&c| ORGANIZATIONS.columns[c].key)
                .collect(),
            trail: self.trail,
            deductions: self.deductions,
            decided: None,
        }
    }
}

/// Full points at the requirement; half (rounded down) at half the requirement (rounded up).
fn item_points(item: &LifeItem, count: i64) -> u32 {
    let required = i64::from(item.required);
    if count >= required {
        item.points
    } else if count >= i64::from(item.required.div_ceil(2)) {
        item.points / 2
    } else {
        0
    }
}
