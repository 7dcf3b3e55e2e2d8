//! Consolidation: checked files → per-unit and county figures, and the file inventory.
//!
//! Nothing here writes; the sheet writers read these structs.

pub use super::counts::{ratio, CoverageCounts, Cross, TierCounts, UnitSummary};
pub use super::file_entry::{relative, FileEntry, FileStatus};
pub use super::file_list::FileList;
pub use super::units::{Parts, UnitList, Units};

use crate::attribution::Placements;
use crate::roster::Roster;
use crate::rules::Rules;
use crate::stage::CollectedStage;
use crate::status::{self, Expectation, StatusReport};
use std::path::{Path, PathBuf};

/// The consolidated ledger: units in a stable order, the county total, and every file.
pub struct Ledger<'a> {
    pub rules: &'a Rules,
    pub inbox: PathBuf,
    pub roster: Option<Roster>,
    pub units: UnitList,
    pub county: UnitSummary,
    /// With a roster, the sum of the units it does not name, which the 合计 leaves out
    /// (unless asked to count them: [`crate::status::Expectation::count_unlisted`]).
    pub outside: Option<UnitSummary>,
    pub files: FileList,
    /// 报送情况, when a roster was given.
    pub status: Option<StatusReport>,
    /// The 调查阶段 collected.
    pub stage: Option<CollectedStage>,
    /// With a decisions workbook: what became of each of its rows.
    pub decisions: Option<crate::decisions::Outcome>,
}

impl<'a> Ledger<'a> {
    /// The ledger's figures from what was gathered file by file; `placements` is parallel to
    /// `parts.seen` (every file but our own outputs), and the names of the units the roster
    /// does not know are taken from it.
    pub fn assemble(
        rules: &'a Rules,
        inbox: &Path,
        (expect, stage): (&Expectation, CollectedStage),
        parts: Parts,
        placements: Placements,
    ) -> Ledger<'a> {
        let Parts {
            roster,
            units,
            files,
            seen,
        } = parts;
        let deadline = expect.deadline_for(stage.stage, rules);
        let status = roster.as_ref().map(|r| {
            let mut status = status::build(r, expect, deadline, inbox, &seen, &placements);
            status.stage = Some(stage);
            status
        });
        let (units, totals) = units.finish(status.as_ref(), placements);
        Ledger {
            rules,
            inbox: inbox.to_path_buf(),
            roster,
            units,
            county: totals.county,
            outside: totals.outside,
            files,
            status,
            stage: Some(stage),
            decisions: None,
        }
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
