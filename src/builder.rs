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

/// A raw cell as a clerk might leave it: the builder writes exactly this, no normalizing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// A text cell, even when it looks like a number ("12", "１２人", "0831-1234567").
    Text(String),
    Number(f64),
    /// A TRUE/FALSE cell.
    Bool(bool),
    /// A real date cell (a serial number with a date format).
    Date(NaiveDate),
    /// A formula with the value Excel cached for it (what a reader sees without recalculating).
    Formula {
        formula: String,
        cached: f64,
    },
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A date cell; panics on an impossible date (test data is written by hand).
    pub fn date(year: i32, month: u32, day: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date"))
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text, the way a clerk would read it (dates as 2026-04-10).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Formula { cached, .. } => format_number(*cached),
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}
impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}
impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/// Setters named after what they set, each taking anything that becomes a [`Cell`].
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident => $index:expr;)*) => {
        $($(#[$doc])* pub fn $name(mut self, value: impl Into<Cell>) -> Self {
            self.cells[$index] = value.into();
            self
        })*
    };
}

/// One row of 党组织情况, indexed like [`schema::ORGANIZATIONS`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    pub cells: Vec<Cell>,
}

impl OrgRow {
    /// A clean 党支部 of 10 members scoring 100 (优秀) under the embedded rules. `n` (1-based)
    /// makes the name, 序号 and secretary's mobile distinct.
    pub fn clean(n: usize) -> OrgRow {
        let mut cells = vec![Cell::Empty; ORGANIZATIONS.columns.len()];
        let values: [(usize, Cell); 21] = [
            (org::SEQ, Cell::from(n as u32)),
            (org::NAME, Cell::text(format!("第{n}党支部"))),
            (org::TYPE, "党支部".into()),
            (org::DOMAIN, "农村".into()),
            (org::FULL_MEMBERS, 10.into()),
            (org::PROBATIONARY, 1.into()),
            (org::SECRETARY, "王强".into()),
            (
                org::SECRETARY_PHONE,
                Cell::text(format!("138{:08}", n % 100_000_000)),
            ),
            (org::COMMITTEE_SIZE, 3.into()),
            (org::ON_TIME_ELECTION, "是".into()),
            (org::GENERAL_MEETINGS, 4.into()),
            (org::COMMITTEE_MEETINGS, 12.into()),
            (org::PARTY_LECTURES, 4.into()),
            (org::THEME_DAYS, 12.into()),
            (org::FUNDING, 2.into()),
            (org::VENUE_AREA, 60.into()),
            (org::SATISFACTION, 95.into()),
            (org::DEVELOPMENT, "好".into()),
            (org::SELF_TIER, "优秀".into()),
            (org::TARGET_TIER, "优秀".into()),
            (org::REMARKS, Cell::Empty),
        ];
        for (i, v) in values {
            cells[i] = v;
        }
        OrgRow { cells }
    }

    /// Any cell by schema key ("full_members"); panics on an unknown key.
    pub fn set(mut self, key: &str, value: impl Into<Cell>) -> Self {
        self.cells[ORGANIZATIONS.index_of(key)] = value.into();
        self
    }

    pub fn get(&self, key: &str) -> &Cell {
        &self.cells[ORGANIZATIONS.index_of(key)]
    }

    setters! {
        seq => org::SEQ;
        /// 党组织名称.
        name => org::NAME;
        /// 党组织编码.
        code => org::CODE;
        org_type => org::TYPE;
        domain => org::DOMAIN;
        /// 正式党员数.
        members => org::FULL_MEMBERS;
        probationary => org::PROBATIONARY;
        secretary => org::SECRETARY;
        secretary_phone => org::SECRETARY_PHONE;
        /// 班子成员数.
        committee => org::COMMITTEE_SIZE;
        on_time_election => org::ON_TIME_ELECTION;
        general_meetings => org::GENERAL_MEETINGS;
        committee_meetings => org::COMMITTEE_MEETINGS;
        party_lectures => org::PARTY_LECTURES;
        theme_days => org::THEME_DAYS;
        funding => org::FUNDING;
        /// 活动场所面积.
        venue => org::VENUE_AREA;
        satisfaction => org::SATISFACTION;
        development => org::DEVELOPMENT;
        self_tier => org::SELF_TIER;
        target_tier => org::TARGET_TIER;
        problems => org::PROBLEMS;
        measures => org::MEASURES;
        deadline => org::DEADLINE;
        remarks => org::REMARKS;
    }

