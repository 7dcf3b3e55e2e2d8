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

/// Add the cross-cell findings of one form to `form.issues`: [`Validator`] over every record
/// of a form read whole.
pub fn validate(form: &mut Form) {
    let mut validator = Validator::default();
    let mut issues = Vec::new();
    for record in &form.organizations {
        validator.organization(record, form, &mut issues);
    }
    for record in &form.coverage {
        validator.coverage(record, form, &mut issues);
    }
    form.issues.extend(issues);
    validator.finish(form);
}

/// The checks of one form, record by record as it is read, so that a long list need not be
/// held whole ([`crate::read::read_form_in_parts`]): what a record needs of the others is
/// where its name and code were first seen.
#[derive(Default)]
pub struct Validator {
    names: FirstSeen,
    codes: FirstSeen,
    organizations: usize,
}

impl Validator {
    /// The checks of one 党组织情况 row of `form` (its 单位信息 and tables read), into `out`.
    pub fn organization(&mut self, record: &Record, form: &Form, out: &mut Vec<Issue>) {
        self.organizations += 1;
        let Some(table) = form.org_location(record) else {
            return;
        };
        required_values(record, table, &ORGANIZATIONS, out);
        deadline_after_filing(record, table, form, out);
        let at = (form, table);
        self.names
            .check(record, at, org::NAME, Code::DuplicateName, out);
        self.codes
            .check(record, at, org::CODE, Code::DuplicateCode, out);
    }

    /// The checks of one 两新组织覆盖 row of `form`, into `out`.
    pub fn coverage(&mut self, record: &Record, form: &Form, out: &mut Vec<Issue>) {
        if let Some(table) = form.coverage_location(record) {
            required_values(record, table, &COVERAGE, out);
            coverage_consistency(record, table, out);
        }
    }

    /// Every record seen: what is wrong with the lists as a whole.
    pub fn finish(self, form: &mut Form) {
        if let (Some(table), 0) = (&form.org_table, self.organizations) {
            form.issues.push(Issue::sheet(
                Code::NoData,
                &table.sheet,
                format!(
                    "“{}”表中没有填写任何党组织，请每个基层党组织填写一行",
                    table.sheet
                ),
            ));
        }
    }
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

/// Where each value of one column was first seen (its [`Record::table`] and row), by a
/// 64-bit hash of its [`identity_key`]: a few bytes an organization, whatever the names'
/// length. Two keys alike by chance: about one in 10^9 for a 150,000-row list.
#[derive(Default)]
struct FirstSeen(HashMap<u64, (u32, u32)>);

impl FirstSeen {
    /// A row naming the same organization as an earlier one, on the list's sheet or across
    /// its continuation sheets.
    fn check(
        &mut self,
        record: &Record,
        (form, table): (&Form, &TableLocation),
        col: usize,
        code: Code,
        out: &mut Vec<Issue>,
    ) {
        let Some(value) = record.get(col) else {
            return;
        };
        let key = blake3::hash(identity_key(value).as_bytes());
        let key = u64::from_le_bytes(key.as_bytes()[..8].try_into().expect("8 bytes"));
        let Some(&(first_table, first_row)) = self.0.get(&key) else {
            self.0.insert(key, (record.table, record.row));
            return;
        };
        let column = &ORGANIZATIONS.columns[col];
        let place = match first_table == record.table {
            true => format!("第 {} 行", first_row + 1),
            false => {
                let sheet = form.org_sheet(first_table).map_or("", |t| t.sheet.as_str());
                format!("“{sheet}”表第 {} 行", first_row + 1)
            }
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
