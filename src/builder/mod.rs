//! Writes returned forms in code, with the layout variations of FORM.md (tests, samples, benches).
//!
//! A [`FormBuilder`] starts from a clean, valid return in the issued template's layout; each
//! method changes one thing a township might do to it (a value typed as text, a column moved, a
//! header spelled differently, a title row added). The builder also answers where it put
//! things ([`FormBuilder::org_cell`]), so a test asserts on the real A1 cell instead of
//! hard-coding it.
//!
//! ```no_run
//! use taizhang::builder::{Cell, FormBuilder};
//! # fn main() -> Result<(), rust_xlsxwriter::XlsxError> {
//! let form = FormBuilder::new()
//!     .unit("白马镇")
//!     .code("511101001")
//!     .org(|o| o.name("白马镇白马村党支部").members(12).secretary("王强"))
//!     .org(|o| o.name("白马镇机关党支部").set("full_members", Cell::text("若干")))
//!     .coverage(|c| c.name("青山县白马建材有限公司"));
//! form.write("白马镇.xlsx")?;
//! assert_eq!(form.org_cell(1, "full_members"), "F5");
//! # Ok(())
//! # }
//! ```

use crate::cellref::a1;
use crate::layout::{self, HeaderText};
use crate::normalize::format_number;
use crate::schema::{self, cov, org, unit, Kind, SheetSchema, COVERAGE, ORGANIZATIONS, UNIT_INFO};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod cell;
mod plan;
mod rng;
mod rows;
mod write;

pub use crate::normalize::uscc_check_char;
pub use cell::Cell;
use plan::{Extra, Further, Layout, Slot, TablePlan};
pub use plan::{Sheet, UnitValues};
pub use rng::Rng;
pub use rows::{sample_uscc, with_wrong_check, CoverageRow, OrgRow};

/// Builds one returned form. Cheap to clone; [`FormBuilder::write`] borrows it, so the
/// position helpers can be asked afterwards.
#[derive(Debug, Clone)]
pub struct FormBuilder {
    unit: Vec<Cell>,
    orgs: Vec<OrgRow>,
    coverage: Vec<CoverageRow>,
    layout: Layout,
}

impl Default for FormBuilder {
    fn default() -> FormBuilder {
        FormBuilder::new()
    }
}

impl FormBuilder {
    /// A 摸底 return of 白马镇 (511101001) with no rows yet.
    pub fn new() -> FormBuilder {
        let mut unit = vec![Cell::Empty; UNIT_INFO.columns.len()];
        unit[unit::NAME] = "白马镇".into();
        unit[unit::CODE] = "511101001".into();
        unit[unit::STAGE] = "摸底".into();
        unit[unit::FILLER] = "张丽".into();
        unit[unit::PHONE] = "0831-1234567".into();
        unit[unit::FILLED_ON] = Cell::date(2026, 4, 10);
        FormBuilder {
            unit,
            orgs: Vec::new(),
            coverage: Vec::new(),
            layout: Layout::default(),
        }
    }

    // --- 单位信息 ---------------------------------------------------------------------------

    pub fn unit(self, name: impl Into<Cell>) -> Self {
        self.unit_field("unit_name", name)
    }
    pub fn code(self, code: impl Into<Cell>) -> Self {
        self.unit_field("unit_code", code)
    }
    pub fn stage(self, stage: impl Into<Cell>) -> Self {
        self.unit_field("stage", stage)
    }
    pub fn filler(self, filler: impl Into<Cell>) -> Self {
        self.unit_field("filler", filler)
    }
    pub fn phone(self, phone: impl Into<Cell>) -> Self {
        self.unit_field("phone", phone)
    }
    /// 填报日期; `"2026-04-10"` writes text, `Cell::date(2026, 4, 10)` a date cell.
    pub fn filled_on(self, date: impl Into<Cell>) -> Self {
        self.unit_field("filled_on", date)
    }
    /// Any 单位信息 value by schema key.
    pub fn unit_field(mut self, key: &str, value: impl Into<Cell>) -> Self {
        self.unit[UNIT_INFO.index_of(key)] = value.into();
        self
    }

