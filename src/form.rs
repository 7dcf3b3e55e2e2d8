//! A returned form, read and normalized: what the later stages work on.

use crate::issue::Issue;
use crate::normalize::Value;
use crate::schema::{self, org, unit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::PathBuf;

/// One data row of a table sheet, normalized, indexed by the schema's column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// 0-based row in the original sheet.
    pub row: u32,
    /// Which sheet the row is on: 0 the table's own, `k` its `k`-th continuation sheet
    /// ([`Form::org_location`], [`Form::coverage_location`]).
    pub table: u32,
    /// One slot per schema column: `None` when empty (or when the column is absent).
    pub values: Vec<Option<Value>>,
    /// Bit `i` set when column `i` held something that could not be normalized.
    pub invalid: u64,
}

impl Record {
    pub fn new(row: u32, columns: usize) -> Record {
        Record {
            row,
            table: 0,
            values: vec![None; columns],
            invalid: 0,
        }
    }
    pub fn get(&self, col: usize) -> Option<&Value> {
        self.values.get(col).and_then(Option::as_ref)
    }
    pub fn is_invalid(&self, col: usize) -> bool {
        self.invalid & (1 << col) != 0
    }
    pub fn mark_invalid(&mut self, col: usize) {
        self.invalid |= 1 << col;
    }
    pub fn text(&self, col: usize) -> Option<&str> {
        self.get(col).and_then(Value::as_text)
    }
    pub fn int(&self, col: usize) -> Option<i64> {
        self.get(col).and_then(Value::as_int)
    }
    pub fn number(&self, col: usize) -> Option<f64> {
        self.get(col).and_then(Value::as_number)
    }
    pub fn bool(&self, col: usize) -> Option<bool> {
        self.get(col).and_then(Value::as_bool)
    }
    pub fn date(&self, col: usize) -> Option<NaiveDate> {
        self.get(col).and_then(Value::as_date)
    }
    pub fn choice(&self, col: usize) -> Option<&'static str> {
        self.get(col).and_then(Value::as_choice)
    }
    /// The organization's name (党组织情况 rows).
    pub fn org_name(&self) -> Option<&str> {
        self.text(org::NAME)
    }
}

/// Why a row under the header was not read as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    /// Nothing but (perhaps) a 序号.
    Blank,
    /// A 合计 / 总计 / 小计 row.
    Total,
    /// A non-empty row of a sheet named like a table whose header could not be found (E012).
    Unread,
    /// A data row of a hidden sheet that looks like a table (E013): not read.
    Hidden,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Blank => "空行",
            SkipReason::Total => "合计行",
            SkipReason::Unread => "表头无法识别的行",
            SkipReason::Hidden => "隐藏工作表中的行",
        }
    }
}

/// A row skipped while reading, kept so every row read is accounted for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedRow {
    pub sheet: String,
    /// 1-based row number in the original sheet.
    pub row: u32,
    pub reason: SkipReason,
}

/// Where a 单位信息 value sat: its sheet and 0-based (row, column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitCell {
    pub sheet: String,
    pub at: (u32, u32),
}

/// Where a table was found in the file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TableLocation {
    /// The sheet's name as found in the file.
    pub sheet: String,
    /// 0-based header row (the lower row of a two-row header).
    pub header_row: u32,
    /// For each schema column, the 0-based sheet column it was found in.
    pub columns: Vec<Option<u32>>,
}

/// A returned form after reading, normalizing and validating.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// Not serialized: whoever reads a form back knows its path.
    #[serde(skip)]
    pub path: PathBuf,
    /// 单位信息 values, indexed like [`schema::UNIT_INFO`].
    pub unit: Vec<Option<Value>>,
    /// Where each 单位信息 value was found, indexed like `unit`.
    pub unit_cells: Vec<Option<UnitCell>>,
    pub template_version: Option<String>,
    pub organizations: Vec<Record>,
    pub org_table: Option<TableLocation>,
    /// Sheets continuing the organization list (a copied `党组织情况 (2)`, a `党组织情况（续）`).
    pub org_continued: Vec<TableLocation>,
    pub coverage: Vec<Record>,
    pub coverage_table: Option<TableLocation>,
    pub coverage_continued: Vec<TableLocation>,
    pub skipped: Vec<SkippedRow>,
    pub issues: Vec<Issue>,
}

