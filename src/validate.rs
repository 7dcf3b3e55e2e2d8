//! Field, row and file rules → issues (FORM.md's "rule" column), driven by the schema's `Need`.
//!
//! Normalization problems are reported while reading; this stage adds what needs more than one
//! cell: required and conditionally required values, duplicates, dates against 填报日期, and
//! the consistency of the 两新 coverage rows.

use crate::form::{Form, Record, TableLocation};
use crate::issue::{Code, Issue};
use crate::normalize::{uscc_check_ok, Value};
use crate::schema::{cov, org, Column, Need, SheetSchema, COVERAGE, ORGANIZATIONS};
use std::collections::HashMap;

/// Add the cross-cell findings of one form to `form.issues`.
pub fn validate(form: &mut Form) {
    let mut issues = Vec::new();
    if let Some(table) = &form.org_table {
        for record in &form.organizations {
            let Some(table) = form.org_location(record) else {
                continue;
            };
            required_values(record, table, &ORGANIZATIONS, &mut issues);
            deadline_after_filing(record, table, form, &mut issues);
        }
        duplicates(form, org::NAME, Code::DuplicateName, &mut issues);
        duplicates(form, org::CODE, Code::DuplicateCode, &mut issues);
        if form.organizations.is_empty() {
            issues.push(Issue::sheet(
                Code::NoData,
                &table.sheet,
                format!(
                    "“{}”表中没有填写任何党组织，请每个基层党组织填写一行",
                    table.sheet
                ),
            ));
        }
    }
    for record in &form.coverage {
        if let Some(table) = form.coverage_location(record) {
            required_values(record, table, &COVERAGE, &mut issues);
            coverage_consistency(record, table, &mut issues);
        }
    }
    form.issues.extend(issues);
}

fn at(record: &Record, table: &TableLocation, col: usize) -> Option<(u32, u32)> {
    table.columns[col].map(|c| (record.row, c))
}

/// Whether a column's condition for being required holds in this row.
fn is_required(column: &Column, record: &Record, schema: &SheetSchema) -> bool {
    match column.need {
        Need::Required => true,
        Need::Optional | Need::ZeroIfEmpty | Need::EmptyMeans(_) => false,
        Need::WhenFilled(key) => record.get(schema.index_of(key)).is_some(),
        Need::WhenEquals(key, choice) => record.choice(schema.index_of(key)) == Some(choice),
    }
}

fn required_values(
    record: &Record,
    table: &TableLocation,
    schema: &SheetSchema,
    out: &mut Vec<Issue>,
) {
    for (i, column) in schema.columns.iter().enumerate() {
        if record.get(i).is_some() || record.is_invalid(i) || !is_required(column, record, schema) {
            continue;
        }
        let Some(cell) = at(record, table, i) else {
            continue; // the whole column is missing: reported once as E007
        };
        let (code, message) = match column.need {
            Need::WhenFilled(key) => (
                Code::SecretaryPhoneMissing,
                format!(
                    "{}已填写，{}不能为空（{}）",
                    schema.column(key).header,
                    column.header,
                    column.hint
                ),
            ),
            Need::WhenEquals(key, choice) => (
                Code::LaggardPlanMissing,
                format!(
                    "{}为“{choice}”，必须填写{}",
                    schema.column(key).header,
                    column.header
                ),
            ),
            _ => (
                Code::MissingValue,
                format!("{}未填写（{}）", column.header, column.hint),
            ),
        };
        out.push(Issue::cell(
            code,
            &table.sheet,
            cell,
            column.key,
            None,
            message,
        ));
    }
}

fn deadline_after_filing(
    record: &Record,
    table: &TableLocation,
    form: &Form,
    out: &mut Vec<Issue>,
) {
    let (Some(deadline), Some(filed)) = (record.date(org::DEADLINE), form.filled_on()) else {
        return;
    };
    if deadline < filed {
        if let Some(cell) = at(record, table, org::DEADLINE) {
            out.push(Issue::cell(
                Code::DeadlineBeforeFiled,
                &table.sheet,
                cell,
                ORGANIZATIONS.columns[org::DEADLINE].key,
                Some(deadline.format("%Y-%m-%d").to_string()),
                format!(
                    "整改时限 {} 早于填报日期 {}，应填写不早于填报日期的日期",
                    deadline.format("%Y-%m-%d"),
                    filed.format("%Y-%m-%d")
                ),
            ));
        }
    }
}

/// The key by which two rows name the same thing: text without inner spaces.
pub fn identity_key(value: &Value) -> String {
    value
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Rows naming the same organization, on the list's sheet or across its continuation sheets.
fn duplicates(form: &Form, col: usize, code: Code, out: &mut Vec<Issue>) {
    let mut first_seen: HashMap<String, (&str, u32)> = HashMap::new();
    let column = &ORGANIZATIONS.columns[col];
    for record in &form.organizations {
        let (Some(value), Some(table)) = (record.get(col), form.org_location(record)) else {
            continue;
        };
        let key = identity_key(value);
        match first_seen.get(&key) {
            Some(&(first_sheet, first_row)) => {
                let place = match first_sheet == table.sheet {
                    true => format!("第 {} 行", first_row + 1),
                    false => format!("“{first_sheet}”表第 {} 行", first_row + 1),
                };
                if let Some(cell) = at(record, table, col) {
                    out.push(Issue::cell(
                        code,
                        &table.sheet,
                        cell,
                        column.key,
                        Some(value.to_string()),
                        format!(
                            "{}“{value}”与{place}重复，同一{}在表中只能填写一行",
                            column.header, column.header
                        ),
                    ));
                }
            }
            None => {
                first_seen.insert(key, (&table.sheet, record.row));
            }
        }
    }
}

fn coverage_consistency(record: &Record, table: &TableLocation, out: &mut Vec<Issue>) {
    let mode = record.choice(cov::COVERAGE);
    let organized = matches!(mode, Some("单独组建" | "联合组建"));
    let column = &COVERAGE.columns[cov::COVERAGE];
    let mut push = |code, col: usize, message: String| {
        if let Some(cell) = at(record, table, col) {
            let value = record.get(col).map(ToString::to_string);
            out.push(Issue::cell(
                code,
                &table.sheet,
                cell,
                COVERAGE.columns[col].key,
                value,
                message,
            ));
        }
    };
    match (record.bool(cov::HAS_PARTY_ORG), mode) {
        (Some(true), Some(m)) if !organized => push(
            Code::CoverageMismatch,
            cov::COVERAGE,
            format!(
                "是否建立党组织为“是”，{}却为“{m}”，应为单独组建或联合组建",
                column.header
            ),
        ),
        (Some(false), Some(m)) if organized => push(
            Code::CoverageMismatch,
            cov::COVERAGE,
            format!(
                "是否建立党组织为“否”，{}却为“{m}”，应为派驻党建指导员或未覆盖",
                column.header
            ),
        ),
        _ => {}
    }
    if let (Some("单独组建"), Some(members)) = (mode, record.int(cov::MEMBERS)) {
        if members < 3 {
            push(
                Code::SoloTooFewMembers,
                cov::MEMBERS,
                format!("覆盖方式为单独组建，党员人数只有 {members} 人；单独组建党组织需要正式党员 3 人以上，否则应联合组建"),
            );
        }
    }
    if let Some(code) = record.text(cov::USCC) {
        if !uscc_check_ok(code) {
            push(
                Code::UsccCheckDigit,
                cov::USCC,
                "统一社会信用代码第 18 位校验码与 GB 32100-2015 计算结果不符，请核对是否抄错（部分早期代码确实如此）".to_string(),
            );
        }
    }
}
