//! Per-unit figures gathered one report at a time, so the pipeline can drop each report once
//! it is written.

use super::counts::{Cross, UnitSummary};
use super::file_list::FileList;
use crate::attribution::{Owner, Placements, UnitId, UnitNames};
use crate::check::FileReport;
use crate::roster::Roster;
use crate::status::{FileSeen, StatusReport};

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
/// Which row each file counts in is decided once, when every file is placed.
pub struct Units {
    tiers: usize,
    /// The roster's units, by roster index: rows `0..listed.len()`.
    listed: Vec<(String, String)>,
    /// The other units, in order (the rows after the roster's).
    unlisted: Vec<UnitId>,
    /// Per attributed file, its unit's row; [`NO_ROW`] for a file that does not count
    /// (superseded, or unreadable).
    row_of: Vec<u32>,
    /// One row of counts per unit (code and name left empty: they are given when listed).
    counts: Vec<UnitSummary>,
    /// With a roster, units it does not know are marked "不在花名册".
    with_roster: bool,
    /// How many rows count in the county's 合计 and 双分类: all of them, or with a roster only
    /// its units', unless the others are asked for (`--count-unlisted`).
    counted_rows: usize,
    cross: Cross,
    /// Errors and warnings of files in no unit's row but counted in the total: unreadable
    /// files, returns of another 调查阶段.
    uncounted: (usize, usize),
}

const NO_ROW: u32 = u32::MAX;

impl Units {
    /// The units of the attributed files `placements`; `readable[i]`: whether file `i` was
    /// read (only read files that are not superseded count in a unit). With a roster, units
    /// it does not name count in the 合计 only when `count_unlisted`.
    pub fn new(
        roster: Option<&Roster>,
        tiers: usize,
        placements: &Placements,
        readable: &[bool],
        count_unlisted: bool,
    ) -> Units {
        let mut units = Units::laid_out(roster, tiers, placements, readable);
        if roster.is_some() && !count_unlisted {
            units.counted_rows = units.listed.len();
        }
        let empty = UnitSummary::new(String::new(), String::new(), tiers);
        units.counts = vec![empty; units.rows()];
        units
    }

