//! Per-unit figures gathered one report at a time, so a streamed run can drop each report
//! once it is written.

use super::model::{owner_label, FileEntry, UnitSummary};
use crate::attribution::{Owner, Placement};
use crate::check::FileReport;
use crate::roster::Roster;
use crate::status::{FileSeen, StatusReport};
use std::collections::BTreeMap;

/// What a ledger is assembled from once every file went past.
pub struct Parts {
    pub roster: Option<Roster>,
    pub units: Units,
    /// Every file found, in any order.
    pub files: Vec<FileEntry>,
    /// Every file but our own outputs, parallel to the placements.
    pub seen: Vec<FileSeen>,
}

/// Per unit figures, gathered one report at a time: with a roster, every roster unit in its
/// order (sent or not), then units the roster does not know; without, the units found, by
/// code and name.
pub struct Units {
    tiers: usize,
    listed: Vec<UnitSummary>,
    unlisted: BTreeMap<(String, String), UnitSummary>,
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
            owner => {
                let (code, name) = owner_label(owner, roster);
                self.unlisted
                    .entry((code.clone(), name.clone()))
                    .or_insert_with(|| {
                        let mut s = UnitSummary::new(code, name, tiers);
                        s.submission = roster.map(|_| "不在花名册");
                        s
                    })
            }
        };
        summary.add_report(report);
    }

    /// The units in order, with their 报送情况, and the county total.
    pub fn finish(self, status: Option<&StatusReport>) -> (Vec<UnitSummary>, UnitSummary) {
        let mut units = self.listed;
        if let Some(status) = status {
            for (unit, line) in units.iter_mut().zip(&status.units) {
                unit.submission = Some(line.state_label);
            }
        }
        units.extend(self.unlisted.into_values());
        let mut county = UnitSummary::new(String::new(), "合计".to_string(), self.tiers);
        for unit in &units {
            county.merge(unit);
        }
        county.errors += self.failed_errors;
        (units, county)
    }
}
