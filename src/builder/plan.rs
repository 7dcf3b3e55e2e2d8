//! The layout variations a form can have, and where its rows land.

use super::*;

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
    pub(super) fn default_name(self) -> &'static str {
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
pub(super) enum Slot {
    Key(usize),
    Extra(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Extra {
    pub(super) header: String,
    pub(super) values: Vec<Cell>,
}

/// A sheet after the form's own: a list continued on a copied sheet, or rows without a header.
#[derive(Debug, Clone)]
pub(super) enum Further {
    Orgs(String, FormBuilder),
    Coverage(String, FormBuilder),
    Raw(String, Vec<Vec<Cell>>),
}

#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) title_rows: u32,
    pub(super) coverage_title_rows: u32,
    pub(super) group_row: bool,
    pub(super) org_slots: Vec<Slot>,
    pub(super) cov_slots: Vec<Slot>,
    pub(super) org_extras: Vec<Extra>,
    pub(super) cov_extras: Vec<Extra>,
    pub(super) headers: HashMap<&'static str, String>,
    pub(super) blank_after: HashMap<usize, u32>,
    pub(super) total: Option<String>,
    pub(super) numbered_empty: u32,
    pub(super) names: HashMap<Sheet, String>,
    pub(super) label_suffix: String,
    pub(super) unit_values: UnitValues,
    pub(super) unit_title: bool,
    pub(super) meta: bool,
    pub(super) example: bool,
    pub(super) instructions: bool,
    pub(super) constant_memory: Option<bool>,
    pub(super) further: Vec<Further>,
    /// Sheets written hidden, by name.
    pub(super) hidden: Vec<String>,
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
            further: Vec::new(),
            hidden: Vec::new(),
        }
    }
}

/// Where the rows of a table sheet land (all 0-based).
#[derive(Debug, Clone)]
pub(super) struct TablePlan {
    pub(super) header_top: u32,
    pub(super) two_rows: bool,
    /// Row of each data record.
    pub(super) rows: Vec<u32>,
    /// Rows holding only a 序号.
    pub(super) numbered: Vec<u32>,
    pub(super) total: Option<u32>,
}

impl TablePlan {
    pub(super) fn header_bottom(&self) -> u32 {
        self.header_top + self.two_rows as u32
    }
}
