//! Finding the form's tables: which sheet, which header row, which column is which.
//!
//! Sheets are found by name, or by their headers when renamed. The header row is the row of the
//! first 15 whose cells (or, for a two-row header, the cells merged above them) name the most
//! schema columns.

use super::extract::{self, FoundTable};
use super::grid::{Grid, Workbook};
use super::headers::Headers;
use super::ReadError;
use crate::cellref::a1;
use crate::form::{Form, SkipReason, SkippedRow, TableLocation};
use crate::issue::{Code, Issue};
use crate::normalize;
use crate::schema::{self, fold_header, Need, SheetSchema};
use calamine::Data;

/// How far down a header may sit.
pub const HEADER_SEARCH_ROWS: u32 = 15;
const _: () = assert!(HEADER_SEARCH_ROWS <= super::grid::MIN_HELD_ROWS);

/// What [`find_tables`] found.
pub struct Found {
    pub organizations: Option<FoundTable>,
    pub coverage: Option<FoundTable>,
    /// Further sheets continuing each table (a copied `党组织情况 (2)`), in workbook order.
    pub org_continued: Vec<FoundTable>,
    pub coverage_continued: Vec<FoundTable>,
    /// The non-empty rows of sheets named like a table whose header is not found (E012), and
    /// the data rows of hidden sheets that look like a table (E013).
    pub unread: Vec<SkippedRow>,
    pub issues: Vec<Issue>,
}

/// A header row matched against a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    /// 0-based header row (the lower row of a two-row header).
    pub row: u32,
    /// Sheet column of each schema column.
    pub columns: Vec<Option<u32>>,
    /// Header cells that name no schema column: (row, column, text).
    pub extras: Vec<(u32, u32, String)>,
    /// Header cells naming a column already found: (row, column, schema index).
    pub duplicates: Vec<(u32, u32, usize)>,
}

impl HeaderMatch {
    pub fn score(&self) -> usize {
        self.columns.iter().filter(|c| c.is_some()).count()
    }
}

/// Sheets never read as data: the instructions, the example and the version sheet.
fn is_reserved(name: &str) -> bool {
    let folded = fold_header(name);
    folded == schema::SHEET_INSTRUCTIONS
        || folded.contains("示例")
        || folded.contains("说明")
        || name == schema::SHEET_META
}

/// Find the 党组织情况 and 两新组织覆盖 tables and report header problems.
pub fn find_tables(workbook: &mut Workbook) -> Result<Found, ReadError> {
    let candidates: Vec<String> = workbook
        .infos
        .iter()
        .filter(|s| s.visible && s.is_worksheet && !is_reserved(&s.name))
        .map(|s| s.name.clone())
        .collect();
    let mut issues = Vec::new();
    let organizations = find_table(workbook, &candidates, &schema::ORGANIZATIONS, 6)?;
    let coverage = find_table(workbook, &candidates, &schema::COVERAGE, 4)?;
    match &organizations {
        Some((table, header)) => header_issues(
            &table.location.sheet,
            header,
            &schema::ORGANIZATIONS,
            &mut issues,
        ),
        None => issues.push(not_the_form(workbook)),
    }
    if let Some((table, header)) = &coverage {
        header_issues(
            &table.location.sheet,
            header,
            &schema::COVERAGE,
            &mut issues,
        );
    }
    let mut found = Found {
        organizations: organizations.map(|(t, _)| t),
        coverage: coverage.map(|(t, _)| t),
        org_continued: Vec::new(),
        coverage_continued: Vec::new(),
        unread: Vec::new(),
        issues,
    };
    if found.organizations.is_some() {
        find_continued(workbook, &candidates, &mut found)?;
    }
    find_hidden(workbook, &mut found)?;
    Ok(found)
}

