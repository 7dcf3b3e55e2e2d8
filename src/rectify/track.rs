//! The returns of an inbox made into one line per planned organization: each file read or
//! accounted for, the latest return of each unit kept (later 填报日期, then modification time,
//! then path, as [`crate::attribution::versions`] decides for survey returns), checked, and
//! counted per unit and for the county.

use super::check::{check_return, Reported};
use super::plan::{OrgKey, Plan, PlanOrg};
use super::returned::{read_return, Return, ReturnError};
use super::{RectifyOptions, Status, NO_REPORT};
use crate::discover::Discovery;
use crate::evaluation::{share, Indicator, Ranking};
use crate::issue::{Code, Issue};
use crate::schema::{rect_info, RECTIFY_INFO};
use crate::upgrade::matching::name_key;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What became of one file found in the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Read,
    Superseded,
    /// Read, but its unit has nothing to rectify in the ledger (E502).
    Unplaced,
    NotTheForm,
    Failed,
    Ignored,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Read => "已读取",
            Outcome::Superseded => "已被替代",
            Outcome::Unplaced => "未计入",
            Outcome::NotTheForm => "不是整改进展表",
            Outcome::Failed => "读取失败",
            Outcome::Ignored => "已忽略",
        }
    }
}

/// One line of 文件清单.
#[derive(Debug, Clone)]
pub struct FileLine {
    /// Relative to the inbox.
    pub file: String,
    pub outcome: Outcome,
    pub unit: String,
    pub note: String,
}

/// One finding, with the file it is in.
#[derive(Debug, Clone)]
pub struct FileIssue {
    pub file: String,
    pub unit: String,
    pub issue: Issue,
}

/// One planned organization and what its unit last reported.
#[derive(Debug, Clone)]
pub struct OrgLine {
    pub unit_code: String,
    pub unit_name: String,
    pub org: PlanOrg,
    /// `None` when its unit sent no return, or the return has no row for it.
    pub reported: Option<Reported>,
    /// The return it was read from.
    pub source: String,
    /// The plan's columns the ledger has empty and the return filled (主要问题, 整改措施,
    /// 整改时限): the values in `org` are the unit's.
    pub from_unit: Vec<&'static str>,
    /// What moved since the previous tracking (`--previous`); empty when nothing did.
    pub moved: String,
}

impl OrgLine {
    pub fn status(&self) -> Option<Status> {
        self.reported.as_ref().and_then(|r| r.status)
    }

    /// 完成状态 as the tracking shows it: the status, or 未报送进展.
    pub fn status_label(&self) -> &'static str {
        self.status().map_or(NO_REPORT, Status::label)
    }

    /// 销号日期: the 完成日期 of a plan reported 已完成.
    pub fn closed_on(&self) -> Option<NaiveDate> {
        let reported = self.reported.as_ref()?;
        (reported.status == Some(Status::Done)).then_some(reported.done_on)?
    }

    /// Whether 整改按期完成 judges the plan as of `as_of`: it is done, or its 整改时限 has come.
    pub fn due_or_done(&self, as_of: NaiveDate) -> bool {
        self.closed_on().is_some() || self.org.deadline.is_some_and(|due| due <= as_of)
    }

    /// Whether the plan was reported 已完成 by its 整改时限 (or done, without one).
    pub fn done_on_time(&self) -> bool {
        match (self.closed_on(), self.org.deadline) {
            (Some(done), Some(due)) => done <= due,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Days past the 整改时限 of a plan not 已完成 as of `as_of`.
    pub fn overdue_days(&self, as_of: NaiveDate) -> Option<i64> {
        let days = (as_of - self.org.deadline?).num_days();
        (days > 0 && self.status() != Some(Status::Done)).then_some(days)
    }

    /// 是否逾期: "已逾期 N 天" for an open plan past its 时限, "逾期 N 天完成" for one closed
    /// after it, empty otherwise.
    pub fn overdue_text(&self, as_of: NaiveDate) -> String {
        if let Some(days) = self.overdue_days(as_of) {
            return format!("已逾期 {days} 天");
        }
        let late =
            (self.closed_on().zip(self.org.deadline)).map(|(done, due)| (done - due).num_days());
        match late {
            Some(days) if days > 0 => format!("逾期 {days} 天完成"),
            _ => String::new(),
        }
    }
}

/// 应整改, 已完成, 推进中, 未启动, 逾期, 未报送进展 (and, with `--previous`, how many moved).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub organizations: usize,
    pub done: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub overdue: usize,
    pub no_report: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<usize>,
}

