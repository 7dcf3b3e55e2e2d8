//! 报送情况: for every roster unit, whether its form is in, usable, and on time.
//!
//! This is what the department reads each morning before the deadline, so the text fits one
//! screen for a 30-unit county: totals first, then one line per unit in roster order, then the
//! files that could not be tied to a unit. The same content is the ledger's 报送情况 sheet.

use crate::attribution::{Owner, Placement, Placements};
use crate::check::FileReport;
use crate::roster::Roster;
use crate::stage::{CollectedStage, StageRule, SurveyStage};
use chrono::{DateTime, Datelike, Local, NaiveDate};
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;
use std::time::SystemTime;
use unicode_width::UnicodeWidthStr;

/// The deadline's month and day when none is given (the 分类管理台账 is due 4月15日).
pub const DEFAULT_DEADLINE: (u32, u32) = crate::stage::BASELINE_DUE;

/// What the department expects: who must report, by when, and the day the status is taken.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub roster: Option<Roster>,
    pub deadline: NaiveDate,
    pub as_of: NaiveDate,
    /// How the 调查阶段 collected is chosen: by the deadline when one is given, else by the
    /// returns' majority ([`Expectation::with_stage`] names it).
    pub stage: StageRule,
}

impl Expectation {
    /// `deadline` defaults to 4月15日 of the `as_of` year; `as_of` to today.
    pub fn new(
        roster: Option<Roster>,
        deadline: Option<NaiveDate>,
        as_of: Option<NaiveDate>,
    ) -> Expectation {
        let as_of = as_of.unwrap_or_else(|| Local::now().date_naive());
        let (month, day) = DEFAULT_DEADLINE;
        let stage = deadline.map_or(StageRule::Majority, StageRule::Deadline);
        let deadline = deadline
            .or_else(|| NaiveDate::from_ymd_opt(as_of.year(), month, day))
            .unwrap_or(as_of);
        Expectation {
            roster,
            deadline,
            as_of,
            stage,
        }
    }

    /// The 调查阶段 to collect, when named (`--stage`); `None` keeps the default rule.
    pub fn with_stage(mut self, stage: Option<SurveyStage>) -> Expectation {
        if let Some(stage) = stage {
            self.stage = StageRule::Given(stage);
        }
        self
    }
}

/// Where a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Missing,
    Errors,
    WarningsOnly,
    Passed,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Missing => "未报送",
            State::Errors => "已报送（有错误）",
            State::WarningsOnly => "已报送（仅警告）",
            State::Passed => "已报送（通过）",
        }
    }
    /// Whether the unit still owes the department a (corrected) file.
    pub fn is_open(self) -> bool {
        matches!(self, State::Missing | State::Errors)
    }
}

/// One roster unit's line.
#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub state: State,
    pub state_label: &'static str,
    /// The file that counts, relative to the inbox.
    pub file: Option<String>,
    /// Its modification time, local, "2026-04-12 09:30".
    pub submitted_at: Option<String>,
    /// Modified after the deadline day.
    pub late: bool,
    pub organizations: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Older files of the unit, replaced by `file`.
    pub superseded: Vec<String>,
}

/// A file no roster unit could be found for.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedFile {
    pub file: String,
    pub unit_code: String,
    pub unit_name: String,
    pub reason: String,
}

/// The counts at the top.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub expected: usize,
    pub submitted: usize,
    pub missing: usize,
    pub errors: usize,
    pub warnings_only: usize,
    pub passed: usize,
    pub late: usize,
    pub unmatched: usize,
}

/// The whole status, as shown by `taizhang status` and the 报送情况 sheet.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub roster: String,
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
    #[serde(serialize_with = "iso_date")]
    pub deadline: NaiveDate,
    /// Days from `as_of` to the deadline; negative once it has passed.
    pub days_left: i64,
    pub totals: Totals,
    pub units: Vec<UnitStatus>,
    pub unmatched: Vec<UnmatchedFile>,
    /// The 调查阶段 collected: returns of the other stage count for no unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<CollectedStage>,
}

/// Dates in JSON as "2026-04-15" (chrono's serde support is not enabled in this crate).
fn iso_date<S: serde::Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

/// What the status needs of one file once attributed: enough to tell its unit's state, so a
/// national run can drop the file's rows before the status is built.
#[derive(Debug, Clone)]
pub struct FileSeen {
    pub path: std::path::PathBuf,
    pub readable: bool,
    pub organizations: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Why no roster unit was found for it (shown for unmatched files).
    pub unmatched_reason: String,
}