/// Hidden sheets that look like a table (named like one, or headed like one) and hold data
/// rows are not read (hidden data would be a surprise): each is named in an issue (E013) with
/// its row count, and its rows are counted as unread. Empty hidden sheets, and the form's own
/// hidden `_meta`, are left alone.
fn find_hidden(workbook: &mut Workbook, found: &mut Found) -> Result<(), ReadError> {
    let hidden: Vec<String> = workbook
        .infos
        .iter()
        .filter(|s| !s.visible && s.is_worksheet && !is_reserved(&s.name))
        .map(|s| s.name.clone())
        .collect();
    for name in &hidden {
        let Some(ListLike {
            head,
            schema,
            table,
            named,
        }) = list_like(workbook, name)?
        else {
            continue;
        };
        let rows = match table {
            // The rows the sheet would give were it shown: not its blank or 合计 rows.
            Some((location, _)) => {
                let mut scratch = Form::default();
                match std::ptr::eq(schema, &schema::ORGANIZATIONS) {
                    true => scratch.org_table = Some(location),
                    false => scratch.coverage_table = Some(location),
                }
                let reading = &mut extract::Reading::whole();
                extract::extract(workbook, head, schema, &mut scratch, (0, reading))?;
                let records = scratch.organizations.iter().chain(&scratch.coverage);
                records.map(|r| r.row).collect()
            }
            None if named => non_empty_rows(workbook, name)?,
            None => continue,
        };
        if rows.is_empty() {
            continue;
        }
        let table = schema.name;
        found.issues.push(Issue::sheet(
            Code::ListSheetHidden,
            name,
            format!(
                "工作表“{name}”是隐藏的，其中有 {} 行数据未读取；如需报送，请取消隐藏并把这些行移到“{table}”表中",
                rows.len()
            ),
        ));
        found.unread.extend(rows.into_iter().map(|r| SkippedRow {
            sheet: name.clone(),
            row: r + 1,
            reason: SkipReason::Hidden,
        }));
    }
    Ok(())
}

/// The 0-based rows of a sheet holding anything.
fn non_empty_rows(workbook: &mut Workbook, sheet: &str) -> Result<Vec<u32>, ReadError> {
    let mut rows = Vec::new();
    workbook.rows(sheet, 0, |row| {
        if !row.is_blank() {
            rows.push(row.index);
        }
    })?;
    Ok(rows)
}

/// Every other sheet named like a table (`党组织情况 (2)`, `党组织情况（续）`) or headed like
/// one continues it: its rows are read, or named in an issue (E012) when its header is not found.
fn find_continued(
    workbook: &mut Workbook,
    candidates: &[String],
    found: &mut Found,
) -> Result<(), ReadError> {
    let taken: Vec<String> = [&found.organizations, &found.coverage]
        .into_iter()
        .flatten()
        .map(|t| t.location.sheet.clone())
        .collect();
    for name in candidates.iter().filter(|n| !taken.contains(n)) {
        let Some(ListLike {
            head,
            schema,
            table,
            named,
        }) = list_like(workbook, name)?
        else {
            continue;
        };
        match table {
            Some((location, header)) => {
                header_issues(name, &header, schema, &mut found.issues);
                let table = FoundTable { location, head };
                if std::ptr::eq(schema, &schema::ORGANIZATIONS) {
                    found.org_continued.push(table);
                } else {
                    found.coverage_continued.push(table);
                }
            }
            None if named => unread(workbook, name, schema, found)?,
            None => {}
        }
    }
    Ok(())
}

/// An extra sheet that may continue one of the form's lists.
struct ListLike {
    /// Its first rows.
    head: Grid,
    /// The list it continues: the one its name says, else the one its header matches.
    schema: &'static SheetSchema,
    /// Its table, when the list's header is found.
    table: Option<(TableLocation, HeaderMatch)>,
    /// Whether its name is the list's with a copy suffix.
    named: bool,
}

/// Load sheet `name` and see which list it looks like. A sheet not named like a list that
/// cannot be loaded (notes, a chart's data) is none of the form's business: `None`.
fn list_like(workbook: &mut Workbook, name: &str) -> Result<Option<ListLike>, ReadError> {
    let org_named = is_continuation_name(name, &schema::ORGANIZATIONS);
    let coverage_named = is_continuation_name(name, &schema::COVERAGE);
    let named = org_named || coverage_named;
    let head = match workbook.head(name) {
        Ok(head) => head,
        Err(_) if !named => return Ok(None),
        Err(e) => return Err(e),
    };
    let org = table_in(&head, &schema::ORGANIZATIONS, 6);
    let (schema, table) = if org_named || (!coverage_named && org.is_some()) {
        (&schema::ORGANIZATIONS, org)
    } else {
        (&schema::COVERAGE, table_in(&head, &schema::COVERAGE, 4))
    };
    Ok(Some(ListLike {
        head,
        schema,
        table,
        named,
    }))
}

