//! `ledger --feedback DIR`: one feedback workbook per unit whose file has issues, named after
//! the unit, so the clerk can send `511101003_白马镇_反馈.xlsx` back without renaming it.
//!
//! A unit whose current file is clean gets none, and a feedback file left there from an earlier
//! run for that unit is removed (only when it carries our feedback marker), so the folder never
//! tells a unit to fix what it has fixed.

use crate::attribution::Owner;
use crate::check::FileReport;
use crate::feedback::{feedback_file_name, write_feedback_as, FeedbackError, FEEDBACK_SUFFIX};
use crate::read::{Limits, Workbook};
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
    fn file_name(&self, report: &FileReport) -> String {
        let by_unit = matches!(self.owner, Owner::Roster(_)) || !self.with_roster;
        if !by_unit || (report.form.is_none() && self.readable_sibling) {
            return feedback_file_name(&report.path);
        }
        let (code, name) = &self.label;
        let parts: Vec<&str> = [code.as_str(), name.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        crate::save::safe_file_name(&format!("{}{FEEDBACK_SUFFIX}", parts.join("_")))
    }

    /// Write (or remove) the feedback of one report in `dir`.
    pub fn write(
        &self,
        report: &FileReport,
        limits: &Limits,
        dir: &Path,
    ) -> Option<FeedbackOutcome> {
        let name = self.file_name(report);
        let unit = self.label.1.clone();
        if report.issues().is_empty() {
            let path = dir.join(&name);
            return (is_our_feedback(&path, limits) && std::fs::remove_file(&path).is_ok())
                .then_some(FeedbackOutcome::Removed { unit, path });
        }
        Some(match write_feedback_as(report, limits, dir, &name) {
            Ok(Some(path)) => FeedbackOutcome::Written { unit, path },
            Ok(None) => return None,
            Err(error) => FeedbackOutcome::Failed { unit, error },
        })
    }
}

/// Whether `path` is a feedback workbook taizhang wrote (never delete anything else).
fn is_our_feedback(path: &Path, limits: &Limits) -> bool {
    path.is_file()
        && Workbook::open(path, limits)
            .ok()
            .and_then(|mut w| w.meta_value(crate::marker::OUTPUT_KEY))
            .is_some_and(|kind| kind == crate::marker::FEEDBACK)
}
