//! One side of the comparison: an inbox folder or a ledger → rated organizations and issues.
//!
//! A folder is checked like `taizhang ledger` does; a ledger is read back and its values are
//! re-rated with the run's standard, so both sides are always judged by the same rules (a
//! ledger made with other rules says so with a warning instead of mixing standards).

use super::readback::{self, LedgerOrg};
use super::UpgradeError;
use crate::attribution;
use crate::check::{CheckOptions, FileReport};
use crate::decisions::{Applied, Decisions, Outcome};
use crate::form::{source_label, Record};
use crate::issue::{Code, Issue};
use crate::ledger::detail;
use crate::roster::Roster;
use crate::rules::{Classification, Decided, Rules, Tier};
use crate::schema::org;
use std::path::{Path, PathBuf};

/// Which side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The baseline survey (摸底).
    Baseline,
    /// The year-end re-rating (年终).
    YearEnd,
    /// Found while matching the two sides.
    Matching,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Baseline => "基线（摸底）",
            Side::YearEnd => "年终",
            Side::Matching => "比对",
        }
    }
    /// The 调查阶段 a form of this side should say.
    fn stage(self) -> &'static str {
        match self {
            Side::YearEnd => "年终",
            _ => "摸底",
        }
    }
}

/// One organization of one side, rated with the run's standard.
#[derive(Debug, Clone)]
pub struct RatedOrg {
    pub unit_code: String,
    pub unit_name: String,
    pub name: String,
    pub code: Option<String>,
    pub record: Record,
    pub classification: Classification,
    /// The returned file, relative to its inbox.
    pub source: String,
    /// 1-based row in that file.
    pub row: u32,
}

impl RatedOrg {
    /// "白马镇.xlsx 第 5 行", for messages and the workbook.
    pub fn place(&self) -> String {
        format!("{} 第 {} 行", self.source, self.row)
    }
}

/// An issue with the file and unit it belongs to, and the side it came from.
#[derive(Debug, Clone)]
pub struct SideIssue {
    pub side: Side,
    pub file: String,
    pub unit: String,
    pub issue: Issue,
}

/// One side, loaded.
#[derive(Debug, Clone)]
pub struct Input {
    pub side: Side,
    pub path: PathBuf,
    /// Whether the side was read back from a ledger rather than checked from forms.
    pub from_ledger: bool,
    pub orgs: Vec<RatedOrg>,
    pub issues: Vec<SideIssue>,
}

/// Load `path` (a folder of returned forms or a ledger) as `side`. `exclude` lists the run's
/// outputs, never read as input; `roster`, when given, names the units of a folder's files.
pub fn load(
    path: &Path,
    side: Side,
    options: &CheckOptions,
    roster: Option<&Roster>,
    exclude: &[PathBuf],
) -> Result<Input, UpgradeError> {
    if path.is_dir() {
        return from_folder(path, side, options, roster, exclude);
    }
    if path.is_file() {
        if readback::is_ledger(path, &options.limits) {
            return from_ledger(path, side, options);
        }
        return Err(UpgradeError::NotAnInput {
            path: path.to_path_buf(),
            side: side.label(),
        });
    }
    Err(UpgradeError::Missing {
        path: path.to_path_buf(),
        side: side.label(),
    })
}

/// Check a folder as `taizhang ledger` does: files attributed to units, and of a unit's
/// resubmissions only the version that counts.
fn from_folder(
    inbox: &Path,
    side: Side,
    options: &CheckOptions,
    roster: Option<&Roster>,
    exclude: &[PathBuf],
) -> Result<Input, UpgradeError> {
    let found = crate::discover::discover(inbox, exclude);
    let reports = crate::check::check_files(&found.candidates, options);
    let mut reports: Vec<FileReport> = reports.into_iter().filter(|r| !r.own_output).collect();
    let placements = attribution::attribute(&mut reports, roster);
    let mut input = Input {
        side,
        path: inbox.to_path_buf(),
        from_ledger: false,
        orgs: Vec::new(),
        issues: Vec::new(),
    };
    for (report, placement) in reports.iter().zip(placements.iter()) {
        if !placement.is_superseded() {
            let unit = placements.label(&placement.owner, roster);
            add_report(&mut input, inbox, report, unit);
        }
    }
    Ok(input)
}

fn add_report(input: &mut Input, inbox: &Path, report: &FileReport, unit: (String, String)) {
    let source = report
        .path
        .strip_prefix(inbox)
        .unwrap_or(&report.path)
        .display()
        .to_string();
    let (unit_code, unit_name) = unit;
    let mut push = |issue: Issue| {
        input.issues.push(SideIssue {
            side: input.side,
            file: source.clone(),
            unit: unit_name.clone(),
            issue,
        })
    };
    report.issues().iter().cloned().for_each(&mut push);
    let Some(form) = &report.form else { return };
    if let Some(stage) = form.stage().filter(|s| *s != input.side.stage()) {
        push(stage_warning(&source, stage, input.side));
    }
    for (record, c) in form.organizations.iter().zip(&report.classifications) {
        input.orgs.push(RatedOrg {
            unit_code: unit_code.clone(),
            unit_name: unit_name.clone(),
            name: record.org_name().unwrap_or_default().to_string(),
            code: record.text(org::CODE).map(str::to_string),
            record: record.clone(),
            classification: c.clone(),
            source: source_label(&source, record, form.org_location(record)).into_owned(),
            row: record.row + 1,
        });
    }
}