/// The table a sheet holds when its header names at least `min_score` columns of `schema`.
fn table_in(
    grid: &Grid,
    schema: &SheetSchema,
    min_score: usize,
) -> Option<(TableLocation, HeaderMatch)> {
    let header = match_header(grid, schema).filter(|h| h.score() >= min_score)?;
    let location = TableLocation {
        sheet: grid.name.clone(),
        header_row: header.row,
        columns: header.columns.clone(),
    };
    Some((location, header))
}

/// A table's name with a copy suffix: ` (2)`, `（续）`, `(续)`, `续`, `2` (and the name itself).
fn is_continuation_name(name: &str, schema: &SheetSchema) -> bool {
    let folded = fold_header(name);
    let base =
        folded.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '续' | '-' | '_'));
    schema.matches_name(base)
}

/// A sheet named like a table whose header is not found: its non-empty rows are counted, kept
/// as unread rows, and named in an error that says what to do.
fn unread(
    workbook: &mut Workbook,
    sheet: &str,
    schema: &SheetSchema,
    found: &mut Found,
) -> Result<(), ReadError> {
    let rows = non_empty_rows(workbook, sheet)?;
    if rows.is_empty() {
        return Ok(());
    }
    let table = schema.name;
    found.issues.push(Issue::sheet(
        Code::ListSheetUnread,
        sheet,
        format!(
            "“{sheet}”表有 {} 行内容，但找不到与“{table}”表相同的表头，这些行没有读取。请把这些行移到“{table}”表中，或使用与“{table}”表相同的表头",
            rows.len()
        ),
    ));
    found.unread.extend(rows.into_iter().map(|r| SkippedRow {
        sheet: sheet.to_string(),
        row: r + 1,
        reason: SkipReason::Unread,
    }));
    Ok(())
}

/// The sheet named after the schema if its header is found, else the sheet whose header
/// matches best (at least `min_score` columns).
fn find_table(
    workbook: &mut Workbook,
    candidates: &[String],
    schema: &SheetSchema,
    min_score: usize,
) -> Result<Option<(FoundTable, HeaderMatch)>, ReadError> {
    let (mut named, others): (Vec<&String>, Vec<&String>) =
        candidates.iter().partition(|n| schema.matches_name(n));
    // The issued sheet before its copies (`党组织情况 (2)` may stand first).
    named.sort_by_key(|n| n.split_whitespace().collect::<String>() != schema.name);
    let mut best: Option<(FoundTable, HeaderMatch)> = None;
    for name in named.into_iter().chain(others) {
        let head = workbook.head(name)?;
        let Some((location, header)) = table_in(&head, schema, min_score) else {
            continue;
        };
        if best
            .as_ref()
            .is_none_or(|(_, b)| header.score() > b.score())
        {
            best = Some((FoundTable { location, head }, header));
            if schema.matches_name(name) {
                break;
            }
        }
    }
    Ok(best)
}

/// Match the first rows of a sheet against a schema; `None` when no row names any column.
pub fn match_header(grid: &Grid, schema: &SheetSchema) -> Option<HeaderMatch> {
    let (first_col, last_col) = grid.cols()?;
    let last_row = grid.height().min(HEADER_SEARCH_ROWS);
    let texts = HeaderTexts::fold(grid, last_row, first_col, last_col);
    let headers = Headers::of(schema);
    (0..last_row)
        .map(|row| match_row(grid, &texts, headers, schema.columns.len(), row))
        .filter(|m| m.score() > 0)
        .max_by(|a, b| a.score().cmp(&b.score()).then(b.row.cmp(&a.row)))
}

/// The folded text of every cell of the rows searched for a header, folded once: each row is
/// read both as a header and as the upper row of a two-row header.
struct HeaderTexts {
    first_col: u32,
    last_col: u32,
    rows: Vec<Vec<String>>,
}

impl HeaderTexts {
    fn fold(grid: &Grid, rows: u32, first_col: u32, last_col: u32) -> HeaderTexts {
        let rows = (0..rows)
            .map(|row| {
                (first_col..=last_col)
                    .map(|col| header_text(grid.get(row, col)))
                    .collect()
            })
            .collect();
        HeaderTexts {
            first_col,
            last_col,
            rows,
        }
    }