    /// 党员大会, 支委会, 党课 and 主题党日 counts at once.
    pub fn meetings(
        self,
        general: impl Into<Cell>,
        committee: impl Into<Cell>,
        lectures: impl Into<Cell>,
        theme_days: impl Into<Cell>,
    ) -> Self {
        self.general_meetings(general)
            .committee_meetings(committee)
            .party_lectures(lectures)
            .theme_days(theme_days)
    }

    /// The secretary post is vacant: name and mobile empty.
    pub fn vacant_secretary(self) -> Self {
        self.secretary(Cell::Empty).secretary_phone(Cell::Empty)
    }

    /// 主要问题, 整改措施 and 整改时限 at once (a 后进 organization's plan).
    pub fn plan(
        self,
        problems: impl Into<Cell>,
        measures: impl Into<Cell>,
        deadline: impl Into<Cell>,
    ) -> Self {
        self.problems(problems)
            .measures(measures)
            .deadline(deadline)
    }
}

/// One row of 两新组织覆盖, indexed like [`schema::COVERAGE`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub cells: Vec<Cell>,
}

impl CoverageRow {
    /// A clean non-public enterprise with its own Party branch and a valid USCC.
    pub fn clean(n: usize) -> CoverageRow {
        let mut cells = vec![Cell::Empty; COVERAGE.columns.len()];
        cells[cov::NAME] = Cell::text(format!("青山县第{n}科技有限公司"));
        cells[cov::USCC] = Cell::text(sample_uscc(n as u64));
        cells[cov::KIND] = "非公有制企业".into();
        cells[cov::ABOVE_SCALE] = "是".into();
        cells[cov::EMPLOYEES] = 60.into();
        cells[cov::MEMBERS] = 5.into();
        cells[cov::HAS_PARTY_ORG] = "是".into();
        cells[cov::COVERAGE] = "单独组建".into();
        CoverageRow { cells }
    }

    /// Any cell by schema key ("uscc"); panics on an unknown key.
    pub fn set(mut self, key: &str, value: impl Into<Cell>) -> Self {
        self.cells[COVERAGE.index_of(key)] = value.into();
        self
    }

    pub fn get(&self, key: &str) -> &Cell {
        &self.cells[COVERAGE.index_of(key)]
    }

    setters! {
        name => cov::NAME;
        uscc => cov::USCC;
        kind => cov::KIND;
        above_scale => cov::ABOVE_SCALE;
        employees => cov::EMPLOYEES;
        /// 党员人数.
        members => cov::MEMBERS;
        has_party_org => cov::HAS_PARTY_ORG;
        /// 覆盖方式.
        coverage => cov::COVERAGE;
    }
}

// ---------------------------------------------------------------------------------------------
// USCC helpers
// ---------------------------------------------------------------------------------------------

