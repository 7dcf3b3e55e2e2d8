//! Rows under a located header → normalized records, skipped rows, and cell issues.

use super::grid::Grid;
use crate::form::{Form, Record, SkipReason, SkippedRow, TableLocation};
use crate::issue::Issue;
use crate::normalize::{self, raw_text};
use crate::schema::{SheetSchema, TOTAL_MARKERS};
use calamine::Data;

/// A table found in a sheet: where, and the sheet's cells.
pub struct FoundTable {
    pub location: TableLocation,
    pub grid: Grid,
}

/// Read every row below the header. `organizations` picks which list of `form` is filled;
/// `index` is the sheet's [`Record::table`] (0 the table's own, `k` its `k`-th continuation).
pub fn extract(
    table: &FoundTable,
    schema: &'static SheetSchema,
    form: &mut Form,
    organizations: bool,
    index: u32,
) {
    let location = &table.location;
    let grid = &table.grid;
    let mapped = mapped_columns(location);
    let first_data_row = location.header_row + 1;
    for row in first_data_row..grid.height() {
        if let Some(reason) = skip_reason(grid, row, &mapped, schema) {
            form.skipped.push(SkippedRow {
                sheet: location.sheet.clone(),
                row: row + 1,
                reason,
            });
            continue;
        }
        let mut record = read_row(table, schema, row, &mapped, &mut form.issues);
        record.table = index;
        if organizations {
            form.organizations.push(record);
        } else {
            form.coverage.push(record);
        }
    }
}

/// (schema column, sheet column) of every schema column the header row names.
fn mapped_columns(location: &crate::form::TableLocation) -> Vec<(usize, u32)> {
    location
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c)))
        .collect()
}

/// Blank rows (nothing but a 序号) and 合计 rows are not data.
fn skip_reason(
    grid: &super::Grid,
    row: u32,
    mapped: &[(usize, u32)],
    schema: &SheetSchema,
) -> Option<SkipReason> {
    let mut filled = mapped
        .iter()
        .filter(|(i, _)| schema.columns[*i].key != "seq")
        .map(|(_, c)| grid.get(row, *c))
        .filter(|cell| !normalize::is_blank(cell))
        .peekable();
    if filled.peek().is_none() {
        return Some(SkipReason::Blank);
    }
    let is_total = mapped
        .iter()
        .take(4)
        .any(|(_, c)| is_total_label(grid.get(row, *c)));
    is_total.then_some(SkipReason::Total)
}

/// Whether a cell reads 合计 / 总计 / 小计 (spaces ignored, at most 6 characters), without
/// building its text: only text cells can, a number's or a date's text never starts so.
fn is_total_label(cell: &Data) -> bool {
    let text = match cell {
        Data::String(s) => normalize::clean(s),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.as_str(),
        _ => return false,
    };
    let chars = || text.chars().filter(|c| !c.is_whitespace());
    chars().nth(6).is_none()
        && TOTAL_MARKERS
            .iter()
            .any(|m| chars().take(m.chars().count()).eq(m.chars()))
}

fn read_row(
    table: &FoundTable,
    schema: &'static SheetSchema,
    row: u32,
    mapped: &[(usize, u32)],
    issues: &mut Vec<Issue>,
) -> Record {
    let mut record = Record::new(row, schema.columns.len());
    for &(i, col) in mapped {
        let column = &schema.columns[i];
        let cell = table.grid.get(row, col);
        match normalize::normalize(&column.kind, cell) {
            Ok(value) => record.values[i] = value,
            Err(problem) => {
                record.mark_invalid(i);
                let raw = raw_text(cell);
                issues.push(Issue::cell(
                    problem.code,
                    &table.location.sheet,
                    (row, col),
                    column.key,
                    Some(raw.clone()),
                    format!("{}：填写的是“{raw}”，{}", column.header, problem.expected),
                ));
            }
        }
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed check must agree with the text-building one it replaced.
    #[test]
    fn total_labels_match_the_text_rule() {
        let old_rule = |cell: &Data| {
            let text: String = normalize::text(cell)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            TOTAL_MARKERS.iter().any(|m| text.starts_with(m)) && text.chars().count() <= 6
        };
        let s = |t: &str| Data::String(t.to_string());
        for cell in [
            s("合计"),
            s(" 合 计 "),
            s("\u{3000}总计："),
            s("小计（全镇）"),
            s("合计全镇党组织"),
            s("合"),
            s("\u{200b}合计"),
            s("第1党支部"),
            s(""),
            Data::Float(12.0),
            Data::Empty,
            Data::DateTimeIso("合计".into()),
        ] {
            assert_eq!(is_total_label(&cell), old_rule(&cell), "{cell:?}");
        }
    }
}
