//! 单位信息: label/value pairs, wherever the clerk left them.
//!
//! A label ("填报单位", "填报单位：", or "填报单位：白马镇" in one cell) is looked for in the
//! 单位信息 sheet, else in the rows above the 党组织情况 header. Its value is the next cell to the
//! right, or the cell one row lower when the right-hand cell is empty.

use super::grid::{Grid, Workbook};
use super::headers::Headers;
use super::locate::Found;
use super::ReadError;
use crate::form::{Form, UnitCell};
use crate::issue::{Code, Issue};
use crate::normalize::{self, raw_text};
use crate::schema::{fold_header, Need, UNIT_INFO};
use calamine::Data;

/// How much of a sheet is searched for labels.
const SEARCH_ROWS: u32 = 40;
const _: () = assert!(
    SEARCH_ROWS < super::grid::MIN_HELD_ROWS,
    "a label's value one row lower"
);
const SEARCH_COLS: u32 = 12;

/// Where a label's value was found.
struct Located {
    field: usize,
    /// Where the value sits (the label cell itself for "填报单位：白马镇").
    at: (u32, u32),
    value: Data,
}

/// Fill `form.unit` from the workbook and report what is missing or malformed.
pub fn read_unit_info(
    workbook: &mut Workbook,
    found: &Found,
    form: &mut Form,
) -> Result<(), ReadError> {
    let sheet_name = workbook
        .infos
        .iter()
        .find(|s| s.is_worksheet && UNIT_INFO.matches_name(&s.name))
        .map(|s| s.name.clone());
    let mut located = Vec::new();
    let mut labels_at: Vec<Option<(String, (u32, u32))>> = vec![None; UNIT_INFO.columns.len()];
    let mut sheet_used = sheet_name.clone().unwrap_or_default();
    if let Some(name) = &sheet_name {
        let grid = workbook.head(name)?;
        located = scan(&grid, grid.height().min(SEARCH_ROWS), &mut labels_at, name);
    }
    if located.is_empty() {
        if let Some(table) = &found.organizations {
            let grid = &table.head;
            located = scan(
                grid,
                table.location.header_row,
                &mut labels_at,
                &table.location.sheet,
            );
            if !located.is_empty() {
                sheet_used = table.location.sheet.clone();
            }
        }
    }
    if located.is_empty() && labels_at.iter().all(Option::is_none) {
        form.issues.push(Issue::file(
            Code::MissingUnitInfo,
            format!(
                "找不到“{}”表（填报单位、单位代码、调查阶段、填报人、联系电话、填报日期），请使用下发的调查表填写单位信息",
                UNIT_INFO.name
            ),
        ));
        return Ok(());
    }
    for item in located {
        normalize_field(&sheet_used, item, form);
    }
    report_missing(&sheet_used, &labels_at, form);
    Ok(())
}

fn scan(
    grid: &Grid,
    rows: u32,
    labels_at: &mut [Option<(String, (u32, u32))>],
    sheet: &str,
) -> Vec<Located> {
    let mut located = Vec::new();
    for row in 0..rows {
        for col in 0..SEARCH_COLS {
            let Some((field, inline)) = label_at(grid, row, col) else {
                continue;
            };
            if labels_at[field].is_some() {
                continue;
            }
            labels_at[field] = Some((sheet.to_string(), (row, col + 1)));
            let value = match inline {
                Some(text) => Some(((row, col), Data::String(text))),
                None => value_for(grid, row, col),
            };
            if let Some((at, value)) = value {
                located.push(Located { field, at, value });
            }
        }
    }
    located
}

/// The field a cell labels, and the value written after its colon in the same cell, if any.
fn label_at(grid: &Grid, row: u32, col: u32) -> Option<(usize, Option<String>)> {
    let text = match grid.get(row, col) {
        Data::String(s) => normalize::clean(s),
        _ => return None,
    };
    if text.is_empty() || text.chars().count() > 40 {
        return None;
    }
    let (label, rest) = match text.find(['：', ':']) {
        Some(i) => {
            let colon_len = text[i..].chars().next().map_or(1, char::len_utf8);
            (&text[..i], normalize::clean(&text[i + colon_len..]))
        }
        None => (text, ""),
    };
    let field = Headers::of(&UNIT_INFO).column(&fold_header(label))?;
    Some((field, (!rest.is_empty()).then(|| rest.to_string())))
}

/// The value next to a label: to its right, else one row lower (right or under it).
/// The row below is only looked at when it holds no label of its own (else its value is its own).
fn value_for(grid: &Grid, row: u32, col: u32) -> Option<((u32, u32), Data)> {
    let beside = [(row, col + 1), (row, col + 2)];
    let below = [(row + 1, col + 1), (row + 1, col)];
    let below_is_free = label_at(grid, row + 1, col).is_none();
    let candidates = beside
        .into_iter()
        .chain(below.into_iter().filter(|_| below_is_free));
    candidates.into_iter().find_map(|(r, c)| {
        let cell = grid.get(r, c);
        let usable = !normalize::is_blank(cell) && label_at(grid, r, c).is_none();
        usable.then(|| ((r, c), cell.clone()))
    })
}

fn normalize_field(sheet: &str, item: Located, form: &mut Form) {
    let column = &UNIT_INFO.columns[item.field];
    match normalize::normalize(&column.kind, &item.value) {
        Ok(value) => {
            form.unit[item.field] = value;
            form.unit_cells[item.field] = Some(UnitCell {
                sheet: sheet.to_string(),
                at: item.at,
            });
        }
        Err(problem) => {
            let raw = normalize::excerpt(&raw_text(&item.value)).into_owned();
            form.issues.push(Issue::cell(
                problem.code,
                sheet,
                item.at,
                column.key,
                Some(raw.clone()),
                format!("{}：填写的是“{raw}”，{}", column.header, problem.expected),
            ));
        }
    }
}

fn report_missing(sheet: &str, labels_at: &[Option<(String, (u32, u32))>], form: &mut Form) {
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        if form.unit[i].is_some() || column.need != Need::Required {
            continue;
        }
        let had_bad_value = form.issues.iter().any(|x| x.field == Some(column.key));
        if had_bad_value {
            continue;
        }
        let issue = match &labels_at[i] {
            Some((label_sheet, at)) => Issue::cell(
                Code::MissingValue,
                label_sheet,
                *at,
                column.key,
                None,
                format!("{}未填写，请填写（{}）", column.header, column.hint),
            ),
            None => Issue::sheet(
                Code::MissingUnitInfo,
                sheet,
                format!(
                    "单位信息中找不到“{}”一项，请按下发的调查表填写",
                    column.header
                ),
            ),
        };
        form.issues.push(issue);
    }
}