const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100-2015 check character for the first 17 characters of a USCC, or `None` when
/// they are not 17 characters of the code's alphabet.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in b.iter().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.iter().position(|x| x == c)? as u32 * w;
    }
    Some(USCC_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// A well-formed USCC with a correct check character, distinct for each `n`: a company
/// registered (9, 1) in 青山县 (511101) with a 9-character organization code from `n`.
pub fn sample_uscc(n: u64) -> String {
    let mut body = String::from("91511101");
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66;
    for i in 0..9 {
        // Letters only in the middle, the way organization codes mostly look.
        let alphabet: &[u8] = if (2..6).contains(&i) {
            USCC_CHARS
        } else {
            &USCC_CHARS[..10]
        };
        body.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
        x /= alphabet.len() as u64;
        x ^= n.rotate_left(7 * i as u32 + 3);
    }
    let check = uscc_check_char(&body).expect("built from the USCC alphabet");
    body.push(check);
    body
}

/// The same code with a wrong (but still well-formed) check character (a W108 case).
pub fn with_wrong_check(uscc: &str) -> String {
    let (body, check) = uscc.split_at(17);
    let pos = USCC_CHARS
        .iter()
        .position(|c| *c as char == check.chars().next().unwrap_or('0'));
    let wrong = USCC_CHARS[(pos.unwrap_or(0) + 1) % USCC_CHARS.len()] as char;
    format!("{body}{wrong}")
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

/// A sheet of the returned workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sheet {
    Instructions,
    Unit,
    Org,
    Coverage,
    Example,
    Meta,
}

impl Sheet {
    fn default_name(self) -> &'static str {
        match self {
            Sheet::Instructions => schema::SHEET_INSTRUCTIONS,
            Sheet::Unit => UNIT_INFO.name,
            Sheet::Org => ORGANIZATIONS.name,
            Sheet::Coverage => COVERAGE.name,
            Sheet::Example => schema::SHEET_EXAMPLE,
            Sheet::Meta => schema::SHEET_META,
        }
    }
}

/// Where 单位信息 values sit relative to their labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitValues {
    /// Label in A, value in B of the same row (the issued layout).
    Beside,
    /// Label in A, value in B one row lower; labels two rows apart so each has its own value.
    Below,
    /// Label and value in one cell: "填报单位：白马镇" in column A.
    InLabel,
}

/// A column of a table sheet: a schema column, or an extra one the unit added.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Key(usize),
    Extra(usize),
}

#[derive(Debug, Clone, PartialEq)]
struct Extra {
    header: String,
    values: Vec<Cell>,
}

#[derive(Debug, Clone)]
struct Layout {
    title_rows: u32,
    coverage_title_rows: u32,
    group_row: bool,
    org_slots: Vec<Slot>,
    cov_slots: Vec<Slot>,
    org_extras: Vec<Extra>,
    cov_extras: Vec<Extra>,
    headers: HashMap<&'static str, String>,
    blank_after: HashMap<usize, u32>,
    total: Option<String>,
    numbered_empty: u32,
    names: HashMap<Sheet, String>,
    label_suffix: String,
    unit_values: UnitValues,
    unit_title: bool,
    meta: bool,
    example: bool,
    instructions: bool,
    constant_memory: Option<bool>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            title_rows: 1,
            coverage_title_rows: 1,
            group_row: true,
            org_slots: (0..ORGANIZATIONS.columns.len()).map(Slot::Key).collect(),
            cov_slots: (0..COVERAGE.columns.len()).map(Slot::Key).collect(),
            org_extras: Vec::new(),
            cov_extras: Vec::new(),
            headers: HashMap::new(),
            blank_after: HashMap::new(),
            total: None,
            numbered_empty: 0,
            names: HashMap::new(),
            label_suffix: String::new(),
            unit_values: UnitValues::Beside,
            unit_title: true,
            meta: true,
            example: true,
            instructions: true,
            constant_memory: None,
        }
    }
}

/// Where the rows of a table sheet land (all 0-based).
#[derive(Debug, Clone)]
struct TablePlan {
    header_top: u32,
    two_rows: bool,
    /// Row of each data record.
    rows: Vec<u32>,
    /// Rows holding only a 序号.
    numbered: Vec<u32>,
    total: Option<u32>,
}

impl TablePlan {
    fn header_bottom(&self) -> u32 {
        self.header_top + self.two_rows as u32
    }
}

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

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Rows above which a sheet is written in constant-memory mode (row by row, to a temp file).
const CONSTANT_MEMORY_ROWS: usize = 2000;

struct Formats {
    title: Format,
    header: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header,
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

impl FormBuilder {
    /// Writes the form to `path` and returns the path.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<PathBuf, XlsxError> {
        let path = path.as_ref();
        self.workbook()?.save(path)?;
        Ok(path.to_path_buf())
    }

