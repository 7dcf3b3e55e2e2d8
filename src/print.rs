//! How every sheet of every workbook prints, for counties that print, sign and file them: A4
//! (the issued form's wide tables A3), landscape when wide, one page wide, the header rows on
//! every page, and at the top of each page the workbook's title, the sheet's name and when its
//! data was taken; at the bottom 第 N 页 共 M 页.
//!
//! One page wide means the identifying columns (单位, 党组织名称) are on every page. A list too
//! wide for that to be readable (台账明细, 45 columns: about a quarter of full size) prints a
//! few pages wide instead, its identifying columns repeated on each
//! ([`crate::ledger::style::header_row`]); on screen they stay in view as frozen panes.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Column-width units (characters) one A4 landscape page holds at about 70 % of full size,
/// the smallest print that stays easy to read.
pub const A4_LANDSCAPE_WIDTH: f64 = 200.0;

/// What a workbook prints at the top of its pages.
#[derive(Debug, Clone)]
pub struct Print {
    /// The workbook's title: 基层党组织分类管理台账.
    title: String,
    /// When its data was taken, when that means something: 数据截至 2026-04-16 09:30.
    when: Option<String>,
}

/// The paper a sheet prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Print {
    /// Pages titled `title`, with `when` (检查于 2026-04-16 09:30) on their right, if given.
    pub fn new(title: &str, when: Option<String>) -> Print {
        Print {
            title: title.to_string(),
            when,
        }
    }

    /// Pages of a workbook whose data was taken now (`label`: 数据截至).
    pub fn now(title: &str, label: &str) -> Print {
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M");
        Print::new(title, Some(format!("{label} {now}")))
    }

    /// Set up `sheet`'s printing: one page wide on `paper`, `landscape` or not, the rows
    /// `repeated` (first, last, 0-based) on every page.
    pub fn set_up(
        &self,
        sheet: &mut Worksheet,
        paper: Paper,
        landscape: bool,
        repeated: Option<(u32, u32)>,
    ) -> Result<(), XlsxError> {
        self.set_up_wide(sheet, paper, landscape, repeated, (1, 0))
    }

    /// [`Print::set_up`] for a list that is `pages` wide, its first `columns` (the
    /// identifying ones) repeated on each of those pages.
    pub fn set_up_wide(
        &self,
        sheet: &mut Worksheet,
        paper: Paper,
        landscape: bool,
        repeated: Option<(u32, u32)>,
        (pages, columns): (u16, u16),
    ) -> Result<(), XlsxError> {
        sheet
            .set_paper_size(match paper {
                Paper::A4 => 9,
                Paper::A3 => 8,
            })
            .set_print_fit_to_pages(pages, 0)
            .set_print_center_horizontally(true);
        if pages > 1 && columns > 0 {
            sheet.set_repeat_columns(0, columns - 1)?;
        }
        if landscape {
            sheet.set_landscape();
        }
        if let Some((first, last)) = repeated {
            sheet.set_repeat_rows(first, last)?;
        }
        // &A is the sheet's name, &P and &N the page and the number of pages; a & of our own
        // is written &&.
        let mut header = format!("&L{}　&A", self.title.replace('&', "&&"));
        if let Some(when) = &self.when {
            header.push_str(&format!("&R{}", when.replace('&', "&&")));
        }
        sheet.set_header(&header);
        sheet.set_footer("&C第 &P 页 共 &N 页");
        Ok(())
    }
}
