//! Per-unit figures gathered one report at a time, so a streamed run can drop each report
//! once it is written.

use super::model::{owner_label, Cross, FileList, UnitSummary};
use crate::attribution::{Owner, Placement, UnitName};
use crate::check::FileReport;
use crate::roster::Roster;
use crate::schema::COVERAGE_MODES;
use crate::status::{FileSeen, StatusReport};
use std::collections::BTreeMap;

/// What a ledger is assembled from once every file went past.
pub struct Parts {
    pub roster: Option<Roster>,
    pub units: Units,
    /// Every file found.
    pub files: FileList,
    /// Every file but our own outputs, parallel to the placements: what 报送情况 needs, so
    /// it may be left empty without a roster.
    pub seen: Vec<FileSeen>,
}

/// Per unit figures, gathered one report at a time: with a roster, every roster unit in its
/// order (sent or not), then units the roster does not know; without, the units found, by
/// code and name.
///
/// A national run has tens of thousands of units: each is one row of packed counters and,
/// when the roster does not name it, its code and name in one string.
pub struct Units {
    tiers: usize,
    /// The roster's units, by roster index.
    listed: Vec<(String, String)>,
    /// The other units, by code and name → their row in `counts`.
    unlisted: BTreeMap<UnitName, u32>,
    counts: Packed,
    /// With a roster, units it does not know are marked "不在花名册".
    with_roster: bool,
    cross: Cross,
    /// Errors of unreadable files, which belong to no unit but count in the total.
    failed_errors: usize,
}

impl Units {
    pub fn new(roster: Option<&Roster>, tiers: usize) -> Units {
        let listed: Vec<(String, String)> = roster.map_or_else(Vec::new, |r| {
            r.units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect()
        });
        let mut counts = Packed::new(tiers);
        counts.grow(listed.len());
        Units {
            tiers,
            listed,
            unlisted: BTreeMap::new(),
            counts,
            with_roster: roster.is_some(),
            cross: Cross::new(tiers),
            failed_errors: 0,
        }
    }

    /// Count one report that is in the ledger (not superseded).
    pub fn add(&mut self, report: &FileReport, placement: &Placement, roster: Option<&Roster>) {
        if report.form.is_none() {
            self.failed_errors += report.errors();
            return;
        }
        let row = match &placement.owner {
            Owner::Roster(i) if *i < self.listed.len() => *i,
            owner => {
                let key = match owner {
                    Owner::Unlisted(unit) => unit.clone(),
                    Owner::Roster(_) => {
                        let (code, name) = owner_label(owner, roster);
                        UnitName::new(&code, &name)
                    }
                };
                let next = self.counts.rows();
                let row = *self.unlisted.entry(key).or_insert(next as u32);
                if row as usize == next {
                    self.counts.grow(1);
                }
                row as usize
            }
        };
        let mut one = UnitSummary::new(String::new(), String::new(), self.tiers);
        one.add_report(report, &mut self.cross);
        self.counts.add(row, &one);
    }

    /// The units in order, with their 报送情况, the county total and its 双分类.
    pub fn finish(self, status: Option<&StatusReport>) -> (UnitList, UnitSummary, Cross) {
        let listed = self.listed.len();
        let submissions = match status {
            Some(status) => status.units.iter().map(|line| line.state_label).collect(),
            None => Vec::new(),
        };
        let mut county = UnitSummary::new(String::new(), "合计".to_string(), self.tiers);
        for row in 0..self.counts.rows() {
            county.merge(&self.counts.get(row));
        }
        county.errors += self.failed_errors;
        // Unlisted units in key order: their rows put in that order, the keys kept as they are.
        let (keys, rows): (Vec<UnitName>, Vec<u32>) = self.unlisted.into_iter().unzip();
        let mut counts = Packed::new(self.tiers);
        counts.grow(listed + rows.len());
        for row in 0..listed {
            counts.add(row, &self.counts.get(row));
        }
        for (k, &row) in rows.iter().enumerate() {
            counts.add(listed + k, &self.counts.get(row as usize));
        }
        let units = UnitList {
            listed: self.listed,
            submissions,
            unlisted: keys,
            counts,
            unlisted_submission: self.with_roster.then_some("不在花名册"),
        };
        (units, county, self.cross)
    }
}

/// The units of a ledger in order, each made into a [`UnitSummary`] when its row is written.
pub struct UnitList {
    listed: Vec<(String, String)>,
    /// 报送情况 of the roster's units (empty without a roster).
    submissions: Vec<&'static str>,
    /// The other units, in order.
    unlisted: Vec<UnitName>,
    /// One row per unit: the roster's, then the others.
    counts: Packed,
    unlisted_submission: Option<&'static str>,
}