impl Counts {
    fn add(&mut self, line: &OrgLine, as_of: NaiveDate) {
        self.organizations += 1;
        match line.status() {
            Some(Status::Done) => self.done += 1,
            Some(Status::InProgress) => self.in_progress += 1,
            Some(Status::NotStarted) => self.not_started += 1,
            None => self.no_report += 1,
        }
        self.overdue += usize::from(line.overdue_days(as_of).is_some());
        if !line.moved.is_empty() {
            *self.changed.get_or_insert(0) += 1;
        }
    }
}

/// One unit of 整改汇总.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The whole follow-up, as the workbook and the summary show it.
#[derive(Debug, Clone)]
pub struct Tracking {
    pub as_of: NaiveDate,
    pub orgs: Vec<OrgLine>,
    pub units: Vec<UnitLine>,
    pub total: Counts,
    pub files: Vec<FileLine>,
    pub issues: Vec<FileIssue>,
    /// Whether a previous tracking was compared with ([`Tracking::compare`]).
    pub compared: bool,
}

/// Read every candidate of `found` (in parallel, results in path order) and track the plan.
pub fn track(plan: &Plan, inbox: &Path, found: Discovery, options: &RectifyOptions) -> Tracking {
    let rel = |p: &Path| p.strip_prefix(inbox).unwrap_or(p).display().to_string();
    let mut files: Vec<FileLine> = Vec::new();
    let mut issues = Vec::new();
    for ignored in &found.ignored {
        files.push(line(
            rel(&ignored.path),
            Outcome::Ignored,
            "",
            ignored.reason,
        ));
    }
    for (path, why) in &found.unlisted {
        files.push(line(
            rel(path),
            Outcome::Failed,
            "",
            &format!("无法访问：{why}"),
        ));
    }
    let read: Vec<_> = (found.candidates.par_iter())
        .map(|path| (path.clone(), read_return(path, &options.limits)))
        .collect();
    let mut by_unit: HashMap<usize, Vec<Return>> = HashMap::new();
    for (path, result) in read {
        let file = rel(&path);
        let (outcome, issue) = match result {
            Ok(back) => match plan.unit(back.unit_code(), back.unit_name()) {
                Some(u) => {
                    by_unit.entry(u).or_default().push(back);
                    continue;
                }
                None => (Outcome::Unplaced, unplaced(&back)),
            },
            Err(ReturnError::Read(e)) => (Outcome::Failed, e.to_issue()),
            Err(ReturnError::NotTheForm { reason }) => (
                Outcome::NotTheForm,
                Issue::file(Code::NotRectifyForm, reason),
            ),
        };
        files.push(line(file.clone(), outcome, "", &issue.message));
        issues.push(FileIssue {
            file,
            unit: String::new(),
            issue,
        });
    }
    let mut counted: HashMap<usize, (String, Vec<Option<Reported>>)> = HashMap::new();
    for (u, returns) in by_unit {
        let unit = &plan.units[u];
        let (latest, older) = latest(returns);
        let file = rel(&latest.path);
        for old in older {
            let note = format!("被 {file} 替代（以填报日期最新的为准）");
            files.push(line(rel(&old.path), Outcome::Superseded, &unit.name, &note));
        }
        let checked = check_return(&latest, unit, options.as_of);
        let note = format!("{} 个党组织", latest.rows.len());
        files.push(line(file.clone(), Outcome::Read, &unit.name, &note));
        issues.extend(checked.issues.into_iter().map(|issue| FileIssue {
            file: file.clone(),
            unit: unit.name.clone(),
            issue,
        }));
        counted.insert(u, (file, checked.reported));
    }
    files.sort_by(|a, b| a.file.cmp(&b.file));
    issues.sort_by(|a, b| (&a.file, a.issue.row).cmp(&(&b.file, b.issue.row)));
    let mut tracking = Tracking {
        as_of: options.as_of,
        orgs: org_lines(plan, counted),
        units: Vec::new(),
        total: Counts::default(),
        files,
        issues,
        compared: false,
    };
    tracking.count();
    tracking
}