    /// The form as .xlsx bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        self.workbook()?.save_to_buffer()
    }

    fn workbook(&self) -> Result<Workbook, XlsxError> {
        let mut workbook = Workbook::new();
        let formats = Formats::new();
        // A fixed creation time keeps generated files byte-for-byte reproducible.
        let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
        let mut properties = DocProperties::new().set_creation_datetime(&created);
        if self.layout.meta {
            properties =
                properties.set_custom_property("template_version", schema::TEMPLATE_VERSION);
        }
        workbook.set_properties(&properties);
        let big = self.orgs.len().max(self.coverage.len()) > CONSTANT_MEMORY_ROWS;
        let constant = self.layout.constant_memory.unwrap_or(big);

        if self.layout.instructions {
            self.write_instructions(workbook.add_worksheet(), &formats)?;
        }
        self.write_unit(workbook.add_worksheet(), &formats)?;
        let sheet = new_sheet(&mut workbook, constant)?;
        self.write_orgs(sheet, &formats)?;
        let sheet = new_sheet(&mut workbook, constant)?;
        self.write_coverage(sheet, &formats)?;
        if self.layout.example {
            self.write_example(workbook.add_worksheet(), &formats)?;
        }
        if self.layout.meta {
            let meta = workbook.add_worksheet();
            meta.set_name(self.sheet_name_of(Sheet::Meta))?;
            meta.write_string(0, 0, "template_version")?;
            meta.write_string(0, 1, schema::TEMPLATE_VERSION)?;
            meta.set_hidden(true);
        }
        Ok(workbook)
    }

    fn write_instructions(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Instructions))?;
        sheet.set_column_width(0, 90)?;
        sheet.write_string_with_format(0, 0, schema::FORM_TITLE, &f.title)?;
        let lines = [
            "一、本表由各乡镇（街道）、县级部门填报，每个基层党组织填一行。",
            "二、“单位信息”表填写填报单位、单位代码、调查阶段、填报人、联系电话和填报日期。",
            "三、“填写示例”表仅供参考，不要在其中填报。",
        ];
        for (i, line) in lines.iter().enumerate() {
            sheet.write_string(i as u32 + 1, 0, *line)?;
        }
        Ok(())
    }

    fn write_unit(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Unit))?;
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 30)?;
        if self.layout.unit_title {
            sheet.write_string_with_format(0, 0, "填报单位信息", &f.title)?;
        }
        let first = self.unit_first_row();
        for (field, value) in self.unit.iter().enumerate() {
            let label = self.label(field);
            let (row, col) = self.unit_value_pos(field);
            match self.layout.unit_values {
                UnitValues::InLabel => {
                    let sep = if self.layout.label_suffix.is_empty() {
                        "："
                    } else {
                        ""
                    };
                    let text = format!("{label}{sep}{}", value.display());
                    sheet.write_string(row, col, &text)?;
                }
                UnitValues::Beside => {
                    sheet.write_string(row, 0, &label)?;
                    write_cell(sheet, row, col, value, f)?;
                }
                UnitValues::Below => {
                    sheet.write_string(first + 2 * field as u32, 0, &label)?;
                    write_cell(sheet, row, col, value, f)?;
                }
            }
        }
        Ok(())
    }

    fn write_orgs(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Org))?;
        let slots = &self.layout.org_slots;
        let extras = &self.layout.org_extras;
        set_widths(sheet, slots, &ORGANIZATIONS)?;
        let plan = self.org_plan();
        let title = format!("{}{}", self.unit[unit::NAME].display(), schema::FORM_TITLE);
        write_titles(sheet, plan.header_top, slots.len(), &title, f)?;
        self.write_header(sheet, &plan, slots, extras, &ORGANIZATIONS, f)?;
        for (i, record) in self.orgs.iter().enumerate() {
            write_record(sheet, plan.rows[i], slots, &record.cells, extras, i, f)?;
        }
        let seq_col = slots.iter().position(|s| *s == Slot::Key(org::SEQ));
        for (k, row) in plan.numbered.iter().enumerate() {
            if let Some(col) = seq_col {
                sheet.write_number(*row, col as u16, (self.orgs.len() + k + 1) as f64)?;
            }
        }
        if let (Some(row), Some(label)) = (plan.total, &self.layout.total) {
            self.write_total(sheet, row, label, slots)?;
        }
        Ok(())
    }

    fn write_total(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        label: &str,
        slots: &[Slot],
    ) -> Result<(), XlsxError> {
        let label_col = [org::SEQ, org::NAME]
            .iter()
            .find_map(|k| slots.iter().position(|s| *s == Slot::Key(*k)))
            .unwrap_or(0);
        sheet.write_string(row, label_col as u16, label)?;
        for (col, slot) in slots.iter().enumerate() {
            let Slot::Key(i) = *slot else { continue };
            let summable = matches!(
                ORGANIZATIONS.columns[i].kind,
                Kind::Int { .. } | Kind::Decimal { .. }
            );
            if !summable || i == org::SEQ || col == label_col {
                continue;
            }
            let sum: f64 = self
                .orgs
                .iter()
                .filter_map(|o| o.cells[i].as_number())
                .sum();
            sheet.write_number(row, col as u16, sum)?;
        }
        Ok(())
    }

    fn write_coverage(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Coverage))?;
        let slots = &self.layout.cov_slots;
        let extras = &self.layout.cov_extras;
        set_widths(sheet, slots, &COVERAGE)?;
        let plan = self.cov_plan();
        let title = format!("{}两新组织党建覆盖情况", self.unit[unit::NAME].display());
        write_titles(sheet, plan.header_top, slots.len(), &title, f)?;
        self.write_header(sheet, &plan, slots, extras, &COVERAGE, f)?;
        for (i, record) in self.coverage.iter().enumerate() {
            write_record(sheet, plan.rows[i], slots, &record.cells, extras, i, f)?;
        }
        Ok(())
    }

    fn write_header(
        &self,
        sheet: &mut Worksheet,
        plan: &TablePlan,
        slots: &[Slot],
        extras: &[Extra],
        schema: &SheetSchema,
        f: &Formats,
    ) -> Result<(), XlsxError> {
        let top = plan.header_top;
        if !plan.two_rows {
            for (col, slot) in slots.iter().enumerate() {
                let text = self.header_text(*slot, schema, extras);
                sheet.write_string_with_format(top, col as u16, &text, &f.header)?;
            }
            return Ok(());
        }
        let keys: Vec<Option<usize>> = slots
            .iter()
            .map(|s| match s {
                Slot::Key(i) => Some(*i),
                Slot::Extra(_) => None,
            })
            .collect();
        for cell in layout::header_cells(schema, &keys, top, 0) {
            let text = match cell.text {
                HeaderText::Group(group) => group.to_string(),
                HeaderText::Column(_) | HeaderText::Other(_) => {
                    self.header_text(slots[cell.first_col as usize], schema, extras)
                }
            };
            if cell.is_merged() {
                let (r0, c0, r1, c1) =
                    (cell.first_row, cell.first_col, cell.last_row, cell.last_col);
                sheet.merge_range(r0, c0, r1, c1, &text, &f.header)?;
            } else {
                sheet.write_string_with_format(cell.first_row, cell.first_col, &text, &f.header)?;
            }
        }
        Ok(())
    }

    fn write_example(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Example))?;
        sheet.write_string_with_format(0, 0, "填写示例（仅供参考，本表不读取）", &f.title)?;
        let example = OrgRow::clean(1)
            .name("示例：XX镇XX村党支部")
            .secretary("张三")
            .secretary_phone("13800000000");
        for (col, column) in ORGANIZATIONS.columns.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, column.header, &f.header)?;
            write_cell(sheet, 2, col as u16, &example.cells[col], f)?;
        }
        Ok(())
    }
}

