//! Reading a returned 整改进展表, behind the guard and with the survey form's tolerance: the
//! list found by its folded header text wherever it stands, the 单位名称 / 填报日期 block
//! found by its labels above it, dates as serials or text, and every cell named by its real
//! A1 reference in the original sheet.

use crate::form::Record;
use crate::issue::Issue;
use crate::marker;
use crate::normalize::{self, Value};
use crate::read::locate::{match_header, HeaderMatch};
use crate::read::{guard, Grid, Limits, ReadError, Workbook};
use crate::schema::{fold_header, rect, rect_info, RECTIFY, RECTIFY_INFO};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The fewest columns of [`RECTIFY`] a header must name to be the list: 党组织名称 and
/// 完成状态 among them.
const MIN_COLUMNS: usize = 4;

/// One returned 整改进展表.
#[derive(Debug, Clone)]
pub struct Return {
    pub path: PathBuf,
    /// The sheet the list is on.
    pub sheet: String,
    /// The header block's values, indexed like [`RECTIFY_INFO`], and where each was found
    /// (0-based row, column).
    pub info: Vec<Option<Value>>,
    pub info_cells: Vec<Option<(u32, u32)>>,
    /// The sheet column of each [`RECTIFY`] column.
    pub columns: Vec<Option<u32>>,
    /// The list's rows, indexed like [`RECTIFY`].
    pub rows: Vec<Record>,
    /// What was wrong in single cells (a status not in the list, a date not a date).
    pub issues: Vec<Issue>,
}

impl Return {
    fn info_text(&self, i: usize) -> &str {
        self.info[i].as_ref().and_then(Value::as_text).unwrap_or("")
    }
    pub fn unit_name(&self) -> &str {
        self.info_text(rect_info::UNIT_NAME)
    }
    pub fn unit_code(&self) -> &str {
        self.info_text(rect_info::UNIT_CODE)
    }
    pub fn filled_on(&self) -> Option<NaiveDate> {
        self.info[rect_info::FILLED_ON]
            .as_ref()
            .and_then(Value::as_date)
    }
    /// The A1 reference of column `i` of [`RECTIFY`] in row `row` (0-based), if the column
    /// was found.
    pub fn cell(&self, row: u32, i: usize) -> Option<(u32, u32)> {
        self.columns[i].map(|c| (row, c))
    }
}

/// Why a file is not read as a 整改进展表.
#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    /// The guard or the parser refused it.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// It opens, but it is something else: a survey form, a ledger, a workbook without the list.
    #[error("{reason}")]
    NotTheForm { reason: String },
}

/// Read one returned form. Never panics: calamine's panics on malformed files end as this
/// file's error.
pub fn read_return(path: &Path, limits: &Limits) -> Result<Return, ReturnError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_unguarded(path, limits)
    }))
    .unwrap_or(Err(ReturnError::Read(ReadError::Rejected(
        guard::Rejection::ParserPanic,
    ))))
}

fn read_unguarded(path: &Path, limits: &Limits) -> Result<Return, ReturnError> {
    let mut workbook = Workbook::open(path, limits)?;
    let meta = workbook.meta();
    let meta_value = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let not = |reason: &str| ReturnError::NotTheForm {
        reason: reason.to_string(),
    };
    match meta_value(marker::OUTPUT_KEY) {
        Some(kind) if kind != marker::RECTIFY_FORM => {
            return Err(not(&own_output(&kind)));
        }
        _ if meta_value("template_version").is_some() => {
            return Err(not(
                "这是基层党组织分类定级调查表，不是整改进展表；调查表请用 taizhang ledger 汇总",
            ));
        }
        _ => {}
    }
    let (grid, header) = find_list(&mut workbook)?.ok_or_else(|| {
        not("找不到“整改进展”表及其表头（党组织名称、完成状态等列），请用下发的整改进展表填报")
    })?;
    Ok(read_list(path, grid, &header))
}

/// What a clerk is told about one of our outputs in the rectify inbox.
fn own_output(kind: &str) -> String {
    match kind {
        marker::RECTIFY => "这是本程序生成的整改跟踪表，不是单位报送的整改进展表".to_string(),
        other => format!("{}，也不是整改进展表", marker::describe(other)),
    }
}

