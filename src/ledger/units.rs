//! Per-unit figures gathered one report at a time, so a streamed run can drop each report
//! once it is written.

use super::model::{owner_label, Cross, FileList, UnitSummary};
use crate::attribution::{Owner, Placement};
use crate::check::FileReport;
use crate::roster::Roster;
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
pub struct Units {
    tiers: usize,
    listed: Vec<UnitSummary>,
    /// By (code, name); the summaries' own code and name stay empty until [`Units::finish`]
    /// moves the key into them (a national run has tens of thousands of units).
    unlisted: BTreeMap<(String, String), UnitSummary>,
    cross: Cross,
    /// Errors of unreadable files, which belong to no unit but count in the total.
    failed_errors: usize,
}

impl Units {
    pub fn new(roster: Option<&Roster>, tiers: usize) -> Units {
        let listed = roster.map_or_else(Vec::new, |r| {
            r.units
                .iter()
                .map(|u| UnitSummary::new(u.code.clone(), u.name.clone(), tiers))
                .collect()
        });
        Units {
            tiers,
            listed,
            unlisted: BTreeMap::new(),
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
        let tiers = self.tiers;
        let summary = match &placement.owner {
            Owner::Roster(i) if *i < self.listed.len() => &mut self.listed[*i],
            owner => self
                .unlisted
                .entry(owner_label(owner, roster))
                .or_insert_with(|| {
                    let mut s = UnitSummary::new(String::new(), String::new(), tiers);
                    s.submission = roster.map(|_| "不在花名册");
                    s
                }),
        };
        summary.add_report(report, &mut self.cross);
    }

    /// The units in order, with their 报送情况, the county total and its 双分类.
    pub fn finish(self, status: Option<&StatusReport>) -> (Vec<UnitSummary>, UnitSummary, Cross) {
        let mut units = self.listed;
        if let Some(status) = status {
            for (unit, line) in units.iter_mut().zip(&status.units) {
                unit.submission = Some(line.state_label);
            }
        }
        units.extend(self.unlisted.into_iter().map(|((code, name), mut unit)| {
            (unit.code, unit.name) = (code, name);
            unit
        }));
        let mut county = UnitSummary::new(String::new(), "合计".to_string(), self.tiers);
        for unit in &units {
            county.merge(unit);
        }
        county.errors += self.failed_errors;
        (units, county, self.cross)
    }
}