fn line(file: String, outcome: Outcome, unit: &str, note: &str) -> FileLine {
    FileLine {
        file,
        outcome,
        unit: unit.to_string(),
        note: note.to_string(),
    }
}

/// E502 on the return's 单位代码 cell.
fn unplaced(back: &Return) -> Issue {
    let message = format!(
        "单位“{}”（单位代码“{}”）在台账中没有需整改的党组织，本表未计入；请核对单位名称和单位代码，或确认台账是否正确",
        back.unit_name(),
        back.unit_code()
    );
    match back.info_cells[rect_info::UNIT_CODE] {
        Some(cell) => {
            let key = RECTIFY_INFO.columns[rect_info::UNIT_CODE].key;
            let value = Some(back.unit_code().to_string());
            Issue::cell(
                Code::RectifyUnitUnknown,
                &back.sheet,
                cell,
                key,
                value,
                message,
            )
        }
        None => Issue::sheet(Code::RectifyUnitUnknown, &back.sheet, message),
    }
}

/// The return that counts (the latest 填报日期, then modification time, then path) and the
/// others.
fn latest(mut returns: Vec<Return>) -> (Return, Vec<Return>) {
    let modified = |p: &PathBuf| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    returns.sort_by_cached_key(|r| (r.filled_on(), modified(&r.path), r.path.clone()));
    let latest = returns.pop().expect("a unit with a return has one");
    (latest, returns)
}

/// One line per planned organization, in plan order.
fn org_lines(
    plan: &Plan,
    mut counted: HashMap<usize, (String, Vec<Option<Reported>>)>,
) -> Vec<OrgLine> {
    let mut lines = Vec::new();
    for (u, unit) in plan.units.iter().enumerate() {
        let (source, mut reported) = counted.remove(&u).unwrap_or_default();
        reported.resize(unit.organizations.len(), None);
        for (org, reported) in unit.organizations.iter().zip(reported) {
            let mut org = org.clone();
            let from_unit = reported.as_ref().map(|r| fill_plan(&mut org, r));
            lines.push(OrgLine {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                org,
                from_unit: from_unit.unwrap_or_default(),
                source: if reported.is_some() {
                    source.clone()
                } else {
                    String::new()
                },
                reported,
                moved: String::new(),
            });
        }
    }
    lines
}

/// Fill the plan's values the ledger lacks from the return (a decided 后进 has no plan in the
/// ledger; its unit writes it on the form), and say which.
fn fill_plan(org: &mut PlanOrg, reported: &Reported) -> Vec<&'static str> {
    let mut filled = Vec::new();
    if org.problems.is_empty() && !reported.problems.is_empty() {
        org.problems = reported.problems.clone();
        filled.push("主要问题");
    }
    if org.measures.is_empty() && !reported.measures.is_empty() {
        org.measures = reported.measures.clone();
        filled.push("整改措施");
    }
    if org.deadline.is_none() && reported.deadline.is_some() {
        org.deadline = reported.deadline;
        filled.push("整改时限");
    }
    filled
}

impl Tracking {
    /// Count per unit (in plan order) and for the county.
    fn count(&mut self) {
        self.units.clear();
        self.total = Counts::default();
        for line in &self.orgs {
            let new_unit = self
                .units
                .last()
                .is_none_or(|u| u.code != line.unit_code || u.name != line.unit_name);
            if new_unit {
                self.units.push(UnitLine {
                    code: line.unit_code.clone(),
                    name: line.unit_name.clone(),
                    counts: Counts::default(),
                });
            }
            let unit = self.units.last_mut().expect("pushed above");
            unit.counts.add(line, self.as_of);
            self.total.add(line, self.as_of);
        }
        if self.compared {
            for counts in self
                .units
                .iter_mut()
                .map(|u| &mut u.counts)
                .chain([&mut self.total])
            {
                counts.changed.get_or_insert(0);
            }
        }
    }

