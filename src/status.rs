//! 报送情况: for every roster unit, whether its form is in, usable, and on time.
//!
//! This is what the department reads each morning before the deadline, so the text fits one
//! screen for a 30-unit county: totals first, then one line per unit in roster order, then the
//! files that could not be tied to a unit. The same content is the ledger's 报送情况 sheet.

use crate::arrivals::Arrivals;
use crate::attribution::{Owner, Placement, Placements};
use crate::check::FileReport;
use crate::form::Form;
use crate::roster::Roster;
use crate::rules::config::month_day;
use crate::rules::Rules;
use crate::stage::{CollectedStage, StageRule, SurveyStage};
use chrono::{Datelike, Local, NaiveDate};
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// What the department expects: who must report, by when, and the day the status is taken.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub roster: Option<Roster>,
    /// The deadline given (`--deadline`); `None`: the rules file's deadline of the 调查阶段
    /// collected ([`Expectation::deadline_for`]).
    pub deadline: Option<NaiveDate>,
    pub as_of: NaiveDate,
    /// How the 调查阶段 collected is chosen: by the deadline when one is given, else by the
    /// returns' majority ([`Expectation::with_stage`] names it).
    pub stage: StageRule,
    /// With a roster, whether the returns of units it does not name count in the ledger's
    /// 合计 (`--count-unlisted`); by default they are listed on their own.
    pub count_unlisted: bool,
    /// When the returns arrived (`watch`'s 收件记录), for lateness; without it, or for a
    /// file it does not know, lateness is judged by 填报日期.
    pub arrivals: Option<Arrivals>,
}

impl Expectation {
    /// `deadline`, when not given, is the rules file's for the 调查阶段 collected; `as_of`
    /// defaults to today.
    pub fn new(
        roster: Option<Roster>,
        deadline: Option<NaiveDate>,
        as_of: Option<NaiveDate>,
    ) -> Expectation {
        let as_of = as_of.unwrap_or_else(|| Local::now().date_naive());
        let stage = deadline.map_or(StageRule::Majority, StageRule::Deadline);
        Expectation {
            roster,
            deadline,
            as_of,
            stage,
            count_unlisted: false,
            arrivals: None,
        }
    }

    /// When the returns of `stage` are due: the deadline given, else the rules file's for
    /// `stage` (4月15日 for 摸底, 12月31日 for 年终 by default) in the survey's year: the
    /// `as_of` year, or, for 年终 looked at in January–June, the year before (the stragglers
    /// of December's round).
    pub fn deadline_for(&self, stage: SurveyStage, rules: &Rules) -> NaiveDate {
        let deadlines = &rules.config().deadlines;
        let defaults = crate::rules::config::Deadlines::default();
        let (text, default) = match stage {
            SurveyStage::Baseline => (&deadlines.baseline, &defaults.baseline),
            SurveyStage::YearEnd => (&deadlines.year_end, &defaults.year_end),
        };
        // Checked when the rules were loaded.
        let (month, day) = month_day(text)
            .or_else(|| month_day(default))
            .unwrap_or((4, 15));
        let mut year = self.as_of.year();
        if stage == SurveyStage::YearEnd && self.as_of.month() <= 6 {
            year -= 1;
        }
        // 02-29 is 02-28 out of leap years.
        let due = NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(year, month, day - 1));
        self.deadline.or(due).unwrap_or(self.as_of)
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
    /// Its 填报日期, "2026-04-12".
    pub filled_on: Option<String>,
    /// When it arrived, by the 收件记录, "2026-04-12 09:30".
    pub arrived_at: Option<String>,
    /// Arrived, or without a record filled in, after the deadline day.
    pub late: bool,
    /// What `late` was judged by: "收到时间", "填报日期", or "" when neither is known.
    pub late_by: &'static str,
    pub organizations: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Older files of the unit, replaced by `file`.
    pub superseded: Vec<String>,
    /// The department's decision on `file` in the web intake (`taizhang serve`), in words:
    /// "网上报送审核：退回（请补齐书记手机号）".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
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
    /// Whether the deadline is the rules file's for the 调查阶段 collected (not `--deadline`).
    pub deadline_from_rules: bool,
    /// Days from `as_of` to the deadline; negative once it has passed.
    pub days_left: i64,
    /// What lateness is judged by ([`LATE_BY`]).
    pub late_by: &'static str,
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

/// What a unit's lateness is judged by. A file's modification time is not: it changes
/// whenever the file is copied or saved from mail.
pub const LATE_BY: &str = "有收件记录的按收到时间判断，其余按报表所填的填报日期判断（文件修改时间会随复制、另存改变，不作依据）";

/// What the status needs of one file once attributed: enough to tell its unit's state, so a
/// national run can drop the file's rows before the status is built.
#[derive(Debug, Clone)]
pub struct FileSeen {
    pub path: std::path::PathBuf,
    pub readable: bool,
    /// Its 填报日期, when it has a valid one.
    pub filled_on: Option<NaiveDate>,
    /// When it arrived, when the 收件记录 knows this version of it.
    pub arrived: Option<chrono::NaiveDateTime>,
    pub organizations: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Why no roster unit was found for it (shown for unmatched files).
    pub unmatched_reason: String,
}

impl FileSeen {
    /// What is seen of `report`, the file's figures in `tally` (its parts' when it has
    /// several).
    pub fn of(report: &FileReport, tally: &crate::check::Tally) -> FileSeen {
        FileSeen {
            path: report.path.clone(),
            readable: report.form.is_some(),
            filled_on: report.form.as_ref().and_then(Form::filled_on),
            arrived: None,
            organizations: tally.organizations,
            errors: tally.errors,
            warnings: tally.warnings,
            unmatched_reason: unmatched_reason(report),
        }
    }
}

/// Build the status from attributed files (`placements` parallel to `reports`), the returns
/// due on `deadline`.
pub fn build(
    roster: &Roster,
    expect: &Expectation,
    deadline: NaiveDate,
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
            let days = (deadline, expect.as_of);
            let mut status = unit_status(roster, i, days, reports, placements, own, &relative);
            status.review = (status.file.as_deref())
                .and_then(|file| expect.arrivals.as_ref()?.review(file))
                .map(str::to_string);
            status
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
        deadline,
        deadline_from_rules: expect.deadline.is_none(),
        days_left: (deadline - expect.as_of).num_days(),
        late_by: LATE_BY,
        totals,
        units,
        unmatched,
        stage: None,
    }
}

