//! Rows under a located header → normalized records, skipped rows, and cell issues.

use super::grid::{Grid, Row, Workbook};
use super::ReadError;
use crate::form::{Form, Record, SkipReason, SkippedRow, TableLocation};
use crate::issue::Issue;
use crate::normalize::{self, raw_text};
use crate::schema::{SheetSchema, TOTAL_MARKERS};
use crate::validate::Validator;
use calamine::Data;

/// A table found in a sheet: where, and the first rows of the sheet (its header, and the
/// 单位信息 a clerk may have put above it).
pub struct FoundTable {
    pub location: TableLocation,
    pub head: Grid,
}

/// Read every row below the header of table `index` of the list `schema` says (0 the
/// table's own, `k` its `k`-th continuation: [`Record::table`]; its location already in
/// `form`), one at a time, into that list of `form`, each validated as it comes
/// ([`Reading`]). Rows come from the table's `head` when it holds the whole sheet, else from
/// the sheet read again row by row.
pub fn extract(
    workbook: &mut Workbook,
    head: Grid,
    schema: &'static SheetSchema,
    form: &mut Form,
    (index, reading): (u32, &mut Reading),
) -> Result<(), ReadError> {
    let organizations = std::ptr::eq(schema, &crate::schema::ORGANIZATIONS);
    let location = match organizations {
        true => form.org_sheet(index),
        false => form.coverage_sheet(index),
    };
    let location = location
        .expect("the table's location is in the form")
        .clone();
    let mapped = mapped_columns(&location);
    let sheet = location.sheet;
    let mut take = |row: &Row| {
        if let Some(reason) = skip_reason(row, &mapped, schema) {
            form.skipped.push(SkippedRow {
                sheet: sheet.clone(),
                row: row.index + 1,
                reason,
            });
            return;
        }
        let mut record = read_row(&sheet, schema, row, &mapped, &mut form.issues);
        record.table = index;
        reading.take(record, organizations, form);
    };
    let first = location.header_row + 1;
    if head.complete {
        head.take_rows(first, &mut take);
    } else {
        workbook.rows(&sheet, first, &mut take)?;
    }
    Ok(())
}

/// What goes on while a form's rows are read: each record validated, and with `on_part`, the
/// records read so far handed on as a part every `part_rows`.
pub struct Reading<'a> {
    pub validator: Validator,
    pub on_part: Option<&'a mut dyn FnMut(Form)>,
    pub part_rows: usize,
}

impl Reading<'_> {
    /// Every record kept in the one form.
    pub fn whole() -> Reading<'static> {
        Reading {
            validator: Validator::default(),
            on_part: None,
            part_rows: usize::MAX,
        }
    }

    fn take(&mut self, record: Record, organizations: bool, form: &mut Form) {
        let mut issues = std::mem::take(&mut form.issues);
        match organizations {
            true => self.validator.organization(&record, form, &mut issues),
            false => self.validator.coverage(&record, form, &mut issues),
        }
        form.issues = issues;
        match organizations {
            true => form.organizations.push(record),
            false => form.coverage.push(record),
        }
        if let Some(on_part) = self.on_part.as_mut() {
            if form.organizations.len() + form.coverage.len() >= self.part_rows {
                on_part(form.split_part());
            }
        }
    }
}

/// (schema column, sheet column) of every schema column the header row names.
fn mapped_columns(location: &TableLocation) -> Vec<(usize, u32)> {
    location
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c)))
        .collect()
}

/// Blank rows (nothing but a 序号) and 合计 rows are not data.
fn skip_reason(row: &Row, mapped: &[(usize, u32)], schema: &SheetSchema) -> Option<SkipReason> {
    let mut filled = mapped
        .iter()
        .filter(|(i, _)| schema.columns[*i].key != "seq")
        .map(|(_, c)| row.get(*c))
        .filter(|cell| !normalize::is_blank(cell))
        .peekable();
    if filled.peek().is_none() {
        return Some(SkipReason::Blank);
    }
    let is_total = mapped
        .iter()
        .take(4)
        .any(|(_, c)| is_total_label(row.get(*c)));
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

pub(crate) fn read_row(
    sheet: &str,
    schema: &'static SheetSchema,
    row: &Row,
    mapped: &[(usize, u32)],
    issues: &mut Vec<Issue>,
) -> Record {
    let mut record = Record::new(row.index, schema.columns.len());
    for &(i, col) in mapped {
        let column = &schema.columns[i];
        let cell = row.get(col);
        match normalize::normalize(&column.kind, cell) {
            Ok(value) => record.values[i] = value,
            Err(problem) => {
                record.mark_invalid(i);
                let raw = normalize::excerpt(&raw_text(cell)).into_owned();
                issues.push(Issue::cell(
                    problem.code,
                    sheet,
                    (row.index, col),
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