fn new_sheet(workbook: &mut Workbook, constant: bool) -> Result<&mut Worksheet, XlsxError> {
    if constant {
        workbook.add_worksheet_with_constant_memory()
    } else {
        Ok(workbook.add_worksheet())
    }
}

fn set_widths(
    sheet: &mut Worksheet,
    slots: &[Slot],
    schema: &SheetSchema,
) -> Result<(), XlsxError> {
    for (col, slot) in slots.iter().enumerate() {
        let width = match slot {
            Slot::Key(i) => schema.columns[*i].width,
            Slot::Extra(_) => 12.0,
        };
        sheet.set_column_width(col as u16, width)?;
    }
    Ok(())
}

/// The merged title in row 1, and a plain note in any further title rows.
fn write_titles(
    sheet: &mut Worksheet,
    rows: u32,
    columns: usize,
    title: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if rows == 0 {
        return Ok(());
    }
    if columns > 1 {
        sheet.merge_range(0, 0, 0, columns as u16 - 1, title, &f.title)?;
    } else {
        sheet.write_string_with_format(0, 0, title, &f.title)?;
    }
    for row in 1..rows {
        let note = if row == 1 {
            "（数据截至填报日期，次数为本年度累计）"
        } else {
            ""
        };
        if !note.is_empty() {
            sheet.write_string(row, 0, note)?;
        }
    }
    Ok(())
}