    /// The order files are handed over in: those that count by their unit's row (汇总's
    /// order), in file order within a unit, then the others (superseded, unreadable, of
    /// another 调查阶段) in file order.
    pub fn hand_over_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.row_of.len()).collect();
        order.sort_by_key(|&i| self.row_of[i]);
        order
    }

    /// How many rows of counters: the roster's units, then the others.
    fn rows(&self) -> usize {
        self.listed.len() + self.unlisted.len()
    }

    /// The units and each file's row, with no row of counters made yet.
    fn laid_out(
        roster: Option<&Roster>,
        tiers: usize,
        placements: &Placements,
        readable: &[bool],
    ) -> Units {
        let listed: Vec<(String, String)> = roster.map_or_else(Vec::new, |r| {
            r.units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect()
        });
        let counts_in = |i: usize| readable[i] && placements[i].counts();
        let mut row_of = vec![NO_ROW; placements.len()];
        // The files of units the roster does not name, sized once: just before pass 2, a
        // list grown by doubling would leave its old copies as holes among the long-lived
        // tables.
        let unlisted_files = placements
            .iter()
            .filter(|p| matches!(p.owner, Owner::Unlisted(_)))
            .count();
        let mut others: Vec<(UnitId, u32)> = Vec::with_capacity(unlisted_files);
        for (i, p) in placements.iter().enumerate().filter(|&(i, _)| counts_in(i)) {
            match p.owner {
                Owner::Roster(r) if (r as usize) < listed.len() => row_of[i] = r,
                Owner::Roster(_) => debug_assert!(false, "a roster owner without a roster"),
                Owner::Unlisted(unit) => others.push((unit, i as u32)),
            }
        }
        // A unit the roster does not name is known by code and name.
        let names = placements.names();
        others.sort_by(|(a, _), (b, _)| names.get(*a).cmp(&names.get(*b)));
        let mut unlisted: Vec<UnitId> = Vec::with_capacity(names.len());
        for (unit, i) in others {
            if unlisted.last() != Some(&unit) {
                unlisted.push(unit);
            }
            row_of[i as usize] = (listed.len() + unlisted.len() - 1) as u32;
        }
        unlisted.shrink_to_fit();
        Units {
            tiers,
            listed,
            unlisted,
            row_of,
            counts: Vec::new(),
            with_roster: roster.is_some(),
            counted_rows: usize::MAX,
            cross: Cross::new(tiers),
            uncounted: (0, 0),
        }
    }

    /// Count the issues of a report in no unit's row (unreadable, or of another 调查阶段) in
    /// the county's total.
    pub fn add_uncounted(&mut self, report: &FileReport) {
        self.uncounted.0 += report.errors();
        self.uncounted.1 += report.warnings();
    }

    /// Count the report of attributed file `i`, which is in the ledger (not superseded), or
    /// a part of it: the file itself is counted with its `first` part.
    pub fn add(&mut self, i: usize, report: &FileReport, first: bool) {
        if let Some((row, mut one)) = self.count(i, report) {
            one.files -= usize::from(!first);
            self.counts[row].merge(&one);
        }
    }

    /// The county-wide figures of file `i`'s report counted; its own figures and its unit's
    /// row returned, for the caller to add where the rows are.
    fn count(&mut self, i: usize, report: &FileReport) -> Option<(usize, UnitSummary)> {
        if report.form.is_none() {
            self.add_uncounted(report);
            return None;
        }
        let row = match self.row_of[i] {
            NO_ROW => {
                debug_assert!(false, "a file that counts has a unit");
                return None;
            }
            row => row as usize,
        };
        let mut one = UnitSummary::new(String::new(), String::new(), self.tiers);
        let mut outside = Cross::new(self.tiers);
        let cross = match row < self.counted_rows {
            true => &mut self.cross,
            false => &mut outside,
        };
        one.add_report(report, cross);
        Some((row, one))
    }

    /// The units in order, with their 报送情况, the county total and its 双分类; the names of the
    /// units the roster does not know are taken over from `placements` (those [`Units::new`]
    /// was given), not copied.
    pub fn finish(
        self,
        status: Option<&StatusReport>,
        placements: Placements,
    ) -> (UnitList, Totals, Cross) {
        let submissions = match status {
            Some(status) => status.units.iter().map(|line| line.state_label).collect(),
            None => Vec::new(),
        };
        let counted = self.counted_rows.min(self.counts.len());
        let total = |rows: &[UnitSummary], name: &str| {
            let mut sum = UnitSummary::new(String::new(), name.to_string(), self.tiers);
            for row in rows {
                sum.merge(row);
            }
            sum
        };
        let mut county = total(&self.counts[..counted], "合计");
        county.errors += self.uncounted.0;
        county.warnings += self.uncounted.1;
        let outside =
            (counted < self.counts.len()).then(|| total(&self.counts[counted..], "花名册以外合计"));
        let (_, names) = placements.into_parts();
        let units = UnitList {
            listed: self.listed,
            submissions,
            unlisted: self.unlisted,
            names,
            counts: self.counts,
            unlisted_submission: self.with_roster.then_some("不在花名册"),
            counted,
        };
        (units, Totals { county, outside }, self.cross)
    }
}

/// The county's 合计, and, with a roster, the units outside it that are not in the 合计.
pub struct Totals {
    pub county: UnitSummary,
    /// The sum of the units the roster does not name, when they are not counted in `county`
    /// (`None` when there are none, or when asked to count them).
    pub outside: Option<UnitSummary>,
}

