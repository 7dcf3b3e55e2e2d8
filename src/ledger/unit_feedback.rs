//! `ledger --feedback DIR`: one feedback workbook per unit whose file has issues, named after
//! the unit, so the clerk can send `511101003_白马镇_反馈.xlsx` back without renaming it.
//!
//! A unit whose current file is clean gets none, and a feedback file left there from an earlier
//! run for that unit is removed (only when it carries our feedback marker), so the folder never
//! tells a unit to fix what it has fixed.

use super::model::Ledger;
use crate::attribution::Owner;
use crate::check::FileReport;
use crate::feedback::{feedback_stem, write_feedback_as, FeedbackError};
use crate::output::FeedbackNames;
use crate::read::Limits;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What happened to one unit's feedback file.
#[derive(Debug)]
pub enum FeedbackOutcome {
    Written {
        unit: String,
        path: PathBuf,
    },
    /// The unit's file is clean now; the old feedback was removed.
    Removed {
        unit: String,
        path: PathBuf,
    },
    Failed {
        unit: String,
        error: FeedbackError,
    },
}

/// The feedback file name of `ledger.reports[index]`: `<单位代码>_<单位名称>_反馈.xlsx` for a file
/// that is its unit's current one, else `<file stem>_反馈.xlsx` (a run numbers it when the
/// name is taken: [`FeedbackNames`]).
pub fn feedback_name(ledger: &Ledger, index: usize) -> String {
    let report = &ledger.reports[index];
    let stem = unit_of(ledger, index).stem(&report.path, report.form.is_some());
    crate::output::fit_name(&stem, crate::feedback::FEEDBACK_SUFFIX)
}

/// Whose file a report is, as far as naming its feedback goes.
pub struct FeedbackUnit {
    pub owner: Owner,
    /// The unit's code and name ([`crate::attribution::Placements::label`]).
    pub label: (String, String),
    /// Whether the unit has a readable file in the ledger (then an unreadable one of its
    /// files gets feedback named after the file, not the unit).
    pub readable_sibling: bool,
    pub with_roster: bool,
}

impl FeedbackUnit {
    /// What the feedback of the unit's file at `path` (`readable` or not) is named after.
    pub fn stem(&self, path: &Path, readable: bool) -> String {
        let by_unit = matches!(self.owner, Owner::Roster(_)) || !self.with_roster;
        if !by_unit || (!readable && self.readable_sibling) {
            return feedback_stem(path);
        }
        let (code, name) = &self.label;
        let parts: Vec<&str> = [code.as_str(), name.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        crate::save::safe_file_name(&parts.join("_"))
    }

    /// Write (or remove) the feedback of one report in the folder of `names`, as `name`
    /// (decided for the whole run beforehand: [`FeedbackNames::assign`]).
    pub fn write(
        &self,
        report: &FileReport,
        limits: &Limits,
        names: &FeedbackNames,
        name: &str,
    ) -> Option<FeedbackOutcome> {
        let unit = self.label.1.clone();
        if report.issues().is_empty() {
            let path = names.dir().join(name);
            return names
                .remove_unclaimed(&path)
                .then_some(FeedbackOutcome::Removed { unit, path });
        }
        names.claim_name(name);
        Some(match write_feedback_as(report, limits, names.dir(), name) {
            Ok(Some(path)) => FeedbackOutcome::Written { unit, path },
            Ok(None) => return None,
            Err(error) => FeedbackOutcome::Failed { unit, error },
        })
    }
}

/// The unit's name as shown in log lines.
pub fn unit_name(ledger: &Ledger, index: usize) -> String {
    let owner = &ledger.placements[index].owner;
    ledger.placements.label(owner, ledger.roster.as_ref()).1
}

/// Write (or remove) feedback in `dir` for every current file, or only for the files in
/// `only` (the ones that changed, for `watch`).
pub fn write_unit_feedback(
    ledger: &Ledger,
    limits: &Limits,
    dir: &Path,
    only: Option<&HashSet<PathBuf>>,
) -> Vec<FeedbackOutcome> {
    let names = FeedbackNames::new(dir);
    // A return of another 调查阶段 gets none: its file would take its unit's name.
    let files: Vec<usize> = (0..ledger.reports.len())
        .filter(|&i| ledger.placements[i].counts())
        .filter(|&i| only.is_none_or(|set| set.contains(&ledger.reports[i].path)))
        .collect();
    let stems = files.iter().map(|&i| {
        let report = &ledger.reports[i];
        unit_of(ledger, i).stem(&report.path, report.form.is_some())
    });
    let assigned = names.assign(stems);
    files
        .iter()
        .zip(&assigned)
        .filter_map(|(&i, name)| unit_of(ledger, i).write(&ledger.reports[i], limits, &names, name))
        .collect()
}

/// Remove the feedback files of ours in the folder of `names` that no file of this run
/// claimed: left from a unit whose form was deleted or is now attributed elsewhere.
pub fn remove_stale(names: &FeedbackNames) -> Vec<FeedbackOutcome> {
    names
        .remove_stale()
        .into_iter()
        .map(|path| FeedbackOutcome::Removed {
            unit: path.file_stem().map_or_else(String::new, |s| {
                let stem = s.to_string_lossy();
                let suffix = crate::feedback::FEEDBACK_SUFFIX;
                stem.trim_end_matches(suffix.trim_end_matches(".xlsx"))
                    .to_string()
            }),
            path,
        })
        .collect()
}

/// The unit of `ledger.reports[index]`, and whether it has a readable file at all.
fn unit_of(ledger: &Ledger, index: usize) -> FeedbackUnit {
    let owner = ledger.placements[index].owner;
    let readable_sibling = ledger
        .reports
        .iter()
        .zip(ledger.placements.iter())
        .any(|(r, p)| p.owner == owner && p.counts() && r.form.is_some());
    FeedbackUnit {
        owner,
        label: ledger.placements.label(&owner, ledger.roster.as_ref()),
        readable_sibling,
        with_roster: ledger.roster.is_some(),
    }
}
