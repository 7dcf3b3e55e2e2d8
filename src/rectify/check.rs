//! A unit's return against its plan, cell by cell: each row found in the plan (by 党组织编码,
//! else by name; of two rows for one organization the lower counts), its 完成状态 and 完成日期
//! consistent and not in the future, and every planned organization present.

use super::plan::{OrgKey, PlanOrg, PlanUnit};
use super::returned::Return;
use super::Status;
use crate::form::Record;
use crate::issue::{Code, Issue};
use crate::schema::{rect, rect_info, RECTIFY, RECTIFY_INFO};
use crate::upgrade::matching::name_key;
use chrono::{Datelike, NaiveDate};

/// What a unit reported for one planned organization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reported {
    /// `None` when the row has no valid 完成状态.
    pub status: Option<Status>,
    pub done_on: Option<NaiveDate>,
    pub progress: String,
    pub responsible: String,
    pub leader: String,
    pub evidence: String,
    /// The plan as the return has it (used where the ledger has none: [`rect::UNIT_PLAN`]).
    pub problems: String,
    pub measures: String,
    pub deadline: Option<NaiveDate>,
}

/// The return checked: per planned organization (in plan order) what was reported, if its
/// row was found, and the issues found.
pub struct Checked {
    pub reported: Vec<Option<Reported>>,
    pub issues: Vec<Issue>,
}

/// Check `back` against `unit`'s plan as of `as_of`.
pub fn check_return(back: &Return, unit: &PlanUnit, as_of: NaiveDate) -> Checked {
    let mut checked = Checked {
        reported: vec![None; unit.organizations.len()],
        issues: back.issues.clone(),
    };
    checked.issues.extend(undated(back, as_of));
    let found: Vec<Option<usize>> = back.rows.iter().map(|r| find(unit, r)).collect();
    // The same organization on two rows: the lower one counts (a clerk adds an update below).
    let mut counting: Vec<Option<&Record>> = vec![None; unit.organizations.len()];
    for (record, at) in back.rows.iter().zip(&found) {
        if let Some(at) = at {
            counting[*at] = Some(record);
        }
    }
    for (record, at) in back.rows.iter().zip(found) {
        let Some(at) = at else {
            checked.issues.push(not_in_plan(back, record, unit));
            continue;
        };
        let counted = counting[at].expect("set above");
        if counted.row != record.row {
            checked.issues.push(twice(back, record, counted));
            continue;
        }
        check_dates(back, record, as_of, &mut checked.issues);
        checked
            .issues
            .extend(plan_left_open(back, record, &unit.organizations[at]));
        checked.reported[at] = Some(reported(record));
    }
    for (planned, found) in unit.organizations.iter().zip(&checked.reported) {
        if found.is_none() {
            checked.issues.push(missing_row(back, planned, unit));
        }
    }
    checked
}

/// The planned organization a row is: by code when the row has one, else by name; a plan
/// without a code is found by name.
fn find(unit: &PlanUnit, record: &Record) -> Option<usize> {
    let text = |i| record.text(i).unwrap_or_default();
    let (code, name) = (text(rect::CODE), name_key(text(rect::NAME)));
    let row_key = OrgKey::of(code, text(rect::NAME));
    (unit.organizations.iter()).position(|p| {
        p.key() == row_key || ((p.code.is_empty() || code.is_empty()) && name_key(&p.name) == name)
    })
}

fn reported(record: &Record) -> Reported {
    let text = |i| record.text(i).unwrap_or_default().to_string();
    Reported {
        status: record.choice(rect::STATUS).and_then(Status::parse),
        done_on: record.date(rect::DONE_ON),
        progress: text(rect::PROGRESS),
        responsible: text(rect::RESPONSIBLE),
        leader: text(rect::LEADER),
        evidence: text(rect::EVIDENCE),
        problems: text(rect::PROBLEMS),
        measures: text(rect::MEASURES),
        deadline: record.date(rect::DEADLINE),
    }
}

/// 完成状态 given, 已完成 dated, a date not after `as_of` nor in an earlier year.
fn check_dates(back: &Return, record: &Record, as_of: NaiveDate, out: &mut Vec<Issue>) {
    let status = record.choice(rect::STATUS).and_then(Status::parse);
    let done_on = record.date(rect::DONE_ON);
    let issue = |code, i: usize, message: String| {
        let cell = back.cell(record.row, i)?;
        let value = record.get(i).map(|v| v.to_string());
        Some(Issue::cell(
            code,
            &back.sheet,
            cell,
            RECTIFY.columns[i].key,
            value,
            message,
        ))
    };
    let name = record.text(rect::NAME).unwrap_or_default();
    let found = match (status, done_on) {
        (None, _) if !record.is_invalid(rect::STATUS) => issue(
            Code::MissingValue,
            rect::STATUS,
            format!("“{name}”的完成状态未填写，应从下拉列表选择：未启动、推进中、已完成"),
        ),
        (Some(Status::Done), None) if !record.is_invalid(rect::DONE_ON) => issue(
            Code::DoneWithoutDate,
            rect::DONE_ON,
            format!("“{name}”的完成状态为“已完成”，完成日期未填写，应填写销号的日期，如 {}", as_of),
        ),
        (Some(status), Some(_)) if status != Status::Done => issue(
            Code::DateWithoutDone,
            rect::DONE_ON,
            format!("“{name}”填写了完成日期，完成状态却是“{}”；已完成的请把完成状态改为“已完成”，未完成的请删除完成日期", status.label()),
        ),
        _ => None,
    };
    out.extend(found);
    let Some(done_on) = done_on else { return };
    let dated = if done_on > as_of {
        issue(
            Code::DoneInFuture,
            rect::DONE_ON,
            format!("“{name}”的完成日期 {done_on} 晚于统计日期 {as_of}，请核实年份和月份"),
        )
    } else if done_on.year() < as_of.year() {
        issue(
            Code::DoneLastYear,
            rect::DONE_ON,
            format!(
                "“{name}”的完成日期 {done_on} 在 {} 年之前，整改在本年度进行，请核实年份",
                as_of.year()
            ),
        )
    } else {
        None
    };
    out.extend(dated);
}

