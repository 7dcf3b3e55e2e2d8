//! Where a table's header cells go in the issued layout, computed once from the schema.
//!
//! The template writer, the feedback workbook and the form builder all lay out a header the
//! same way: columns under a group (三会一课及主题党日开展次数) sit in the lower header row
//! below the group's merged cell; every other header is merged down over both rows. Each
//! writer asks [`header_cells`] where the cells go and applies its own formats.

use crate::schema::{Column, SheetSchema};

/// Width of text in character cells: CJK characters take two.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The schema width, widened so that a short header (with a "*" mark) fits on one line; long
/// headers wrap at their bracket.
pub fn column_width(column: &Column) -> f64 {
    let header = (display_width(column.header) + 3).min(14) as f64;
    column.width.max(header)
}

/// How many header rows a whole schema table takes in the issued layout.
pub fn schema_header_rows(schema: &SheetSchema) -> u32 {
    header_rows(schema, &schema_order(schema))
}

/// What a header cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderText {
    /// A group header merged across its columns.
    Group(&'static str),
    /// The header of the schema column with this index.
    Column(usize),
    /// A slot the schema does not know (an extra column); the caller supplies its text.
    Other(usize),
}

/// One header cell, possibly merged over a rectangle of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderCell {
    pub first_row: u32,
    pub last_row: u32,
    pub first_col: u16,
    pub last_col: u16,
    pub text: HeaderText,
}

impl HeaderCell {
    pub fn is_merged(&self) -> bool {
        self.first_row != self.last_row || self.first_col != self.last_col
    }
}

/// How many rows the header of these slots takes: two when a column sits under a group.
pub fn header_rows(schema: &SheetSchema, slots: &[Option<usize>]) -> u32 {
    if slots
        .iter()
        .flatten()
        .any(|i| schema.columns[*i].group.is_some())
    {
        2
    } else {
        1
    }
}

/// The slots of every schema column in schema order.
pub fn schema_order(schema: &SheetSchema) -> Vec<Option<usize>> {
    (0..schema.columns.len()).map(Some).collect()
}

/// The header cells of `slots` (schema column indexes, or `None` for a column the schema does
/// not know) laid out from sheet row `top` and sheet column `left`, left to right.
pub fn header_cells(
    schema: &SheetSchema,
    slots: &[Option<usize>],
    top: u32,
    left: u16,
) -> Vec<HeaderCell> {
    let bottom = top + header_rows(schema, slots) - 1;
    let group = |pos: usize| slots[pos].and_then(|i| schema.columns[i].group);
    let mut cells = Vec::with_capacity(slots.len() + 2);
    for (pos, slot) in slots.iter().enumerate() {
        let col = left + pos as u16;
        let text = match slot {
            Some(i) => HeaderText::Column(*i),
            None => HeaderText::Other(pos),
        };
        match group(pos) {
            Some(g) if bottom > top => {
                if pos == 0 || group(pos - 1) != Some(g) {
                    let span = (pos..slots.len())
                        .take_while(|p| group(*p) == Some(g))
                        .count() as u16;
                    cells.push(HeaderCell {
                        first_row: top,
                        last_row: top,
                        first_col: col,
                        last_col: col + span - 1,
                        text: HeaderText::Group(g),
                    });
                }
                cells.push(HeaderCell {
                    first_row: bottom,
                    last_row: bottom,
                    first_col: col,
                    last_col: col,
                    text,
                });
            }
            _ => cells.push(HeaderCell {
                first_row: top,
                last_row: bottom,
                first_col: col,
                last_col: col,
                text,
            }),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{org, COVERAGE, ORGANIZATIONS};

    #[test]
    fn grouped_columns_sit_below_one_merged_group_cell() {
        let cells = header_cells(&ORGANIZATIONS, &schema_order(&ORGANIZATIONS), 1, 0);
        let groups: Vec<_> = cells
            .iter()
            .filter(|c| matches!(c.text, HeaderText::Group(_)))
            .collect();
        assert_eq!(groups.len(), 1);
        let g = groups[0];
        assert_eq!(
            (g.first_row, g.first_col, g.last_col),
            (1, org::GENERAL_MEETINGS as u16, org::THEME_DAYS as u16)
        );
        let name = cells
            .iter()
            .find(|c| c.text == HeaderText::Column(org::NAME))
            .unwrap();
        assert_eq!(
            (name.first_row, name.last_row),
            (1, 2),
            "merged down over both rows"
        );
        let lectures = cells
            .iter()
            .find(|c| c.text == HeaderText::Column(org::PARTY_LECTURES))
            .unwrap();
        assert_eq!((lectures.first_row, lectures.last_row), (2, 2));
    }

    #[test]
    fn a_table_without_groups_has_one_header_row_and_extras_keep_their_slot() {
        let slots = [Some(0), None, Some(1)];
        let cells = header_cells(&COVERAGE, &slots, 1, 1);
        assert_eq!(header_rows(&COVERAGE, &slots), 1);
        assert_eq!(
            cells[1],
            HeaderCell {
                first_row: 1,
                last_row: 1,
                first_col: 2,
                last_col: 2,
                text: HeaderText::Other(1)
            }
        );
        assert!(cells.iter().all(|c| !c.is_merged()));
    }
}