    // --- rows --------------------------------------------------------------------------------

    /// Adds an organization, starting from [`OrgRow::clean`] named after the unit.
    pub fn org(mut self, edit: impl FnOnce(OrgRow) -> OrgRow) -> Self {
        let n = self.orgs.len() + 1;
        let name = format!("{}第{n}党支部", self.unit[unit::NAME].display());
        self.orgs.push(edit(OrgRow::clean(n).name(name)));
        self
    }

    /// Adds `count` clean organizations.
    pub fn orgs(mut self, count: usize) -> Self {
        for _ in 0..count {
            self = self.org(|o| o);
        }
        self
    }

    /// Adds an organization row as it is.
    pub fn org_row(mut self, row: OrgRow) -> Self {
        self.orgs.push(row);
        self
    }

    /// Adds a 两新组织 row, starting from [`CoverageRow::clean`].
    pub fn coverage(mut self, edit: impl FnOnce(CoverageRow) -> CoverageRow) -> Self {
        let n = self.coverage.len() + 1;
        self.coverage.push(edit(CoverageRow::clean(n)));
        self
    }

    pub fn coverage_row(mut self, row: CoverageRow) -> Self {
        self.coverage.push(row);
        self
    }

    /// Changes organization `index` (0-based) in place.
    pub fn edit_org(mut self, index: usize, edit: impl FnOnce(OrgRow) -> OrgRow) -> Self {
        let row = std::mem::replace(&mut self.orgs[index], OrgRow { cells: Vec::new() });
        self.orgs[index] = edit(row);
        self
    }

    pub fn edit_coverage(
        mut self,
        index: usize,
        edit: impl FnOnce(CoverageRow) -> CoverageRow,
    ) -> Self {
        let row = std::mem::replace(&mut self.coverage[index], CoverageRow { cells: Vec::new() });
        self.coverage[index] = edit(row);
        self
    }

    pub fn org_rows(&self) -> &[OrgRow] {
        &self.orgs
    }
    pub fn coverage_rows(&self) -> &[CoverageRow] {
        &self.coverage
    }
    pub fn unit_value(&self, key: &str) -> &Cell {
        &self.unit[UNIT_INFO.index_of(key)]
    }

    // --- layout variations -------------------------------------------------------------------