/// E506 on the row's 党组织编码 (its name when it has none).
fn not_in_plan(back: &Return, record: &Record, unit: &PlanUnit) -> Issue {
    let text = |i| record.text(i).unwrap_or_default();
    let (code, name) = (text(rect::CODE), text(rect::NAME));
    let what = match code {
        "" => format!("党组织“{name}”"),
        code => format!("党组织编码“{code}”（{name}）"),
    };
    let (i, cell) = identity(back, record);
    let value = record.get(i).map(|v| v.to_string());
    Issue::cell(
        Code::OrgNotInPlan,
        &back.sheet,
        cell,
        RECTIFY.columns[i].key,
        value,
        format!(
            "{what}不是台账中{}需整改的党组织，该行未计入；请用下发的整改进展表填报，不要增加或改动预填的行",
            unit.name
        ),
    )
}

/// W510 on 填报日期 (on the sheet when the label is not found) when it is blank: nothing
/// then says whether this return is newer than another of its unit. A date that could not be
/// read has its own issue already.
fn undated(back: &Return, as_of: NaiveDate) -> Option<Issue> {
    let column = &RECTIFY_INFO.columns[rect_info::FILLED_ON];
    let unreadable = back.issues.iter().any(|i| i.field == Some(column.key));
    if back.info[rect_info::FILLED_ON].is_some() || unreadable {
        return None;
    }
    let message = format!(
        "未填写填报日期：本单位报送多份整改进展表时，无法据此判断哪份最新（填了填报日期的优先，都未填的以修改时间最新的文件为准）；请填写报送当天的日期，如 {as_of}"
    );
    Some(match back.info_cells[rect_info::FILLED_ON] {
        Some(cell) => Issue::cell(
            Code::NoFilledOn,
            &back.sheet,
            cell,
            column.key,
            None,
            message,
        ),
        None => Issue::sheet(Code::NoFilledOn, &back.sheet, message),
    })
}

/// The cell naming a row's organization: its 党组织编码, else its name.
fn identity(back: &Return, record: &Record) -> (usize, (u32, u32)) {
    let i = match record.text(rect::CODE).unwrap_or_default() {
        "" => rect::NAME,
        _ => rect::CODE,
    };
    (i, back.cell(record.row, i).unwrap_or((record.row, 0)))
}

/// W509 on the identity cell of a row that does not count: its organization has a row lower
/// down, which does.
fn twice(back: &Return, record: &Record, counted: &Record) -> Issue {
    let (i, cell) = identity(back, record);
    let name = record.text(rect::NAME).unwrap_or_default();
    let (this, that) = (record.row + 1, counted.row + 1);
    Issue::cell(
        Code::OrgTwice,
        &back.sheet,
        cell,
        RECTIFY.columns[i].key,
        record.get(i).map(|v| v.to_string()),
        format!(
            "“{name}”填了两行（第 {this} 行和第 {that} 行），以下面的第 {that} 行为准，第 {this} 行未计入；请删除多余的一行，只保留最新的进展"
        ),
    )
}

/// W511: the ledger had no plan for the organization (a 后进 the department decided) and the
/// return leaves it unwritten: without a 整改时限 it can never be judged overdue.
fn plan_left_open(back: &Return, record: &Record, planned: &PlanOrg) -> Option<Issue> {
    let in_ledger = [
        !planned.problems.is_empty(),
        !planned.measures.is_empty(),
        planned.deadline.is_some(),
    ];
    let open: Vec<usize> = (rect::UNIT_PLAN.into_iter().zip(in_ledger))
        .filter(|&(i, given)| !given && record.get(i).is_none() && !record.is_invalid(i))
        .map(|(i, _)| i)
        .collect();
    let first = *open.first()?;
    let names: Vec<&str> = open.iter().map(|&i| RECTIFY.columns[i].header).collect();
    let cell = back.cell(record.row, first)?;
    Some(Issue::cell(
        Code::PlanLeftOpen,
        &back.sheet,
        cell,
        RECTIFY.columns[first].key,
        None,
        format!(
            "“{}”的整改计划台账中没有，由本单位填写，但{}仍未填写；没有整改时限就无法判断是否按期完成",
            planned.name,
            names.join("、")
        ),
    ))
}

/// E507 on the sheet: a planned organization with no row.
fn missing_row(back: &Return, planned: &PlanOrg, unit: &PlanUnit) -> Issue {
    let code = match planned.code.as_str() {
        "" => String::new(),
        code => format!("（编码 {code}）"),
    };
    Issue::sheet(
        Code::PlanRowMissing,
        &back.sheet,
        format!(
            "台账中{}需整改的“{}”{code}在“{}”表中找不到，该党组织按未报送进展统计；请补填该行后重新报送",
            unit.name, planned.name, back.sheet
        ),
    )
}
