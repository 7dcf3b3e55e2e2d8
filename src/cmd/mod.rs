//! One module per command: arguments in, library calls, printing and an exit code out.
//!
//! What several commands share lives here: the exit codes, loading the rules file and
//! reading who must report.

pub mod check;
pub mod codes;
pub mod dropped;
pub mod ledger;
mod progress;
pub mod rectify;
pub mod rules;
pub mod serve;
pub mod status;
pub mod template;
pub mod upgrade;
pub mod watch;

use crate::cli::SubmissionArgs;
use anyhow::Result;
use std::path::Path;
use taizhang::check::CheckOptions;
use taizhang::roster::Roster;
use taizhang::rules::Rules;
use taizhang::status::Expectation;

/// Exit codes: 0 fine, 1 errors found in the forms, 2 usage error, a file that cannot be read
/// or nothing written, 3 the main output written but some feedback file not.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;
pub const EXIT_PARTIAL: u8 = 3;

/// The rules file given, or the embedded default.
fn load_rules(path: Option<&Path>) -> Result<Rules> {
    Ok(match path {
        Some(p) => Rules::load(p)?,
        None => Rules::embedded(),
    })
}

/// The decisions workbook at `path`, if given, read against the check's standard.
fn decisions(
    path: Option<&Path>,
    check: &CheckOptions,
) -> Result<Option<std::sync::Arc<taizhang::decisions::Decisions>>> {
    let Some(path) = path else { return Ok(None) };
    let read = taizhang::decisions::Decisions::read(path, &check.rules, &check.limits)?;
    Ok(Some(std::sync::Arc::new(read)))
}

/// The default check with `rules`, made today.
fn check_options(rules: Rules) -> CheckOptions {
    check_options_on(rules, chrono::Local::now().date_naive())
}

/// The check with `rules` as of `day` (`--as-of`): a 填报日期 after it is W116, and the
/// ledger marks the 整改时限 before it.
fn check_options_on(rules: Rules, day: chrono::NaiveDate) -> CheckOptions {
    CheckOptions {
        rules,
        today: Some(day),
        ..CheckOptions::default()
    }
}

/// Who must report and by when, the roster and the 收件记录 read, and the web intake's
/// 报送记录 when `inbox` has one.
fn expectation(args: &SubmissionArgs, inbox: &Path) -> Result<Expectation> {
    let roster = args.roster.as_deref().map(Roster::load).transpose()?;
    let mut expect = Expectation::new(roster, args.deadline, args.as_of).with_stage(args.stage);
    if let Some(path) = &args.arrivals {
        anyhow::ensure!(path.is_file(), "找不到收件记录“{}”", path.display());
        expect.arrivals = Some(taizhang::arrivals::Arrivals::load(path)?);
    }
    expect.arrivals = taizhang::intake_log::with_log(inbox, expect.arrivals)?;
    Ok(expect)
}
