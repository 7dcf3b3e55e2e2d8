//! `ledger --feedback DIR`: one feedback workbook per unit whose file has issues, named after
//! the unit, so the clerk can send `511101003_白马镇_反馈.xlsx` back without renaming it.
//!
//! A unit whose current file is clean gets none, and a feedback file left there from an earlier
//! run for that unit is removed (only when it carries our feedback marker), so the folder never
//! tells a unit to fix what it has fixed.

use crate::attribution::Owner;
use crate::check::FileReport;
use crate::feedback::{feedback_stem, write_feedback_as, FeedbackError};
use crate::output::FeedbackNames;
use crate::read::Limits;
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