/// The units of a ledger in order, each made into a [`UnitSummary`] when its row is written.
pub struct UnitList {
    listed: Vec<(String, String)>,
    /// 报送情况 of the roster's units (empty without a roster).
    submissions: Vec<&'static str>,
    /// The other units, in order.
    unlisted: Vec<UnitId>,
    names: UnitNames,
    /// One row per unit: the roster's, then the others.
    counts: Vec<UnitSummary>,
    unlisted_submission: Option<&'static str>,
    /// The first rows, counted in the 合计.
    counted: usize,
}

impl UnitList {
    /// How many of the first rows are the roster's units.
    pub fn listed(&self) -> usize {
        self.listed.len()
    }

    /// How many of the first rows count in the 合计 (all, or the roster's units).
    pub fn counted(&self) -> usize {
        self.counted
    }

    /// How many rows (units outside the roster) are left out of the 合计.
    pub fn outside(&self) -> usize {
        self.len() - self.counted
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = UnitSummary> + '_ {
        (0..self.len()).map(|row| {
            let mut unit = self.counts[row].clone();
            match self.listed.get(row) {
                Some((code, name)) => {
                    (unit.code, unit.name) = (code.clone(), name.clone());
                    unit.submission = self.submissions.get(row).copied();
                }
                None => {
                    let (code, name) = self.names.get(self.unlisted[row - self.listed.len()]);
                    (unit.code, unit.name) = (code.to_string(), name.to_string());
                    unit.submission = self.unlisted_submission;
                }
            }
            unit
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{Claim, Placed};

    /// Placements of files owned by (code, name), superseded by the file given.
    fn placements(files: &[(&str, &str, Option<u32>)]) -> Placements {
        let mut placements = Placements::default();
        for &(code, name, _) in files {
            placements.push(Placed {
                claim: Claim::Unlisted {
                    code: code.to_string(),
                    name: name.to_string(),
                },
                via: None,
                modified: None,
            });
        }
        for (p, &(.., superseded_by)) in placements.iter_mut().zip(files) {
            p.supersede(superseded_by);
        }
        placements
    }

    #[test]
    fn each_file_that_counts_gets_its_units_row_units_in_code_name_order() {
        let placements = placements(&[
            ("2", "乙", None),
            ("1", "甲", None),
            ("2", "乙", Some(0)),
            ("3", "丙", None),
            ("1", "甲", None),
        ]);
        let readable = [true, true, true, false, true];
        let units = Units::new(None, 3, &placements, &readable, false);
        assert_eq!(units.row_of, [1, 0, NO_ROW, NO_ROW, 0]);
        assert_eq!(
            units.unlisted,
            [placements[1].owner, placements[0].owner].map(unit_id)
        );
        assert_eq!(units.counts.len(), 2);
        let (list, ..) = units.finish(None, placements);
        let names: Vec<String> = list.iter().map(|u| u.name).collect();
        assert_eq!(names, ["甲", "乙"]);
    }

    fn unit_id(owner: Owner) -> UnitId {
        match owner {
            Owner::Unlisted(unit) => unit,
            Owner::Roster(_) => panic!("a roster owner"),
        }
    }

    #[test]
    fn unit_rows_order_by_code_then_name() {
        let keys = [
            ("123", "甲"),
            ("12", "乙"),
            ("", "丙"),
            ("12", "甲"),
            ("12\0", ""),
        ];
        let files: Vec<(&str, &str, Option<u32>)> = keys
            .iter()
            .map(|&(code, name)| (code, name, None))
            .collect();
        let placements = placements(&files);
        let units = Units::new(None, 3, &placements, &[true; 5], false);
        let (list, ..) = units.finish(None, placements);
        let sorted: Vec<(String, String)> = list.iter().map(|u| (u.code, u.name)).collect();
        let expected = [
            ("", "丙"),
            ("12", "乙"),
            ("12", "甲"),
            ("12\0", ""),
            ("123", "甲"),
        ]
        .map(|(c, n)| (c.to_string(), n.to_string()));
        assert_eq!(sorted, expected);
    }
}
