//! Consolidation: checked files → per-unit and county figures, and the file inventory.
//!
//! Nothing here writes; the sheet writers read these structs.

pub use super::counts::{ratio, CoverageCounts, Cross, TierCounts, UnitSummary};
pub use super::file_entry::{
    entry_of, other_entries, own_output_entry, relative, relative_text, report_entry, FileEntry,
    FileStatus,
};
pub use super::file_list::FileList;
pub use super::units::{Parts, UnitList, Units};

use crate::attribution::{self, Placements};
use crate::check::FileReport;
use crate::discover::Discovery;
use crate::roster::Roster;
use crate::rules::Rules;
use crate::stage::CollectedStage;
use crate::status::{self, Expectation, FileSeen, StatusReport};
use std::path::{Path, PathBuf};

/// The consolidated ledger: units in a stable order, the county total, and every file.
pub struct Ledger<'a> {
    pub rules: &'a Rules,
    pub inbox: PathBuf,
    /// The reports that count: every readable file not superseded, and the unreadable ones.
    pub reports: Vec<FileReport>,
    /// Whose each of `reports` is, parallel to it.
    pub placements: Placements,
    pub roster: Option<Roster>,
    pub units: UnitList,
    pub county: UnitSummary,
    /// 双分类 of the county.
    pub cross: Cross,
    pub files: FileList,
    /// 报送情况, when a roster was given.
    pub status: Option<StatusReport>,
    /// The 调查阶段 collected (`None`: every stage, as [`Ledger::build`] without a rule).
    pub stage: Option<CollectedStage>,
}

impl<'a> Ledger<'a> {
    /// Consolidate checked reports without a roster. `reports` must be in discovery order.
    pub fn build(
        rules: &'a Rules,
        inbox: &Path,
        discovery: &Discovery,
        reports: Vec<FileReport>,
    ) -> Ledger<'a> {
        Ledger::build_with(
            rules,
            inbox,
            discovery,
            reports,
            &Expectation::new(None, None, None),
        )
    }

    /// Consolidate checked reports against what is expected: files are attributed to roster
    /// units, older versions superseded, and every roster unit listed, even without a file.
    pub fn build_with(
        rules: &'a Rules,
        inbox: &Path,
        discovery: &Discovery,
        reports: Vec<FileReport>,
        expect: &Expectation,
    ) -> Ledger<'a> {
        let roster = expect.roster.clone();
        let (own_outputs, mut reports): (Vec<FileReport>, Vec<FileReport>) =
            reports.into_iter().partition(|r| r.own_output);
        let (placements, stage) =
            attribution::attribute_stage(&mut reports, roster.as_ref(), Some(expect.stage));
        let seen: Vec<FileSeen> = reports.iter().map(FileSeen::of).collect();
        let paths: Vec<&Path> = reports.iter().map(|r| r.path.as_path()).collect();
        let mut files: Vec<FileEntry> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let Ok(entry) = entry_of(inbox, r, (i, &placements), roster.as_ref(), &paths);
                entry
            })
            .collect();
        files.extend(other_entries(inbox, discovery, &own_outputs));
        let files = FileList::new(files);
        let readable: Vec<bool> = reports.iter().map(|r| r.form.is_some()).collect();
        let tiers = rules.tier_names().len();
        let mut units = Units::new(roster.as_ref(), tiers, &placements, &readable);
        for (i, (report, placement)) in reports.iter().zip(placements.iter()).enumerate() {
            if placement.counts() {
                units.add(i, report);
            } else if placement.is_other_stage() {
                units.add_uncounted(report);
            }
        }
        let parts = Parts {
            roster,
            units,
            files,
            seen,
        };
        let mut ledger =
            Ledger::assemble(rules, inbox, expect, parts, placements.clone()).collected(stage);
        ledger.reports = reports
            .into_iter()
            .zip(placements.iter())
            .filter(|(_, p)| !p.is_superseded())
            .map(|(r, _)| r)
            .collect();
        let mut placements = placements;
        placements.retain(|p| !p.is_superseded());
        ledger.placements = placements;
        ledger
    }

    /// The ledger's figures from what was gathered file by file; `placements` is parallel to
    /// `parts.seen` (every file but our own outputs), and the names of the units the roster
    /// does not know are taken from it. No reports are kept.
    pub fn assemble(
        rules: &'a Rules,
        inbox: &Path,
        expect: &Expectation,
        parts: Parts,
        placements: Placements,
    ) -> Ledger<'a> {
        let Parts {
            roster,
            units,
            files,
            seen,
        } = parts;
        let status = roster
            .as_ref()
            .map(|r| status::build(r, expect, inbox, &seen, &placements));
        let (units, county, cross) = units.finish(status.as_ref(), placements);
        Ledger {
            rules,
            inbox: inbox.to_path_buf(),
            reports: Vec::new(),
            placements: Placements::default(),
            roster,
            units,
            county,
            cross,
            files,
            status,
            stage: None,
        }
    }

    /// The ledger and its 报送情况 state the 调查阶段 collected.
    pub fn collected(mut self, stage: Option<CollectedStage>) -> Ledger<'a> {
        self.stage = stage;
        if let Some(status) = self.status.as_mut() {
            status.stage = stage;
        }
        self
    }

    /// The path of a file as shown in the ledger: relative to the inbox.
    pub fn display_path(&self, path: &Path) -> String {
        relative(&self.inbox, path)
    }

    pub fn read_files(&self) -> usize {
        self.files.tally().read
    }
    pub fn failed_files(&self) -> usize {
        self.files.tally().failed
    }
    pub fn ignored_files(&self) -> usize {
        self.files.tally().ignored
    }
    pub fn superseded_files(&self) -> usize {
        self.files.tally().superseded
    }
}