fn unit_status(
    roster: &Roster,
    i: usize,
    (deadline, as_of): (NaiveDate, NaiveDate),
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
        filled_on: None,
        arrived_at: None,
        late: false,
        late_by: "",
        organizations: 0,
        errors: 0,
        warnings: 0,
        superseded,
        review: None,
    };
    if let Some(j) = current {
        fill_submission(&mut status, &reports[j], (deadline, as_of), relative);
    }
    status
}

fn fill_submission(
    status: &mut UnitStatus,
    report: &FileSeen,
    (deadline, as_of): (NaiveDate, NaiveDate),
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
    status.filled_on = report.filled_on.map(|d| d.to_string());
    status.arrived_at = (report.arrived).map(|t| t.format("%Y-%m-%d %H:%M").to_string());
    (status.late, status.late_by) = match (report.arrived, report.filled_on) {
        (Some(arrived), _) => (arrived.date() > deadline, "收到时间"),
        // A 填报日期 after the day of the status is a mistyped date (W116): nothing to go by.
        (None, Some(filled)) if filled <= as_of => (filled > deadline, "填报日期"),
        (None, _) => (false, ""),
    };
    status.organizations = report.organizations;
    status.errors = errors;
    status.warnings = warnings;
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

    /// What lateness was judged by, in a few words.
    fn late_basis(&self) -> &'static str {
        let by = |basis: &str| self.units.iter().any(|u| u.late_by == basis);
        match (by("收到时间"), by("填报日期")) {
            (true, false) => "按收到时间",
            (true, true) => "按收到时间，无收件记录的按填报日期",
            _ => "按填报日期",
        }
    }

    /// The heading lines: dates and totals.
    pub fn headline(&self) -> [String; 2] {
        let t = &self.totals;
        [
            format!(
                "报送情况{}：截至 {}，截止日期 {}（{}{}）",
                self.stage.map_or(String::new(), |s| format!("（{}）", s.short())),
                self.as_of,
                self.deadline,
                if self.deadline_from_rules {
                    "按评分标准；"
                } else {
                    ""
                },
                self.time_left(),
            ),
            format!(
                "应报 {} 个单位：已报送 {}（通过 {}，仅警告 {}，有错误 {}），未报送 {}，逾期报送 {}（{}）{}",
                t.expected,
                t.submitted,
                t.passed,
                t.warnings_only,
                t.errors,
                t.missing,
                t.late,
                self.late_basis(),
                match t.unmatched {
                    0 => String::new(),
                    n => format!("；花名册以外的报表 {n} 份（未计入任何单位）"),
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
            let _ = writeln!(out, "花名册以外：{}：{}", file.file, file.reason);
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
        if let Some(review) = &unit.review {
            let _ = write!(file, "（{review}）");
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