impl UnitList {
    pub fn len(&self) -> usize {
        self.counts.rows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = UnitSummary> + '_ {
        (0..self.len()).map(|row| {
            let mut unit = self.counts.get(row);
            match self.listed.get(row) {
                Some((code, name)) => {
                    (unit.code, unit.name) = (code.clone(), name.clone());
                    unit.submission = self.submissions.get(row).copied();
                }
                None => {
                    let key = &self.unlisted[row - self.listed.len()];
                    (unit.code, unit.name) = (key.code().to_string(), key.name().to_string());
                    unit.submission = self.unlisted_submission;
                }
            }
            unit
        })
    }
}

/// Rows of counters, one per unit: the counts of a [`UnitSummary`] as `u32`s (a unit's counts
/// stay far below 4 billion: a sheet holds a million rows).
struct Packed {
    tiers: usize,
    width: usize,
    cells: Vec<u32>,
}

/// Counters of a row before the tiers: files, errors, warnings, 待定; after them: 两新 total,
/// organized, above scale, above scale organized, then one per 覆盖方式.
const HEAD: usize = 4;
const COVERAGE_COUNTS: usize = 4;

impl Packed {
    fn new(tiers: usize) -> Packed {
        Packed {
            tiers,
            width: HEAD + tiers + COVERAGE_COUNTS + COVERAGE_MODES.values.len(),
            cells: Vec::new(),
        }
    }

    fn rows(&self) -> usize {
        self.cells.len() / self.width
    }

    fn grow(&mut self, rows: usize) {
        self.cells.resize(self.cells.len() + rows * self.width, 0);
    }

    fn add(&mut self, row: usize, unit: &UnitSummary) {
        let cells = &mut self.cells[row * self.width..(row + 1) * self.width];
        let c = &unit.coverage;
        let head = [unit.files, unit.errors, unit.warnings, unit.tiers.pending];
        let coverage = [c.total, c.organized, c.above_scale, c.above_scale_organized];
        let all = head
            .iter()
            .chain(&unit.tiers.rated)
            .chain(&coverage)
            .chain(&c.by_mode);
        for (cell, &n) in cells.iter_mut().zip(all) {
            *cell = cell.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        }
    }

    /// The counts of `row`, code and name left empty.
    fn get(&self, row: usize) -> UnitSummary {
        let cells = &self.cells[row * self.width..(row + 1) * self.width];
        let n = |i: usize| cells[i] as usize;
        let mut unit = UnitSummary::new(String::new(), String::new(), self.tiers);
        (unit.files, unit.errors, unit.warnings) = (n(0), n(1), n(2));
        unit.tiers.pending = n(3);
        for (t, count) in unit.tiers.rated.iter_mut().enumerate() {
            *count = n(HEAD + t);
        }
        let at = HEAD + self.tiers;
        let c = &mut unit.coverage;
        (c.total, c.organized, c.above_scale, c.above_scale_organized) =
            (n(at), n(at + 1), n(at + 2), n(at + 3));
        for (m, count) in c.by_mode.iter_mut().enumerate() {
            *count = n(at + COVERAGE_COUNTS + m);
        }
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_counts_come_back_as_added() {
        let tiers = 3;
        let mut unit = UnitSummary::new(String::new(), String::new(), tiers);
        (unit.files, unit.errors, unit.warnings) = (2, 7, 11);
        unit.tiers.rated = vec![5, 0, 3];
        unit.tiers.pending = 1;
        let c = &mut unit.coverage;
        (c.total, c.organized, c.above_scale, c.above_scale_organized) = (9, 6, 4, 2);
        c.by_mode = (1..=COVERAGE_MODES.values.len()).collect();
        let mut packed = Packed::new(tiers);
        packed.grow(3);
        packed.add(1, &unit);
        assert_eq!(packed.get(1), unit);
        packed.add(1, &unit);
        let mut twice = unit.clone();
        twice.merge(&unit);
        assert_eq!(packed.get(1), twice);
        assert_eq!(
            packed.get(0),
            UnitSummary::new(String::new(), String::new(), tiers)
        );
        assert_eq!(packed.rows(), 3);
    }

    #[test]
    fn unit_keys_order_by_code_then_name() {
        let mut keys = [
            ("123", "甲"),
            ("12", "乙"),
            ("", "丙"),
            ("12", "甲"),
            ("12\0", ""),
        ]
        .map(|(code, name)| UnitName::new(code, name));
        keys.sort();
        let sorted: Vec<(&str, &str)> = keys.iter().map(|k| (k.code(), k.name())).collect();
        assert_eq!(
            sorted,
            [
                ("", "丙"),
                ("12", "乙"),
                ("12", "甲"),
                ("12\0", ""),
                ("123", "甲")
            ]
        );
    }
}
