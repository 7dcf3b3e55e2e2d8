//! The row handles every list sheet writes with: a report's [`Line`], the [`RowStyles`] built
//! once, and the [`Sink`] a row goes to. Below the writer and the sheets alike, so the writer
//! imports the sheets and never the other way round.

use super::style::{ColFormat, Styles};
use crate::form::{Record, TableLocation};
use crate::rules::Rules;
use rust_xlsxwriter::Workbook;
use std::borrow::Cow;
use std::sync::Mutex;

/// What identifies every row of one report: its unit (as the file gives it) and its path.
pub struct Line {
    pub code: String,
    pub name: String,
    pub source: String,
}

impl Line {
    /// 来源文件 of a row: [`crate::form::source_label`].
    pub fn source_of(&self, record: &Record, sheet: Option<&TableLocation>) -> Cow<'_, str> {
        crate::form::source_label(&self.source, record, sheet)
    }
}

/// What the list sheets' rows are written with, built once.
pub struct RowStyles {
    pub rules: Rules,
    pub styles: Styles,
    /// 台账明细's schema columns and their column formats ([`super::detail::value_formats`]).
    pub detail_values: Vec<(usize, ColFormat)>,
    /// The ledger's day (`--as-of`): a plan whose 整改时限 is before it is overdue. `None`:
    /// not looked at.
    pub today: Option<chrono::NaiveDate>,
}

/// What every row writer uses: the workbook (to open a continuation sheet), the formats, and
/// a buffer of its own.
pub struct Sink<'a> {
    pub workbook: &'a Mutex<Workbook>,
    pub rows: &'a RowStyles,
    /// Reused for text joined from parts (a trail of several reasons).
    pub buf: &'a mut String,
}