impl FileSeen {
    pub fn of(report: &FileReport) -> FileSeen {
        FileSeen {
            path: report.path.clone(),
            readable: report.form.is_some(),
            organizations: report.organizations(),
            errors: report.errors(),
            warnings: report.warnings(),
            unmatched_reason: unmatched_reason(report),
        }
    }
}

/// Build the status from attributed files (`placements` parallel to `reports`).
pub fn build(
    roster: &Roster,
    expect: &Expectation,
    inbox: &Path,
    reports: &[FileSeen],
    placements: &Placements,
) -> StatusReport {
    let relative = |p: &Path| p.strip_prefix(inbox).unwrap_or(p).display().to_string();
    // The files of roster units, grouped by unit (in file order within each): one sort, not
    // a pass over every file for every unit (a national roster has tens of thousands).
    let roster_index = |j: &usize| match placements[*j].owner {
        Owner::Roster(i) => Some(i as usize),
        Owner::Unlisted(_) => None,
    };
    let mut by_unit: Vec<usize> = (0..reports.len())
        .filter(|j| roster_index(j).is_some())
        .collect();
    by_unit.sort_by_key(roster_index);
    let units: Vec<UnitStatus> = (0..roster.units.len())
        .map(|i| {
            let start = by_unit.partition_point(|j| roster_index(j) < Some(i));
            let end = by_unit.partition_point(|j| roster_index(j) <= Some(i));
            let own = &by_unit[start..end];
            unit_status(roster, i, expect, reports, placements, own, &relative)
        })
        .collect();
    let unmatched: Vec<UnmatchedFile> = reports
        .iter()
        .zip(placements.iter())
        .filter(|(_, p)| matches!(p.owner, Owner::Unlisted(_)) && p.counts())
        .map(|(r, p)| unmatched_file(r, placements.label(&p.owner, None), &relative))
        .collect();
    let totals = totals(&units, unmatched.len());
    StatusReport {
        roster: roster.path.display().to_string(),
        as_of: expect.as_of,
        deadline: expect.deadline,
        days_left: (expect.deadline - expect.as_of).num_days(),
        totals,
        units,
        unmatched,
        stage: None,
    }
}

fn unit_status(
    roster: &Roster,
    i: usize,
    expect: &Expectation,
    reports: &[FileSeen],
    placements: &[Placement],
    own: &[usize],
    relative: &dyn Fn(&Path) -> String,
) -> UnitStatus {
    let unit = &roster.units[i];
    // The chosen readable file, else an unreadable one: either way the unit has sent something.
    // A return of another 调查阶段 is not this round's.
    let current = own
        .iter()
        .copied()
        .filter(|&j| placements[j].counts())
        .max_by_key(|&j| (reports[j].readable, placements[j].modified));
    let superseded = own
        .iter()
        .filter(|&&j| placements[j].is_superseded())
        .map(|&j| relative(&reports[j].path))
        .collect();
    let mut status = UnitStatus {
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind: unit.kind.label(),
        contact: unit.contact.clone(),
        phone: unit.phone.clone(),
        state: State::Missing,
        state_label: State::Missing.label(),
        file: None,
        submitted_at: None,
        late: false,
        organizations: 0,
        errors: 0,
        warnings: 0,
        superseded,
    };
    if let Some(j) = current {
        fill_submission(&mut status, &reports[j], &placements[j], expect, relative);
    }
    status
}

fn fill_submission(
    status: &mut UnitStatus,
    report: &FileSeen,
    placement: &Placement,
    expect: &Expectation,
    relative: &dyn Fn(&Path) -> String,
) {
    let (errors, warnings) = (report.errors, report.warnings);
    status.state = match (errors, warnings) {
        (0, 0) => State::Passed,
        (0, _) => State::WarningsOnly,
        _ => State::Errors,
    };
    status.state_label = status.state.label();
    status.file = Some(relative(&report.path));
    let modified = placement.modified.time().map(local_time);
    status.submitted_at = modified.map(|t| t.format("%Y-%m-%d %H:%M").to_string());
    status.late = modified.is_some_and(|t| t.date_naive() > expect.deadline);
    status.organizations = report.organizations;
    status.errors = errors;
    status.warnings = warnings;
}