impl Form {
    fn unit_value(&self, field: usize) -> Option<&Value> {
        self.unit.get(field).and_then(Option::as_ref)
    }
    pub fn unit_name(&self) -> Option<&str> {
        self.unit_value(unit::NAME).and_then(Value::as_text)
    }
    pub fn unit_code(&self) -> Option<&str> {
        self.unit_value(unit::CODE).and_then(Value::as_text)
    }
    pub fn stage(&self) -> Option<&'static str> {
        self.unit_value(unit::STAGE).and_then(Value::as_choice)
    }
    pub fn filled_on(&self) -> Option<NaiveDate> {
        self.unit_value(unit::FILLED_ON).and_then(Value::as_date)
    }
    pub fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.issues.len() - self.errors()
    }
    /// Where an organization record was read: its table, or one of the continuation sheets.
    pub fn org_location(&self, record: &Record) -> Option<&TableLocation> {
        self.org_sheet(record.table)
    }
    /// The organizations' table (`k` = 0) or its `k`-th continuation sheet.
    pub fn org_sheet(&self, k: u32) -> Option<&TableLocation> {
        location(&self.org_table, &self.org_continued, k)
    }
    pub fn coverage_location(&self, record: &Record) -> Option<&TableLocation> {
        self.coverage_sheet(record.table)
    }
    /// The coverage table (`k` = 0) or its `k`-th continuation sheet.
    pub fn coverage_sheet(&self, k: u32) -> Option<&TableLocation> {
        location(&self.coverage_table, &self.coverage_continued, k)
    }
    /// Every sheet rows were read from: the tables, then their continuation sheets.
    pub fn tables(&self) -> impl Iterator<Item = &TableLocation> {
        self.org_table
            .iter()
            .chain(&self.org_continued)
            .chain(&self.coverage_table)
            .chain(&self.coverage_continued)
    }
    /// Take what was read so far (organizations, coverage rows, skipped rows, issues) out as
    /// one part of a long form ([`crate::read::read_form_in_parts`]), leaving the head to read
    /// on with. Every part has the 单位信息 values and the tables, so it stands as a form of its
    /// own; the first alone has where the values were found and the template version, so that
    /// the issues about those cells are the first part's alone.
    pub fn split_part(&mut self) -> Form {
        // The issues up to the last row read go with the part; those further on in the file
        // (a later sheet's header, say) wait for theirs, so the parts' issues, each part's
        // sorted, follow one another as the whole form's sorted would.
        let reached = self.reached();
        self.sort_issues();
        let order = self.issue_order();
        let cut = (self.issues).partition_point(|i| Some(order(i)) <= reached);
        let later = self.issues.split_off(cut);
        Form {
            path: self.path.clone(),
            unit: self.unit.clone(),
            unit_cells: std::mem::take(&mut self.unit_cells),
            template_version: self.template_version.take(),
            organizations: std::mem::take(&mut self.organizations),
            org_table: self.org_table.clone(),
            org_continued: self.org_continued.clone(),
            coverage: std::mem::take(&mut self.coverage),
            coverage_table: self.coverage_table.clone(),
            coverage_continued: self.coverage_continued.clone(),
            skipped: std::mem::take(&mut self.skipped),
            issues: std::mem::replace(&mut self.issues, later),
        }
    }

    /// Put the next part of the same form ([`Form::split_part`]) back after this one.
    pub fn absorb(&mut self, part: Form) {
        self.organizations.extend(part.organizations);
        self.coverage.extend(part.coverage);
        self.skipped.extend(part.skipped);
        self.issues.extend(part.issues);
        self.org_table = part.org_table;
        self.org_continued = part.org_continued;
        self.coverage_table = part.coverage_table;
        self.coverage_continued = part.coverage_continued;
    }

    /// An empty form for `path`, with one slot per 单位信息 field.
    pub fn empty(path: PathBuf) -> Form {
        Form {
            path,
            unit: vec![None; schema::UNIT_INFO.columns.len()],
            unit_cells: vec![None; schema::UNIT_INFO.columns.len()],
            ..Form::default()
        }
    }
}

/// 来源文件 of a row: the file, and the sheet when the row is on a continuation sheet
/// (`location` is where the row was read: [`Form::org_location`]).
pub fn source_label<'a>(
    file: &'a str,
    record: &Record,
    location: Option<&TableLocation>,
) -> Cow<'a, str> {
    match (record.table, location) {
        (0, _) | (_, None) => Cow::Borrowed(file),
        (_, Some(t)) => Cow::Owned(format!("{file}（“{}”表）", t.sheet)),
    }
}

fn location<'a>(
    table: &'a Option<TableLocation>,
    continued: &'a [TableLocation],
    k: u32,
) -> Option<&'a TableLocation> {
    match k {
        0 => table.as_ref(),
        k => continued.get(k as usize - 1),
    }
}

/// Where an issue is in the file, in the order a clerk reads it ([`Form::issue_order`]):
/// (rank of its sheet, the sheet, row, column).
type Position = ((u8, usize), String, u32, u32);

impl Form {
    /// Order issues as a clerk reads the file: file-level first, then 单位信息, the organizations
    /// and the coverage sheet, each top to bottom, left to right.
    pub fn sort_issues(&mut self) {
        let order = self.issue_order();
        self.issues.sort_by_cached_key(|i| (order(i), i.code));
    }

    /// Where each issue is, for [`Form::sort_issues`]: by its sheet's rank (file-level, other
    /// sheets, the organizations' sheets, the coverage sheets), then its cell.
    fn issue_order(&self) -> impl Fn(&Issue) -> Position {
        let sheets = |table: &Option<TableLocation>, continued: &[TableLocation]| -> Vec<String> {
            table
                .iter()
                .chain(continued)
                .map(|t| t.sheet.clone())
                .collect()
        };
        let org_sheets = sheets(&self.org_table, &self.org_continued);
        let cov_sheets = sheets(&self.coverage_table, &self.coverage_continued);
        move |issue| {
            let sheet = issue.sheet.as_str();
            let at = |sheets: &[String]| sheets.iter().position(|s| s == sheet);
            let rank = if sheet.is_empty() {
                (0, 0)
            } else if let Some(k) = at(&org_sheets) {
                (2, k)
            } else if let Some(k) = at(&cov_sheets) {
                (3, k)
            } else {
                (1, 0)
            };
            let (row, col) = (issue.cell.as_deref())
                .and_then(crate::cellref::parse_a1)
                .unwrap_or((0, 0));
            (rank, issue.sheet.clone(), row, col)
        }
    }

    /// Where the reading has got to: the end of the last row read into a list.
    fn reached(&self) -> Option<Position> {
        let end = |rank: u8, record: &Record, table: Option<&TableLocation>| {
            let sheet = table.map_or(String::new(), |t| t.sheet.clone());
            ((rank, record.table as usize), sheet, record.row, u32::MAX)
        };
        let organization = (self.organizations.last()).map(|r| end(2, r, self.org_location(r)));
        let coverage = (self.coverage.last()).map(|r| end(3, r, self.coverage_location(r)));
        organization.max(coverage)
    }
}