fn write_record(
    sheet: &mut Worksheet,
    row: u32,
    slots: &[Slot],
    cells: &[Cell],
    extras: &[Extra],
    index: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, slot) in slots.iter().enumerate() {
        let cell = match slot {
            Slot::Key(i) => &cells[*i],
            Slot::Extra(e) => extras[*e].values.get(index).unwrap_or(&Cell::Empty),
        };
        write_cell(sheet, row, col as u16, cell, f)?;
    }
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
        Cell::Date(d) => {
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(row, col, &date, &f.date)?;
        }
        Cell::Formula { formula, cached } => {
            let formula = rust_xlsxwriter::Formula::new(formula).set_result(format_number(*cached));
            sheet.write_formula(row, col, formula)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::uscc_check_ok;
    use calamine::{open_workbook_auto, Data, Reader};

    fn read(path: &Path, sheet: &str) -> calamine::Range<Data> {
        let mut wb = open_workbook_auto(path).expect("opens");
        wb.worksheet_range(sheet).expect("sheet exists")
    }

    /// The cell at an A1 reference, counted from A1 whatever the range's start.
    fn at(range: &calamine::Range<Data>, cell: &str) -> Data {
        let (row, col) = crate::cellref::parse_a1(cell).expect("A1 ref");
        range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    #[test]
    fn uscc_check_char_matches_a_published_code_and_the_normalizer() {
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(uscc_check_char("91350100M000100Y"), None);
        assert_eq!(uscc_check_char("91350100M000100YI"), None);
        for n in 0..500 {
            let code = sample_uscc(n);
            assert_eq!(code.len(), 18);
            assert!(uscc_check_ok(&code), "{code}");
            assert!(!uscc_check_ok(&with_wrong_check(&code)), "{code}");
        }
        assert_ne!(sample_uscc(1), sample_uscc(2));
    }

    #[test]
    fn default_layout_puts_cells_where_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let form = FormBuilder::new()
            .org(|o| o.members(12))
            .org(|o| o.members("１２人").deadline(Cell::date(2026, 6, 30)))
            .coverage(|c| c);
        let path = form.write(dir.path().join("f.xlsx")).unwrap();
        assert_eq!(form.org_cell(0, "full_members"), "F4");
        assert_eq!(form.org_cell(1, "full_members"), "F5");
        assert_eq!(form.header_cell(Sheet::Org, "full_members"), "F2");
        assert_eq!(form.header_cell(Sheet::Org, "theme_days"), "O3");
        let orgs = read(&path, "党组织情况");
        assert_eq!(at(&orgs, "F4"), Data::Float(12.0));
        assert_eq!(at(&orgs, "F5"), Data::String("１２人".into()));
        assert_eq!(at(&orgs, "B4"), Data::String("白马镇第1党支部".into()));
        assert_eq!(at(&orgs, "F2"), Data::String("正式党员数".into()));
        assert_eq!(
            at(&orgs, "L2"),
            Data::String("三会一课及主题党日开展次数".into())
        );
        assert_eq!(at(&orgs, "L3"), Data::String("党员大会次数".into()));
        assert!(matches!(
            at(&orgs, &form.org_cell(1, "deadline")),
            Data::DateTime(_)
        ));
        let unit = read(&path, "单位信息");
        assert_eq!(at(&unit, "A2"), Data::String("填报单位".into()));
        assert_eq!(
            at(&unit, &form.unit_cell("unit_code")),
            Data::String("511101001".into())
        );
        assert!(matches!(at(&unit, "B7"), Data::DateTime(_)));
        let cov = read(&path, "两新组织覆盖");
        assert_eq!(form.coverage_cell(0, "uscc"), "B3");
        assert_eq!(at(&cov, "B3"), Data::String(sample_uscc(1)));
        assert_eq!(
            at(&read(&path, "_meta"), "B1"),
            Data::String(schema::TEMPLATE_VERSION.into())
        );
    }

    #[test]
    fn variations_move_cells_and_the_helpers_follow() {
        let dir = tempfile::tempdir().unwrap();
        let form = FormBuilder::new()
            .title_rows(2)
            .one_row_header()
            .org_columns(&["org_name", "full_members", "org_type", "seq"])
            .header("full_members", "正式\n党员数")
            .extra_column(Sheet::Org, Some("org_name"), "联系人", vec!["李四".into()])
            .sheet_name(Sheet::Org, "Sheet1")
            .blank_rows_after(0, 2)
            .numbered_empty_rows(3)
            .total_row("合计")
            .label_suffix("：")
            .unit_values(UnitValues::Below)
            .no_meta()
            .orgs(2);
        let path = form.write(dir.path().join("v.xlsx")).unwrap();
        assert_eq!(form.org_cell(0, "full_members"), "C4");
        assert_eq!(form.org_cell(1, "full_members"), "C7");
        assert_eq!(form.header_cell(Sheet::Org, "联系人"), "B3");
        assert_eq!(form.total_row_number(), Some(11));
        let orgs = read(&path, "Sheet1");
        assert_eq!(at(&orgs, "C3"), Data::String("正式\n党员数".into()));
        assert_eq!(at(&orgs, "B4"), Data::String("李四".into()));
        assert_eq!(at(&orgs, "E10"), Data::Float(5.0));
        assert_eq!(at(&orgs, "E11"), Data::String("合计".into()));
        assert_eq!(at(&orgs, "C11"), Data::Float(20.0));
        let unit = read(&path, "单位信息");
        assert_eq!(at(&unit, "A4"), Data::String("单位代码：".into()));
        assert_eq!(form.unit_cell("unit_code"), "B5");
        assert_eq!(at(&unit, "B5"), Data::String("511101001".into()));
        let wb = open_workbook_auto(&path).unwrap();
        assert!(!wb.sheet_names().iter().any(|s| s == "_meta"));
    }

    #[test]
    fn label_and_value_in_one_cell() {
        let form = FormBuilder::new()
            .no_unit_title()
            .unit_values(UnitValues::InLabel);
        let dir = tempfile::tempdir().unwrap();
        let path = form.write(dir.path().join("u.xlsx")).unwrap();
        let unit = read(&path, "单位信息");
        assert_eq!(form.unit_cell("unit_name"), "A1");
        assert_eq!(at(&unit, "A1"), Data::String("填报单位：白马镇".into()));
        assert_eq!(at(&unit, "A6"), Data::String("填报日期：2026-04-10".into()));
    }

    #[test]
    fn constant_memory_writes_the_same_cells() {
        let form = FormBuilder::new()
            .constant_memory(true)
            .total_row("合计")
            .orgs(3);
        let dir = tempfile::tempdir().unwrap();
        let path = form.write(dir.path().join("c.xlsx")).unwrap();
        let orgs = read(&path, "党组织情况");
        assert_eq!(at(&orgs, "L3"), Data::String("党员大会次数".into()));
        assert_eq!(at(&orgs, "F2"), Data::String("正式党员数".into()));
        assert_eq!(
            at(&orgs, &form.org_cell(2, "org_name")),
            Data::String("白马镇第3党支部".into())
        );
        assert_eq!(at(&orgs, "F7"), Data::Float(30.0));
    }
}
