//! A long list written top-down in constant memory, continued on `名称(2)`, `名称(3)`… once a
//! sheet holds `limit` rows (Excel's 1,048,576 unless a test injects a smaller one).
//!
//! Each sheet is a standalone constant-memory worksheet with its own temporary file, so rows
//! of several lists can be interleaved as long as each list's rows come in order; the sheets
//! are pushed into the workbook at the end, in tab order.

use super::style::{header_row, Col, Styles};
use rust_xlsxwriter::{
    ConditionalFormatCell, ConditionalFormatCellRule, Workbook, Worksheet, XlsxError,
};
use std::sync::Mutex;

/// Excel's row limit per sheet.
pub const EXCEL_ROWS: u32 = 1_048_576;

/// The name of the `part`-th sheet (0-based) of a list: `台账明细`, `台账明细(2)`, …
pub fn part_name(name: &str, part: usize) -> String {
    match part {
        0 => name.to_string(),
        n => format!("{name}({})", n + 1),
    }
}

/// One list spread over as many sheets as it needs.
pub struct Continued {
    name: &'static str,
    cols: Vec<Col>,
    sheets: Vec<Worksheet>,
    /// The next row of the last sheet.
    next: u32,
    limit: u32,
    rows: u64,
}

impl Continued {
    /// The first sheet with its header. `limit` counts the header row; it is at least 2.
    pub fn new(
        workbook: &mut Workbook,
        name: &'static str,
        cols: Vec<Col>,
        limit: u32,
        styles: &Styles,
    ) -> Result<Continued, XlsxError> {
        let mut list = Continued {
            name,
            cols,
            sheets: Vec::new(),
            next: 0,
            limit: limit.clamp(2, EXCEL_ROWS),
            rows: 0,
        };
        list.open(workbook, styles)?;
        Ok(list)
    }

    fn open(&mut self, workbook: &mut Workbook, styles: &Styles) -> Result<(), XlsxError> {
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(part_name(self.name, self.sheets.len()))?;
        header_row(&mut sheet, 0, &self.cols, styles)?;
        self.sheets.push(sheet);
        self.next = 1;
        Ok(())
    }

    /// The sheet and row of the next data row, opening a continuation sheet when full (the
    /// workbook is locked only then: lists written on different threads share it).
    pub fn next_row(
        &mut self,
        workbook: &Mutex<Workbook>,
        styles: &Styles,
    ) -> Result<(&mut Worksheet, u32), XlsxError> {
        if self.next >= self.limit {
            self.open(&mut workbook.lock().expect("workbook lock"), styles)?;
        }
        let row = self.next;
        self.next += 1;
        self.rows += 1;
        let sheet = self.sheets.last_mut().expect("a list has a sheet");
        Ok((sheet, row))
    }

    /// Data rows written, over all sheets.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The sheets, each with its autofilter over its own rows and its columns' highlights.
    pub fn finish(mut self) -> Result<Vec<Worksheet>, XlsxError> {
        let last_col = self.cols.len() as u16 - 1;
        let count = self.sheets.len();
        for (i, sheet) in self.sheets.iter_mut().enumerate() {
            let last = if i + 1 == count {
                self.next - 1
            } else {
                self.limit - 1
            };
            sheet.autofilter(0, 0, last.max(1), last_col)?;
            for (c, col) in self.cols.iter().enumerate() {
                for h in &col.highlights {
                    let rule = ConditionalFormatCell::new()
                        .set_rule(ConditionalFormatCellRule::EqualTo(h.value.as_str()))
                        .set_format(&h.fill);
                    sheet.add_conditional_format(1, c as u16, last.max(1), c as u16, &rule)?;
                }
            }
        }
        Ok(self.sheets)
    }
}