/// The visible sheet whose header names the most columns of [`RECTIFY`] (the sheet named
/// 整改进展 first), with at least [`MIN_COLUMNS`] and the name and status among them.
fn find_list(workbook: &mut Workbook) -> Result<Option<(Grid, HeaderMatch)>, ReadError> {
    let mut names: Vec<String> = (workbook.infos.iter())
        .filter(|s| s.visible && s.is_worksheet)
        .map(|s| s.name.clone())
        .collect();
    names.sort_by_key(|n| !RECTIFY.matches_name(n));
    let mut best: Option<(Grid, HeaderMatch)> = None;
    for name in names {
        let grid = workbook.load(&name)?;
        let Some(header) = match_header(&grid, &RECTIFY) else {
            continue;
        };
        let usable = header.score() >= MIN_COLUMNS
            && header.columns[rect::NAME].is_some()
            && header.columns[rect::STATUS].is_some();
        if usable
            && best
                .as_ref()
                .is_none_or(|(_, b)| header.score() > b.score())
        {
            best = Some((grid, header));
        }
    }
    Ok(best)
}

fn read_list(path: &Path, grid: Grid, header: &HeaderMatch) -> Return {
    let sheet = grid.name.clone();
    let mut back = Return {
        path: path.to_path_buf(),
        sheet: sheet.clone(),
        info: vec![None; RECTIFY_INFO.columns.len()],
        info_cells: vec![None; RECTIFY_INFO.columns.len()],
        columns: header.columns.clone(),
        rows: Vec::new(),
        issues: Vec::new(),
    };
    read_info(&grid, header.row, &mut back);
    let mapped: Vec<(usize, u32)> = (header.columns.iter().enumerate())
        .filter_map(|(i, c)| c.map(|c| (i, c)))
        .collect();
    let (mut rows, mut issues) = (Vec::new(), Vec::new());
    grid.take_rows(header.row + 1, |row| {
        if !row.is_blank() {
            let record =
                crate::read::extract::read_row(&sheet, &RECTIFY, row, &mapped, &mut issues);
            // A row with none of the plan's identity and no progress is not an organization.
            if record.values.iter().any(Option::is_some) || record.invalid != 0 {
                rows.push(record);
            }
        }
    });
    back.rows = rows;
    back.issues.extend(issues);
    back
}

/// The header block: each label of [`RECTIFY_INFO`] in the rows above the list, its value
/// the first filled cell to its right that is not itself a label.
fn read_info(grid: &Grid, header_row: u32, back: &mut Return) {
    let Some((first_col, last_col)) = grid.cols() else {
        return;
    };
    let label = |r, c| RECTIFY_INFO.match_header(&fold_header(&normalize::text(grid.get(r, c))));
    for row in 0..header_row {
        for col in first_col..=last_col {
            let Some(i) = label(row, col) else { continue };
            if back.info_cells[i].is_some() {
                continue;
            }
            let value_col = (col + 1..=last_col)
                .take_while(|&c| label(row, c).is_none())
                .find(|&c| !normalize::is_blank(grid.get(row, c)));
            let cell = (row, value_col.unwrap_or(col + 1));
            back.info_cells[i] = Some(cell);
            let column = &RECTIFY_INFO.columns[i];
            let data = grid.get(cell.0, cell.1);
            match normalize::normalize(&column.kind, data) {
                Ok(value) => back.info[i] = value,
                Err(problem) => {
                    let raw = normalize::excerpt(&normalize::raw_text(data)).into_owned();
                    back.issues.push(Issue::cell(
                        problem.code,
                        &back.sheet,
                        cell,
                        column.key,
                        Some(raw.clone()),
                        format!("{}：填写的是“{raw}”，{}", column.header, problem.expected),
                    ));
                }
            }
        }
    }
}

/// Whether `path` is an issued 整改进展表 nobody has filled in: our mark, nothing in its
/// progress columns or in 填报日期 / 填报人 / 联系电话, and as many plan cells empty as it
/// was issued with ([`rect::OPEN_PLAN_KEY`]) ([`crate::output`]'s rule).
pub fn is_unfilled(path: &Path, limits: &Limits) -> bool {
    let Ok(mut book) = Workbook::open(path, limits) else {
        return false;
    };
    if book.meta_value(marker::OUTPUT_KEY).as_deref() != Some(marker::RECTIFY_FORM) {
        return false;
    }
    let open_plan = book.meta_value(rect::OPEN_PLAN_KEY);
    let Ok(back) = read_return(path, limits) else {
        return false;
    };
    let filled_info = [rect_info::FILLED_ON, rect_info::FILLER, rect_info::PHONE];
    let progress = rect::PROGRESS..RECTIFY.columns.len();
    let untouched = |r: &Record| r.invalid == 0 && progress.clone().all(|i| r.get(i).is_none());
    let empty_plan = |r: &Record| {
        rect::UNIT_PLAN
            .iter()
            .filter(|&&i| r.get(i).is_none())
            .count()
    };
    let still_open: usize = back.rows.iter().map(empty_plan).sum();
    back.issues.is_empty()
        && filled_info.iter().all(|&i| back.info[i].is_none())
        && back.rows.iter().all(untouched)
        && open_plan.is_none_or(|n| n == still_open.to_string())
}