/// Apply the department's `decisions` to this side's organizations; their problems (and the
/// decisions no organization answers to) become this side's issues.
pub fn apply_decisions(input: &mut Input, decisions: &Decisions, rules: &Rules) -> Outcome {
    let applied = Applied::default();
    for (i, org) in input.orgs.iter_mut().enumerate() {
        let unit = (org.unit_code.as_str(), org.unit_name.as_str());
        applied.apply_one(
            decisions,
            rules,
            (i, unit),
            &org.record,
            &mut org.classification,
        );
    }
    let outcome = applied.outcome(decisions);
    for issue in &outcome.issues {
        input.issues.push(SideIssue {
            side: input.side,
            file: outcome.file.clone(),
            unit: String::new(),
            issue: issue.clone(),
        });
    }
    outcome
}

/// W301: a baseline form that says 年终, or a year-end form that says 摸底.
fn stage_warning(file: &str, stage: &str, side: Side) -> Issue {
    let mut issue = Issue::file(
        Code::StageMismatch,
        format!(
            "{file} 的调查阶段为“{stage}”，却作为{}一方参加比较；请确认是否放错了文件夹",
            side.label()
        ),
    );
    issue.field = Some("stage");
    issue.value = Some(stage.to_string());
    issue
}

fn from_ledger(path: &Path, side: Side, options: &CheckOptions) -> Result<Input, UpgradeError> {
    let back = readback::read_ledger(path, &options.rules, &options.limits)?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let mut input = Input {
        side,
        path: path.to_path_buf(),
        from_ledger: true,
        orgs: Vec::new(),
        issues: Vec::new(),
    };
    for issue in back.issues {
        input.issues.push(SideIssue {
            side,
            file: file.clone(),
            unit: String::new(),
            issue,
        });
    }
    for found in back.organizations {
        let org = rerate(found, &options.rules, &file, &mut input);
        input.orgs.push(org);
    }
    Ok(input)
}

/// The department's decision the ledger recorded beside the organization, kept as it was; a
/// 审定等次 the run's standard does not have is a W307 warning and dropped.
fn decided_in_ledger(
    found: &LedgerOrg,
    rules: &Rules,
    file: &str,
    input: &mut Input,
) -> Option<Decided> {
    let (name, basis) = found.decided.as_ref()?;
    if let Some(tier) = rules.tier_by_name(name).filter(|t| *t != Tier::Pending) {
        let basis = basis.clone();
        return Some(Decided { tier, basis });
    }
    let mut issue = Issue::sheet(
        Code::LedgerTierDiffers,
        detail::SHEET,
        format!(
            "台账 {file}“{}”表第 {} 行 {} 的审定等次“{name}”不是本次评分标准的等次（{}），未采用",
            detail::SHEET,
            found.ledger_row,
            found.record.org_name().unwrap_or_default(),
            rules.tier_names().join("、")
        ),
    );
    issue.row = Some(found.ledger_row);
    issue.value = Some(name.clone());
    input.issues.push(SideIssue {
        side: input.side,
        file: file.to_string(),
        unit: found.unit_name.clone(),
        issue,
    });
    None
}

/// Re-rate a read-back organization; a stored tier that the run's standard does not give is
/// a W307 warning naming the ledger's cell.
fn rerate(found: LedgerOrg, rules: &Rules, file: &str, input: &mut Input) -> RatedOrg {
    let mut classification = rules.classify(&found.record);
    classification.decided = decided_in_ledger(&found, rules, file, input);
    let now = rules.tier_name(classification.tier);
    if found.tier.is_some() && found.tier_name != now {
        let mut issue = Issue::sheet(
            Code::LedgerTierDiffers,
            detail::SHEET,
            format!(
                "台账 {file}“{}”表第 {} 行 {} 记录的核定等次为“{}”，按本次评分标准为“{now}”，以本次为准",
                detail::SHEET,
                found.ledger_row,
                found.record.org_name().unwrap_or_default(),
                found.tier_name
            ),
        );
        issue.row = Some(found.ledger_row);
        issue.value = Some(found.tier_name.clone());
        input.issues.push(SideIssue {
            side: input.side,
            file: file.to_string(),
            unit: found.unit_name.clone(),
            issue,
        });
    }
    RatedOrg {
        name: found.record.org_name().unwrap_or_default().to_string(),
        code: found.record.text(org::CODE).map(str::to_string),
        unit_code: found.unit_code,
        unit_name: found.unit_name,
        record: found.record,
        classification,
        source: found.source_file,
        row: found.source_row,
    }
}