fn local_time(time: SystemTime) -> DateTime<Local> {
    DateTime::<Local>::from(time)
}

/// A file the roster does not account for, under the code and name it gives itself.
fn unmatched_file(
    report: &FileSeen,
    (unit_code, unit_name): (String, String),
    relative: &dyn Fn(&Path) -> String,
) -> UnmatchedFile {
    UnmatchedFile {
        file: relative(&report.path),
        unit_code,
        unit_name,
        reason: report.unmatched_reason.clone(),
    }
}

fn unmatched_reason(report: &FileReport) -> String {
    report
        .issues()
        .iter()
        .find(|i| {
            matches!(
                i.code,
                crate::Code::UnitNotInRoster | crate::Code::UnitConflict
            ) || report.form.is_none()
        })
        .map_or_else(
            || "对应不到花名册中的单位".to_string(),
            |i| i.message.clone(),
        )
}

fn totals(units: &[UnitStatus], unmatched: usize) -> Totals {
    let count = |state: State| units.iter().filter(|u| u.state == state).count();
    Totals {
        expected: units.len(),
        submitted: units.len() - count(State::Missing),
        missing: count(State::Missing),
        errors: count(State::Errors),
        warnings_only: count(State::WarningsOnly),
        passed: count(State::Passed),
        late: units.iter().filter(|u| u.late).count(),
        unmatched,
    }
}

impl StatusReport {
    /// "还剩 3 天" / "今天截止" / "已逾期 2 天".
    pub fn time_left(&self) -> String {
        match self.days_left {
            d if d > 0 => format!("还剩 {d} 天"),
            0 => "今天截止".to_string(),
            d => format!("已逾期 {} 天", -d),
        }
    }

    /// The deadline column of one unit: late files, and time left for units still owing one.
    pub fn unit_deadline(&self, unit: &UnitStatus) -> String {
        if unit.late {
            "逾期报送".to_string()
        } else if unit.state.is_open() {
            self.time_left()
        } else {
            String::new()
        }
    }

    /// The heading lines: dates and totals.
    pub fn headline(&self) -> [String; 2] {
        let t = &self.totals;
        [
            format!(
                "报送情况{}：截至 {}，截止日期 {}（{}）",
                self.stage.map_or(String::new(), |s| format!("（{}）", s.short())),
                self.as_of,
                self.deadline,
                self.time_left(),
            ),
            format!(
                "应报 {} 个单位：已报送 {}（通过 {}，仅警告 {}，有错误 {}），未报送 {}，逾期报送 {}{}",
                t.expected,
                t.submitted,
                t.passed,
                t.warnings_only,
                t.errors,
                t.missing,
                t.late,
                match t.unmatched {
                    0 => String::new(),
                    n => format!("；对应不到单位的文件 {n} 个"),
                }
            ),
        ]
    }

    /// The morning report: one line per unit, aligned for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in self.headline() {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
        let name_width = self
            .units
            .iter()
            .map(|u| u.name.width())
            .max()
            .unwrap_or(0)
            .max(8);
        let code_width = self.units.iter().map(|u| u.code.width()).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "{}  {}  {}  错误  警告  期限          文件",
            pad("单位代码", code_width),
            pad("单位名称", name_width),
            pad("状态", 16)
        );
        for unit in &self.units {
            let _ = writeln!(out, "{}", self.unit_line(unit, code_width, name_width));
        }
        for file in &self.unmatched {
            let _ = writeln!(out, "对应不到单位：{}：{}", file.file, file.reason);
        }
        out
    }

    fn unit_line(&self, unit: &UnitStatus, code_width: usize, name_width: usize) -> String {
        let counts = match unit.state {
            State::Missing => format!("{:>4}  {:>4}", "", ""),
            _ => format!("{:>4}  {:>4}", unit.errors, unit.warnings),
        };
        let mut file = unit.file.clone().unwrap_or_default();
        if !unit.superseded.is_empty() {
            let _ = write!(file, "（替代了 {} 个旧文件）", unit.superseded.len());
        }
        format!(
            "{}  {}  {}  {counts}  {}  {file}",
            pad(&unit.code, code_width),
            pad(&unit.name, name_width),
            pad(unit.state_label, 16),
            pad(&self.unit_deadline(unit), 12)
        )
        .trim_end()
        .to_string()
    }
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}