    /// Title rows above the 党组织情况 header (default 1; 0 puts the header in row 1).
    pub fn title_rows(mut self, rows: u32) -> Self {
        self.layout.title_rows = rows;
        self
    }
    /// Title rows above the 两新组织覆盖 header (default 1).
    pub fn coverage_title_rows(mut self, rows: u32) -> Self {
        self.layout.coverage_title_rows = rows;
        self
    }
    /// One header row: no merged 三会一课 group row above the meeting columns.
    pub fn one_row_header(mut self) -> Self {
        self.layout.group_row = false;
        self
    }
    /// The 党组织情况 columns, in this order, by key; keys left out are omitted.
    pub fn org_columns(mut self, keys: &[&str]) -> Self {
        self.layout.org_slots = keys
            .iter()
            .map(|k| Slot::Key(ORGANIZATIONS.index_of(k)))
            .collect();
        self
    }
    /// The 两新组织覆盖 columns, in this order, by key; keys left out are omitted.
    pub fn coverage_columns(mut self, keys: &[&str]) -> Self {
        self.layout.cov_slots = keys
            .iter()
            .map(|k| Slot::Key(COVERAGE.index_of(k)))
            .collect();
        self
    }
    /// Leaves out a column of 党组织情况 or 两新组织覆盖 (by key).
    pub fn omit(mut self, key: &str) -> Self {
        let (slots, schema) = self.slots_for_key(key);
        let i = schema.index_of(key);
        slots.retain(|s| *s != Slot::Key(i));
        self
    }
    /// Spells the header (or 单位信息 label) of a column differently: "正式\n党员数".
    pub fn header(mut self, key: &str, text: impl Into<String>) -> Self {
        let column = [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE]
            .into_iter()
            .flat_map(|s| s.columns.iter())
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("no column with key {key}"));
        self.layout.headers.insert(column.key, text.into());
        self
    }
    /// Adds a column the form does not have, right after the column `after` (a key), or at
    /// the end when `after` is `None`. `values` are per data row; missing ones are empty.
    pub fn extra_column(
        mut self,
        sheet: Sheet,
        after: Option<&str>,
        header: impl Into<String>,
        values: Vec<Cell>,
    ) -> Self {
        let extra = Extra {
            header: header.into(),
            values,
        };
        let (slots, extras, schema) = match sheet {
            Sheet::Org => (
                &mut self.layout.org_slots,
                &mut self.layout.org_extras,
                &ORGANIZATIONS,
            ),
            Sheet::Coverage => (
                &mut self.layout.cov_slots,
                &mut self.layout.cov_extras,
                &COVERAGE,
            ),
            other => panic!("extra columns go on a table sheet, not {other:?}"),
        };
        extras.push(extra);
        let slot = Slot::Extra(extras.len() - 1);
        let at = after
            .and_then(|k| {
                slots
                    .iter()
                    .position(|s| *s == Slot::Key(schema.index_of(k)))
            })
            .map_or(slots.len(), |p| p + 1);
        slots.insert(at, slot);
        self
    }
    /// `count` blank rows after organization `index` (0-based).
    pub fn blank_rows_after(mut self, index: usize, count: u32) -> Self {
        *self.layout.blank_after.entry(index).or_default() += count;
        self
    }
    /// A trailing total row ("合计", "总计", "小计") summing the numeric columns.
    pub fn total_row(mut self, label: impl Into<String>) -> Self {
        self.layout.total = Some(label.into());
        self
    }
    /// `count` pre-numbered rows after the data with nothing but a 序号.
    pub fn numbered_empty_rows(mut self, count: u32) -> Self {
        self.layout.numbered_empty = count;
        self
    }
    /// Renames a sheet ("Sheet1").
    pub fn sheet_name(mut self, sheet: Sheet, name: impl Into<String>) -> Self {
        self.layout.names.insert(sheet, name.into());
        self
    }
    /// Continues the organization list on a further sheet named `name` (Excel's copied
    /// `党组织情况 (2)`, a clerk's `党组织情况（续）`): `rest`'s organizations in `rest`'s layout,
    /// so `rest.org_cell(i, key)` is where its row `i` lands on that sheet.
    pub fn continued_orgs(mut self, name: impl Into<String>, rest: FormBuilder) -> Self {
        self.layout.further.push(Further::Orgs(name.into(), rest));
        self
    }
    /// Continues the 两新组织覆盖 list on a further sheet, like [`FormBuilder::continued_orgs`].
    pub fn continued_coverage(mut self, name: impl Into<String>, rest: FormBuilder) -> Self {
        self.layout
            .further
            .push(Further::Coverage(name.into(), rest));
        self
    }
    /// A further sheet holding `rows` from A1 down, as typed (a list without the form's header).
    pub fn raw_sheet(mut self, name: impl Into<String>, rows: Vec<Vec<Cell>>) -> Self {
        self.layout.further.push(Further::Raw(name.into(), rows));
        self
    }
    /// Hides the sheet named `name` (a further sheet, as Excel's 隐藏 does).
    pub fn hide_sheet(mut self, name: impl Into<String>) -> Self {
        self.layout.hidden.push(name.into());
        self
    }
    /// Ends every 单位信息 label with this ("：" or ":").
    pub fn label_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.layout.label_suffix = suffix.into();
        self
    }
    pub fn unit_values(mut self, placement: UnitValues) -> Self {
        self.layout.unit_values = placement;
        self
    }
    /// Leaves out the "填报单位信息" title row of 单位信息 (labels start in A1).
    pub fn no_unit_title(mut self) -> Self {
        self.layout.unit_title = false;
        self
    }
    /// Leaves out the hidden `_meta` sheet and the version property (a file re-typed by hand).
    pub fn no_meta(mut self) -> Self {
        self.layout.meta = false;
        self
    }
    pub fn no_example(mut self) -> Self {
        self.layout.example = false;
        self
    }
    pub fn no_instructions(mut self) -> Self {
        self.layout.instructions = false;
        self
    }
    /// Forces rust_xlsxwriter's constant-memory mode on or off (default: on for big sheets).
    pub fn constant_memory(mut self, on: bool) -> Self {
        self.layout.constant_memory = Some(on);
        self
    }

    fn slots_for_key(&mut self, key: &str) -> (&mut Vec<Slot>, &'static SheetSchema) {
        if ORGANIZATIONS.columns.iter().any(|c| c.key == key) {
            (&mut self.layout.org_slots, &ORGANIZATIONS)
        } else if COVERAGE.columns.iter().any(|c| c.key == key) {
            (&mut self.layout.cov_slots, &COVERAGE)
        } else {
            panic!("no table column with key {key}")
        }
    }

    // --- where things land --------------------------------------------------------------------

    /// The sheet's name in the written file.
    pub fn sheet_name_of(&self, sheet: Sheet) -> &str {
        self.layout
            .names
            .get(&sheet)
            .map_or(sheet.default_name(), String::as_str)
    }

    /// A1 cell of organization `index`'s (0-based) column `key`; panics when the column is
    /// omitted.
    pub fn org_cell(&self, index: usize, key: &str) -> String {
        let plan = self.org_plan();
        a1(plan.rows[index], self.org_col(key))
    }

    /// A1 cell of 两新组织 row `index`'s (0-based) column `key`.
    pub fn coverage_cell(&self, index: usize, key: &str) -> String {
        let plan = self.cov_plan();
        a1(plan.rows[index], self.cov_col(key))
    }

    /// 1-based sheet row of organization `index` (0-based).
    pub fn org_row_number(&self, index: usize) -> u32 {
        self.org_plan().rows[index] + 1
    }

    /// 1-based sheet row of 两新组织 row `index` (0-based).
    pub fn coverage_row_number(&self, index: usize) -> u32 {
        self.cov_plan().rows[index] + 1
    }

    /// 1-based row of the (lower) header row of 党组织情况.
    pub fn org_header_row(&self) -> u32 {
        self.org_plan().header_bottom() + 1
    }

    /// 1-based row of the total row, if any.
    pub fn total_row_number(&self) -> Option<u32> {
        self.org_plan().total.map(|r| r + 1)
    }

    /// A1 cell of the header of a column (a key, or an extra column's header text) on a table
    /// sheet: where its text is, so the upper cell of a header merged over two rows.
    pub fn header_cell(&self, sheet: Sheet, column: &str) -> String {
        let (plan, slots, extras, schema) = self.table(sheet);
        let col = slots
            .iter()
            .position(|s| match s {
                Slot::Key(i) => schema.columns[*i].key == column,
                Slot::Extra(e) => extras[*e].header == column,
            })
            .unwrap_or_else(|| panic!("no column {column} on {sheet:?}"));
        let row = if self.in_group(slots, col) {
            plan.header_bottom()
        } else {
            plan.header_top
        };
        a1(row, col as u32)
    }

    /// A1 cell holding the value of a 单位信息 field (for [`UnitValues::InLabel`], the label's).
    pub fn unit_cell(&self, key: &str) -> String {
        let (row, col) = self.unit_value_pos(UNIT_INFO.index_of(key));
        a1(row, col as u32)
    }

    fn org_col(&self, key: &str) -> u32 {
        let i = ORGANIZATIONS.index_of(key);
        let pos = self
            .layout
            .org_slots
            .iter()
            .position(|s| *s == Slot::Key(i));
        pos.unwrap_or_else(|| panic!("column {key} is omitted")) as u32
    }

    fn cov_col(&self, key: &str) -> u32 {
        let i = COVERAGE.index_of(key);
        let pos = self
            .layout
            .cov_slots
            .iter()
            .position(|s| *s == Slot::Key(i));
        pos.unwrap_or_else(|| panic!("column {key} is omitted")) as u32
    }

    fn table(&self, sheet: Sheet) -> (TablePlan, &[Slot], &[Extra], &'static SheetSchema) {
        match sheet {
            Sheet::Org => (
                self.org_plan(),
                &self.layout.org_slots,
                &self.layout.org_extras,
                &ORGANIZATIONS,
            ),
            Sheet::Coverage => (
                self.cov_plan(),
                &self.layout.cov_slots,
                &self.layout.cov_extras,
                &COVERAGE,
            ),
            other => panic!("{other:?} is not a table sheet"),
        }
    }

    /// Whether the slot at `pos` sits under a group header in the two-row layout.
    fn in_group(&self, slots: &[Slot], pos: usize) -> bool {
        self.two_row_header(slots) && group_of(slots[pos]).is_some()
    }

    fn two_row_header(&self, slots: &[Slot]) -> bool {
        self.layout.group_row && slots.iter().any(|s| group_of(*s).is_some())
    }

    fn org_plan(&self) -> TablePlan {
        let header_top = self.layout.title_rows;
        let two_rows = self.two_row_header(&self.layout.org_slots);
        let mut next = header_top + 1 + two_rows as u32;
        let mut rows = Vec::with_capacity(self.orgs.len());
        for i in 0..self.orgs.len() {
            rows.push(next);
            next += 1 + self.layout.blank_after.get(&i).copied().unwrap_or(0);
        }
        let numbered: Vec<u32> = (next..next + self.layout.numbered_empty).collect();
        next += self.layout.numbered_empty;
        let total = self.layout.total.as_ref().map(|_| next);
        TablePlan {
            header_top,
            two_rows,
            rows,
            numbered,
            total,
        }
    }

    fn cov_plan(&self) -> TablePlan {
        let header_top = self.layout.coverage_title_rows;
        let first = header_top + 1;
        TablePlan {
            header_top,
            two_rows: false,
            rows: (first..first + self.coverage.len() as u32).collect(),
            numbered: Vec::new(),
            total: None,
        }
    }

    fn unit_first_row(&self) -> u32 {
        self.layout.unit_title as u32
    }

    /// (row, col) of a 单位信息 value.
    fn unit_value_pos(&self, field: usize) -> (u32, u16) {
        let first = self.unit_first_row();
        let field = field as u32;
        match self.layout.unit_values {
            UnitValues::Beside => (first + field, 1),
            UnitValues::Below => (first + 2 * field + 1, 1),
            UnitValues::InLabel => (first + field, 0),
        }
    }

    fn label(&self, field: usize) -> String {
        let column = &UNIT_INFO.columns[field];
        let text = self
            .layout
            .headers
            .get(column.key)
            .map_or(column.header, String::as_str);
        format!("{text}{}", self.layout.label_suffix)
    }

    fn header_text(&self, slot: Slot, schema: &SheetSchema, extras: &[Extra]) -> String {
        match slot {
            Slot::Key(i) => {
                let column = &schema.columns[i];
                self.layout
                    .headers
                    .get(column.key)
                    .cloned()
                    .unwrap_or_else(|| column.header.to_string())
            }
            Slot::Extra(e) => extras[e].header.clone(),
        }
    }
}

fn group_of(slot: Slot) -> Option<&'static str> {
    match slot {
        Slot::Key(i) => ORGANIZATIONS.columns[i].group,
        Slot::Extra(_) => None,
    }
}

#[cfg(test)]
mod tests;
