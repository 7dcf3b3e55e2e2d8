//! The figures of one unit or of the county: organizations per tier, 两新 coverage, and the
//! organizations two units both claim.

use crate::check::FileReport;
use crate::form::{Form, Record};
use crate::rules::{Classification, Tier};
use crate::schema::{cov, org, Choices, COVERAGE_MODES, DEVELOPMENT, DOMAINS, ORGANIZATIONS};

/// Counts of organizations per tier: one slot per rated tier, then 待定.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TierCounts {
    pub rated: Vec<usize>,
    pub pending: usize,
}

impl TierCounts {
    fn new(tiers: usize) -> TierCounts {
        TierCounts {
            rated: vec![0; tiers],
            pending: 0,
        }
    }
    pub fn add(&mut self, tier: Tier) {
        match tier {
            Tier::Rated(i) => self.rated[i] += 1,
            Tier::Pending => self.pending += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.rated.iter().sum::<usize>() + self.pending
    }
    fn merge(&mut self, other: &TierCounts) {
        for (a, b) in self.rated.iter_mut().zip(&other.rated) {
            *a += b;
        }
        self.pending += other.pending;
    }
}

/// 两新组织 coverage counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageCounts {
    pub total: usize,
    pub organized: usize,
    pub above_scale: usize,
    pub above_scale_organized: usize,
    /// Rows per 覆盖方式, in the order of [`COVERAGE_MODES`]; rows without one are not counted.
    pub by_mode: Vec<usize>,
}

impl CoverageCounts {
    fn new() -> CoverageCounts {
        CoverageCounts {
            by_mode: vec![0; COVERAGE_MODES.values.len()],
            ..CoverageCounts::default()
        }
    }
    fn add_form(&mut self, form: &Form) {
        for record in &form.coverage {
            let organized = record.bool(cov::HAS_PARTY_ORG) == Some(true);
            let above = record.bool(cov::ABOVE_SCALE) == Some(true);
            self.total += 1;
            self.organized += organized as usize;
            self.above_scale += above as usize;
            self.above_scale_organized += (above && organized) as usize;
            if let Some(mode) = record.choice(cov::COVERAGE) {
                if let Some(i) = COVERAGE_MODES.values.iter().position(|m| *m == mode) {
                    self.by_mode[i] += 1;
                }
            }
        }
    }
    fn merge(&mut self, other: &CoverageCounts) {
        self.total += other.total;
        self.organized += other.organized;
        self.above_scale += other.above_scale;
        self.above_scale_organized += other.above_scale_organized;
        for (a, b) in self.by_mode.iter_mut().zip(&other.by_mode) {
            *a += b;
        }
    }
    /// 建党率, as a fraction; `None` when there is no row.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.organized, self.total)
    }
    /// 规模以上建党率.
    pub fn above_scale_rate(&self) -> Option<f64> {
        ratio(self.above_scale_organized, self.above_scale)
    }
}

pub fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// One unit's (or the county's) figures.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSummary {
    pub code: String,
    pub name: String,
    pub files: usize,
    pub tiers: TierCounts,
    pub errors: usize,
    pub warnings: usize,
    pub coverage: CoverageCounts,
    /// Organizations per problem type (问题类型).
    pub problems: ProblemCounts,
    /// 双分类 and 所属领域 of its organizations.
    pub cross: Cross,
    /// With a roster: the unit's 报送情况 ("未报送", "已报送（通过）", "不在花名册").
    pub submission: Option<&'static str>,
}

/// Organizations per problem type (问题类型), from the scoring ([`Classification::deductions`]
/// and [`Classification::vetoes`], never from the trail's text): per column of 党组织情况, how
/// many lost points for it, and how many it vetoed. An organization counts once per type.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemCounts {
    pub deducted: Vec<usize>,
    pub vetoed: Vec<usize>,
}

impl ProblemCounts {
    fn new() -> ProblemCounts {
        let columns = ORGANIZATIONS.columns.len();
        ProblemCounts {
            deducted: vec![0; columns],
            vetoed: vec![0; columns],
        }
    }

    fn add(&mut self, c: &Classification) {
        count_once(&mut self.deducted, c.deductions.iter().copied());
        count_once(&mut self.vetoed, c.vetoes.iter().map(|v| v.field));
    }

    fn merge(&mut self, other: &ProblemCounts) {
        for (mine, theirs) in [
            (&mut self.deducted, &other.deducted),
            (&mut self.vetoed, &other.vetoed),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }
}

impl UnitSummary {
    pub(super) fn new(code: String, name: String, tiers: usize) -> UnitSummary {
        UnitSummary {
            code,
            name,
            files: 0,
            tiers: TierCounts::new(tiers),
            errors: 0,
            warnings: 0,
            coverage: CoverageCounts::new(),
            problems: ProblemCounts::new(),
            cross: Cross::new(tiers),
            submission: None,
        }
    }

    pub fn organizations(&self) -> usize {
        self.tiers.total()
    }

    pub(super) fn add_report(&mut self, report: &FileReport) {
        self.files += 1;
        self.errors += report.errors();
        self.warnings += report.warnings();
        let Some(form) = &report.form else { return };
        for (record, c) in form.organizations.iter().zip(&report.classifications) {
            self.tiers.add(c.final_tier());
            self.problems.add(c);
            self.cross.add(c.final_tier(), record);
        }
        self.coverage.add_form(form);
    }

    pub(super) fn merge(&mut self, other: &UnitSummary) {
        self.files += other.files;
        self.tiers.merge(&other.tiers);
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.coverage.merge(&other.coverage);
        self.problems.merge(&other.problems);
        self.cross.merge(&other.cross);
    }
}

/// One more in `counts` for each column `keys` name, once however often a column is named.
fn count_once<'k>(counts: &mut [usize], keys: impl Iterator<Item = &'k str>) {
    let mut columns: Vec<usize> = keys.map(|k| ORGANIZATIONS.index_of(k)).collect();
    columns.sort_unstable();
    columns.dedup();
    for col in columns {
        counts[col] += 1;
    }
}

/// Breakdowns of the tiers: 双分类, per tier (rated, then 待定) the count per 发展等次 (好, 中,
/// 差, 未填); and per 所属领域 (then 未填) the count per tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Cross {
    pub rows: Vec<Vec<usize>>,
    pub domains: Vec<Vec<usize>>,
}

impl Cross {
    pub fn new(tiers: usize) -> Cross {
        Cross {
            rows: vec![vec![0; DEVELOPMENT.values.len() + 1]; tiers + 1],
            domains: vec![vec![0; tiers + 1]; DOMAINS.values.len() + 1],
        }
    }

    fn add(&mut self, tier: Tier, record: &Record) {
        let tier = match tier {
            Tier::Rated(i) => i,
            Tier::Pending => self.rows.len() - 1,
        };
        let at = |choices: &Choices, col| {
            let value = record.choice(col);
            let at = choices.values.iter().position(|v| Some(*v) == value);
            at.unwrap_or(choices.values.len())
        };
        self.rows[tier][at(&DEVELOPMENT, org::DEVELOPMENT)] += 1;
        self.domains[at(&DOMAINS, org::DOMAIN)][tier] += 1;
    }

    fn merge(&mut self, other: &Cross) {
        for (mine, theirs) in (self.rows.iter_mut().chain(&mut self.domains))
            .zip(other.rows.iter().chain(&other.domains))
        {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }
}
