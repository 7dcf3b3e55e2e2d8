//! The pre-submission check: read, normalize, validate and classify files, one report each.

use crate::form::{Form, SkipReason};
use crate::issue::{Code, Issue};
use crate::read::{self, Limits};
use crate::rules::{Classification, Rules};
use crate::schema::{unit, UNIT_INFO};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What the check of one file found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileReport {
    /// Not serialized, nor the form's: whoever reads a report back knows its path.
    #[serde(skip)]
    pub path: PathBuf,
    /// The form, when the file could be opened at all.
    pub form: Option<Form>,
    /// The file-level issue when it could not.
    pub failure: Option<Issue>,
    /// The classification of each organization, parallel to `form.organizations`.
    pub classifications: Vec<Classification>,
    /// Set when the file is one of taizhang's own outputs (a ledger or feedback workbook).
    pub own_output: bool,
}

impl FileReport {
    pub fn issues(&self) -> &[Issue] {
        match (&self.form, &self.failure) {
            (Some(form), _) => &form.issues,
            (None, Some(failure)) => std::slice::from_ref(failure),
            (None, None) => &[],
        }
    }
    pub fn errors(&self) -> usize {
        self.issues().iter().filter(|i| i.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.issues().len() - self.errors()
    }
    pub fn organizations(&self) -> usize {
        self.form.as_ref().map_or(0, |f| f.organizations.len())
    }
    /// Put the next part of the same file's report back after this one ([`Form::absorb`]).
    pub fn absorb(&mut self, part: FileReport) {
        if let (Some(form), Some(part)) = (self.form.as_mut(), part.form) {
            form.absorb(part);
        }
        self.classifications.extend(part.classifications);
    }
    /// Whether the file could not be opened at all.
    pub fn is_unreadable(&self) -> bool {
        self.form.is_none()
    }
}

/// What a file's report adds up to, summed over the parts of a long one
/// ([`crate::read::read_form_in_parts`]): what 文件清单 and 报送情况 show of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub organizations: usize,
    pub coverage_rows: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Skipped rows by [`SkipReason`]: blank, 合计, under a header not found, hidden.
    pub skipped: [usize; 4],
}

impl Tally {
    pub fn of(report: &FileReport) -> Tally {
        let mut tally = Tally {
            errors: report.errors(),
            warnings: report.warnings(),
            ..Tally::default()
        };
        if let Some(form) = &report.form {
            tally.organizations = form.organizations.len();
            tally.coverage_rows = form.coverage.len();
            for row in &form.skipped {
                tally.skipped[row.reason as usize] += 1;
            }
        }
        tally
    }

    pub fn add(&mut self, other: &Tally) {
        self.organizations += other.organizations;
        self.coverage_rows += other.coverage_rows;
        self.errors += other.errors;
        self.warnings += other.warnings;
        for (mine, theirs) in self.skipped.iter_mut().zip(other.skipped) {
            *mine += theirs;
        }
    }

    pub fn skipped(&self, reason: SkipReason) -> usize {
        self.skipped[reason as usize]
    }
}

/// Settings of a check run.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub limits: Limits,
    pub rules: Rules,
    /// The day of the check: a 填报日期 after it is a warning (W116). `None` (the default):
    /// not looked at, so that a library user's results do not depend on the clock.
    pub today: Option<NaiveDate>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            limits: Limits::default(),
            rules: Rules::embedded(),
            today: None,
        }
    }
}

/// Check one file: read it, then add the rules' findings (self-assessment, rectification plan).
pub fn check_file(path: &Path, options: &CheckOptions) -> FileReport {
    let mut report = read_file(path, &options.limits);
    classify_report(&mut report, options);
    report
}

/// The first half of [`check_file`]: read, normalize and validate; not classified yet.
pub fn read_file(path: &Path, limits: &Limits) -> FileReport {
    report_of(path, read::read_form(path, limits))
}

/// The report of the file at `path`, as its read ended.
pub fn report_of(path: &Path, read: Result<Form, read::ReadError>) -> FileReport {
    match read {
        Ok(form) => FileReport {
            path: path.to_path_buf(),
            form: Some(form),
            failure: None,
            classifications: Vec::new(),
            own_output: false,
        },
        Err(e) => FileReport {
            path: path.to_path_buf(),
            form: None,
            failure: Some(e.to_issue()),
            classifications: Vec::new(),
            own_output: matches!(e, read::ReadError::OwnOutput { .. }),
        },
    }
}

/// The second half of [`check_file`]: classify every organization of a file [`read_file`]
/// read, add the rules' findings (and a 填报日期 after `options.today`), and put the issues
/// in order.
pub fn classify_report(report: &mut FileReport, options: &CheckOptions) {
    if let Some(form) = report.form.as_mut() {
        report.classifications = classify(form, &options.rules);
        if let Some(issue) = options.today.and_then(|today| filed_in_future(form, today)) {
            form.issues.push(issue);
        }
        form.sort_issues();
    }
}

/// W116 when the form says it was filled in after `today`.
fn filed_in_future(form: &Form, today: NaiveDate) -> Option<Issue> {
    let filed = form.filled_on().filter(|&filed| filed > today)?;
    let cell = form.unit_cells.get(unit::FILLED_ON)?.as_ref()?;
    let column = &UNIT_INFO.columns[unit::FILLED_ON];
    Some(Issue::cell(
        Code::FiledInFuture,
        &cell.sheet,
        cell.at,
        column.key,
        Some(filed.to_string()),
        format!(
            "{}：填写的是 {filed}，晚于今天（{today}），请核对年份和月份",
            column.header
        ),
    ))
}

/// Check files in parallel; reports come back in the order of `paths`.
pub fn check_files(paths: &[PathBuf], options: &CheckOptions) -> Vec<FileReport> {
    paths.par_iter().map(|p| check_file(p, options)).collect()
}

/// Classify every organization and add the rules' findings to the form's issues.
fn classify(form: &mut Form, rules: &Rules) -> Vec<Classification> {
    let classifications: Vec<Classification> = form
        .organizations
        .iter()
        .map(|r| rules.classify(r))
        .collect();
    let findings: Vec<Issue> = form
        .organizations
        .iter()
        .zip(&classifications)
        .filter_map(|(record, c)| Some((record, c, form.org_location(record)?)))
        .flat_map(|(record, c, table)| rules.findings(record, c, &table.sheet, table))
        .collect();
    form.issues.extend(findings);
    classifications
}

/// Whether an issue is one of the file-level failures that make a file unusable.
pub fn is_file_failure(code: Code) -> bool {
    matches!(
        code,
        Code::FileUnreadable | Code::FileEncrypted | Code::FileUnsupported | Code::FileTooLarge
    )
}