    /// 单位考评 of the units with plans, on 整改按期完成: of their plans done or due by
    /// `as_of`, the share done by their 时限 (or done, without one); no value for a unit with
    /// none of either.
    pub fn ranking(&self, weights: &crate::rules::config::Evaluation) -> Ranking {
        // Per unit: plans done or due, and of those done in time.
        let mut judged: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
        for o in self.orgs.iter().filter(|o| o.due_or_done(self.as_of)) {
            let (due, on_time) = judged.entry((&o.unit_code, &o.unit_name)).or_default();
            *due += 1;
            *on_time += usize::from(o.done_on_time());
        }
        let units = (self.units.iter())
            .map(|unit| {
                let key = (unit.code.as_str(), unit.name.as_str());
                let (due, on_time) = judged.get(&key).copied().unwrap_or_default();
                (
                    unit.code.clone(),
                    unit.name.clone(),
                    vec![share(on_time, due)],
                )
            })
            .collect();
        Ranking::new(weights, &[Indicator::Rectified], units)
    }

    /// Say per organization what moved since `previous` (完成状态 by unit and organization),
    /// and count the moves.
    pub fn compare(&mut self, previous: &HashMap<(String, String, OrgKey), String>) {
        for line in &mut self.orgs {
            let now = line.status_label();
            let key = (
                line.unit_code.clone(),
                name_key(&line.unit_name),
                line.org.key(),
            );
            line.moved = match previous.get(&key).map(String::as_str) {
                None => "新列入".to_string(),
                Some(before) if before == now => String::new(),
                Some(_) if now == Status::Done.label() => "新销号".to_string(),
                Some(before) => format!("{before}→{now}"),
            };
        }
        self.compared = true;
        self.count();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    /// An organization of a unit without 单位代码, due on `due`, done on `done`.
    fn line(unit: &str, org: &str, due: NaiveDate, done: Option<NaiveDate>) -> OrgLine {
        let reported = Reported {
            status: Some(done.map_or(Status::InProgress, |_| Status::Done)),
            done_on: done,
            ..Reported::default()
        };
        OrgLine {
            unit_code: String::new(),
            unit_name: unit.to_string(),
            org: PlanOrg {
                code: String::new(),
                name: org.to_string(),
                tier: "后进".to_string(),
                reason: String::new(),
                problems: String::new(),
                measures: String::new(),
                deadline: Some(due),
            },
            reported: Some(reported),
            source: String::new(),
            from_unit: Vec::new(),
            moved: String::new(),
        }
    }

    fn tracking(orgs: Vec<OrgLine>) -> Tracking {
        let mut tracking = Tracking {
            as_of: day(9, 15),
            orgs,
            units: Vec::new(),
            total: Counts::default(),
            files: Vec::new(),
            issues: Vec::new(),
            compared: false,
        };
        tracking.count();
        tracking
    }

    /// Two units without 单位代码 are two units, and a plan neither done nor due by the
    /// statistics day is not judged: 甲 1 of 1, 乙 0 of 1, 丙 nothing to judge.
    #[test]
    fn units_without_a_code_are_kept_apart_and_only_done_or_due_plans_are_judged() {
        let tracking = tracking(vec![
            line("甲", "一支部", day(9, 30), Some(day(9, 1))),
            line("甲", "二支部", day(12, 30), None),
            line("乙", "三支部", day(6, 30), Some(day(7, 1))),
            line("乙", "四支部", day(9, 30), None),
            line("丙", "五支部", day(12, 30), None),
        ]);
        let ranking = tracking.ranking(&crate::rules::config::Evaluation::default());
        let value = |name: &str| {
            let unit = ranking.units.iter().find(|u| u.name == name).unwrap();
            unit.values[0]
        };
        assert_eq!(value("甲"), Some(1.0));
        assert_eq!(value("乙"), Some(0.0));
        assert_eq!(value("丙"), None);
    }

    #[test]
    fn compare_keeps_units_without_a_code_apart() {
        let mut tracking = tracking(vec![
            line("甲", "一支部", day(9, 30), Some(day(9, 1))),
            line("乙", "一支部", day(9, 30), Some(day(9, 1))),
        ]);
        let key = OrgKey::of("", "一支部");
        let previous = [((String::new(), "甲".to_string(), key), "推进中".to_string())];
        tracking.compare(&previous.into_iter().collect());
        let moved: Vec<&str> = tracking.orgs.iter().map(|o| o.moved.as_str()).collect();
        assert_eq!(moved, ["新销号", "新列入"]);
        assert_eq!(tracking.units[0].counts.changed, Some(1));
    }
}