    fn get(&self, row: u32, col: u32) -> &str {
        &self.rows[row as usize][(col - self.first_col) as usize]
    }
}

/// A header cell's folded text; an empty cell costs no allocation.
fn header_text(cell: &Data) -> String {
    if normalize::is_blank(cell) {
        return String::new();
    }
    fold_header(&normalize::text(cell))
}

fn match_row(
    grid: &Grid,
    texts: &HeaderTexts,
    headers: Headers,
    columns: usize,
    row: u32,
) -> HeaderMatch {
    let mut m = HeaderMatch {
        row,
        columns: vec![None; columns],
        extras: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut unmatched_above = Vec::new();
    let mut used_above = false;
    for col in texts.first_col..=texts.last_col {
        let own = texts.get(row, col);
        // A cell merged over two header rows keeps its text in the upper row.
        let above = if row > 0 { texts.get(row - 1, col) } else { "" };
        let (text, text_row) = if own.is_empty() && headers.column(above).is_some() {
            used_above = true;
            (above, row - 1)
        } else {
            if own.is_empty() && !above.is_empty() && !headers.is_known_other(above) {
                unmatched_above.push(col);
            }
            (own, row)
        };
        if text.is_empty() || headers.is_known_other(text) {
            continue;
        }
        match headers.column(text) {
            Some(i) if m.columns[i].is_none() => m.columns[i] = Some(col),
            Some(i) => m.duplicates.push((text_row, col, i)),
            None => m.extras.push((
                text_row,
                col,
                normalize::excerpt(&normalize::text(grid.get(text_row, col))).into_owned(),
            )),
        }
    }
    // In a two-row header, an unknown column's text sits merged in the upper row.
    if used_above {
        for col in unmatched_above {
            m.extras.push((
                row - 1,
                col,
                normalize::excerpt(&normalize::text(grid.get(row - 1, col))).into_owned(),
            ));
        }
        m.extras.sort_by_key(|e| e.1);
    }
    m
}

fn header_issues(sheet: &str, header: &HeaderMatch, schema: &SheetSchema, issues: &mut Vec<Issue>) {
    for (i, column) in schema.columns.iter().enumerate() {
        if header.columns[i].is_none() && column.need != Need::Optional {
            issues.push(Issue::sheet(
                Code::MissingColumn,
                sheet,
                format!(
                    "“{sheet}”表第 {} 行的表头中找不到“{}”列，请按下发的调查表补上该列并填写",
                    header.row + 1,
                    column.header
                ),
            ));
        }
    }
    for (row, col, text) in &header.extras {
        let mut issue = Issue::cell(
            Code::ExtraColumn,
            sheet,
            (*row, *col),
            "",
            Some(text.clone()),
            format!(
                "“{}”不是调查表中的列，该列内容不会被汇总",
                text.replace('\n', "")
            ),
        );
        issue.field = None;
        issues.push(issue);
    }
    for (row, col, i) in &header.duplicates {
        let first = header.columns[*i]
            .map(|c| a1(header.row, c))
            .unwrap_or_default();
        let mut issue = Issue::cell(
            Code::DuplicateColumn,
            sheet,
            (*row, *col),
            schema.columns[*i].key,
            None,
            format!(
                "“{}”列出现了两次，只读取 {first} 所在的第一列，本列已忽略",
                schema.columns[*i].header
            ),
        );
        issue.value = None;
        issues.push(issue);
    }
}

fn not_the_form(workbook: &Workbook) -> Issue {
    let names: Vec<&str> = workbook.infos.iter().map(|s| s.name.as_str()).collect();
    let wanted: Vec<&str> = schema::ORGANIZATIONS
        .columns
        .iter()
        .filter(|c| c.need == Need::Required)
        .take(4)
        .map(|c| c.header)
        .collect();
    Issue::file(
        Code::NotTheForm,
        format!(
            "不是基层党组织分类定级摸底调查表：找不到“{}”表（工作簿中的工作表：{}），也没有哪张表的前 {HEADER_SEARCH_ROWS} 行含有“{}”等表头。请使用下发的调查表填报",
            schema::ORGANIZATIONS.name,
            if names.is_empty() { "无".to_string() } else { names.join("、") },
            wanted.join("”“")
        ),
    )
}
