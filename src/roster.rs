//! The roster (花名册): the units expected to return the form.
//!
//! The department keeps it in Excel and may save it as .xlsx or as CSV, whose encoding depends
//! on how it was saved: "CSV UTF-8" (with a BOM), plain UTF-8 from other tools, or GBK from
//! Excel's plain "CSV" on a Chinese Windows. All three are read; anything else is refused with a
//! message telling how to resave. Columns are found by their header, like the form's, so their
//! order and extra columns do not matter. A roster with a duplicate or missing code is refused
//! outright: attributing returns against it would silently go wrong.

use crate::normalize::{self, fold};
use crate::read::{Grid, Limits, ReadError, Workbook};
use crate::schema::fold_header;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The kind of a unit, as the department groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnitKind {
    #[serde(rename = "乡镇")]
    Township,
    #[serde(rename = "街道")]
    Street,
    #[serde(rename = "县级部门")]
    Department,
}

impl UnitKind {
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Township => "乡镇",
            UnitKind::Street => "街道",
            UnitKind::Department => "县级部门",
        }
    }

    /// The kind named by a roster cell, with the usual short forms.
    pub fn parse(text: &str) -> Option<UnitKind> {
        match fold(text).as_ref() {
            "乡镇" | "乡" | "镇" => Some(UnitKind::Township),
            "街道" | "街道办" | "街道办事处" => Some(UnitKind::Street),
            "县级部门" | "部门" | "县直部门" | "县直单位" | "县级单位" => {
                Some(UnitKind::Department)
            }
            _ => None,
        }
    }
}

/// One unit of the roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterUnit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub contact: Option<String>,
    pub phone: Option<String>,
    /// 1-based row (line for CSV) in the roster file, for messages.
    pub row: u32,
}

/// The units expected to report, in the roster's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    pub path: PathBuf,
    pub units: Vec<RosterUnit>,
}

/// Why a roster could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// No file at the given path.
    #[error("找不到花名册 {}", path.display())]
    NotFound { path: PathBuf },
    /// The file could not be opened or read from disk.
    #[error("无法读取花名册 {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The spreadsheet could not be opened (corrupt, encrypted, not a spreadsheet).
    #[error("无法打开花名册 {}：{}", path.display(), source.message())]
    Workbook {
        path: PathBuf,
        #[source]
        source: Box<ReadError>,
    },
    /// A CSV file that is neither UTF-8 nor GBK.
    #[error("花名册 {} 的文字编码无法识别（既不是 UTF-8，也不是 GBK）；请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”，或直接使用 .xlsx", path.display())]
    Encoding { path: PathBuf },
    /// A CSV file with broken quoting.
    #[error("花名册 {} 不是有效的 CSV", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// The file's extension is not one the roster can be read from.
    #[error("花名册 {} 的格式不支持；请使用 .xlsx 或 .csv", path.display())]
    Unsupported { path: PathBuf },
    /// No row in the first rows of the first sheet holds the required headers.
    #[error("花名册 {} 中找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“单位代码”“单位名称”“单位类别”的一行", path.display())]
    NoHeader { path: PathBuf },
    /// A data row without a code.
    #[error("花名册 {} 第 {row} 行：单位代码为空（单位名称“{name}”）", path.display())]
    EmptyCode {
        path: PathBuf,
        row: u32,
        name: String,
    },
    /// A data row without a name.
    #[error("花名册 {} 第 {row} 行：单位名称为空（单位代码“{code}”）", path.display())]
    EmptyName {
        path: PathBuf,
        row: u32,
        code: String,
    },
    /// 单位类别 is empty or none of 乡镇 / 街道 / 县级部门.
    #[error("花名册 {} 第 {row} 行：单位类别“{value}”不正确，应为 乡镇、街道 或 县级部门", path.display())]
    BadKind {
        path: PathBuf,
        row: u32,
        value: String,
    },
    /// Two rows with the same code.
    #[error("花名册 {} 第 {row} 行：单位代码“{code}”与第 {first_row} 行重复", path.display())]
    DuplicateCode {
        path: PathBuf,
        row: u32,
        first_row: u32,
        code: String,
    },
    /// Two rows with the same name.
    #[error("花名册 {} 第 {row} 行：单位名称“{name}”与第 {first_row} 行重复", path.display())]
    DuplicateName {
        path: PathBuf,
        row: u32,
        first_row: u32,
        name: String,
    },
    /// A roster with a header but no unit.
    #[error("花名册 {} 中没有任何单位", path.display())]
    NoUnits { path: PathBuf },
    /// Several rows with problems: every one of them, each on its line with its row.
    #[error("花名册 {} 有 {} 处问题，请逐一改正：\n{}", path.display(), problems.len(), listed(problems))]
    Rows {
        path: PathBuf,
        problems: Vec<RosterError>,
    },
}

/// How many of a roster's row problems are listed (the count says how many there are).
const PROBLEMS_LISTED: usize = 20;

/// The problems, one per line, the first [`PROBLEMS_LISTED`] of them.
fn listed(problems: &[RosterError]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(PROBLEMS_LISTED)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > PROBLEMS_LISTED {
        lines.push(format!("  ……等 {} 处", problems.len()));
    }
    lines.join("\n")
}

impl RosterError {
    /// The row a problem is on (0 when it is about the whole file).
    fn row(&self) -> u32 {
        match self {
            RosterError::EmptyCode { row, .. }
            | RosterError::EmptyName { row, .. }
            | RosterError::BadKind { row, .. }
            | RosterError::DuplicateCode { row, .. }
            | RosterError::DuplicateName { row, .. } => *row,
            _ => 0,
        }
    }
}

/// Rows searched for the header (a title row or two may sit above it).
pub const HEADER_SEARCH_ROWS: usize = 10;

/// The roster's columns: header, aliases, and whether it must be present.
const COLUMNS: [(&str, &[&str], bool); 5] = [
    ("单位代码", &["代码", "单位编码"], true),
    ("单位名称", &["名称", "填报单位", "单位"], true),
    ("单位类别", &["类别", "单位类型", "类型"], true),
    ("联系人", &["联系人姓名"], false),
    ("联系电话", &["电话", "联系方式", "手机号"], false),
];

impl Roster {
    /// Read and validate a roster from .xlsx (.xlsm, .xls, .ods) or .csv.
    pub fn load(path: &Path) -> Result<Roster, RosterError> {
        if !path.is_file() {
            return Err(RosterError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let rows = match extension.as_str() {
            "csv" | "txt" => csv_rows(path)?,
            "xlsx" | "xlsm" | "xls" | "ods" => sheet_rows(path)?,
            _ => {
                return Err(RosterError::Unsupported {
                    path: path.to_path_buf(),
                })
            }
        };
        Roster::from_rows(path, &rows)
    }

    /// Build a roster from rows of cell texts (row `i` is line `i + 1` of the file).
    pub fn from_rows(path: &Path, rows: &[Vec<String>]) -> Result<Roster, RosterError> {
        let (header_row, columns) = find_header(rows).ok_or_else(|| RosterError::NoHeader {
            path: path.to_path_buf(),
        })?;
        let mut units = Vec::new();
        let mut problems = Vec::new();
        for (i, cells) in rows.iter().enumerate().skip(header_row + 1) {
            let cell = |c: usize| columns[c].and_then(|j| cells.get(j)).map(|s| clean(s));
            if (0..COLUMNS.len()).all(|c| cell(c).is_none_or(str::is_empty)) {
                continue;
            }
            match parse_unit(path, i as u32 + 1, &cell) {
                Ok(unit) => units.push(unit),
                Err(problem) => problems.push(problem),
            }
        }
        let roster = Roster {
            path: path.to_path_buf(),
            units,
        };
        problems.extend(roster.duplicates());
        problems.sort_by_key(RosterError::row);
        match problems.len() {
            0 if roster.units.is_empty() => Err(RosterError::NoUnits {
                path: path.to_path_buf(),
            }),
            0 => Ok(roster),
            1 => Err(problems.remove(0)),
            _ => Err(RosterError::Rows {
                path: path.to_path_buf(),
                problems,
            }),
        }
    }

    /// Every unit whose code or name an earlier row already has.
    fn duplicates(&self) -> Vec<RosterError> {
        let path = || self.path.clone();
        let mut problems = Vec::new();
        let (mut codes, mut names) = (HashMap::new(), HashMap::new());
        for unit in &self.units {
            if let Some(&first_row) = codes.get(unit.code.as_str()) {
                problems.push(RosterError::DuplicateCode {
                    path: path(),
                    row: unit.row,
                    first_row,
                    code: unit.code.clone(),
                });
            }
            codes.entry(unit.code.as_str()).or_insert(unit.row);
            let key = name_key(&unit.name);
            if let Some(&first_row) = names.get(&key) {
                problems.push(RosterError::DuplicateName {
                    path: path(),
                    row: unit.row,
                    first_row,
                    name: unit.name.clone(),
                });
            }
            names.entry(key).or_insert(unit.row);
        }
        problems
    }

    /// The unit with this code (codes are compared width-folded, without spaces).
    pub fn by_code(&self, code: &str) -> Option<usize> {
        let code = code_key(code);
        (!code.is_empty())
            .then(|| self.units.iter().position(|u| u.code == code))
            .flatten()
    }

    /// The unit with exactly this name (after folding widths and spaces).
    pub fn by_name(&self, name: &str) -> Option<usize> {
        let name = name_key(name);
        (!name.is_empty())
            .then(|| self.units.iter().position(|u| name_key(&u.name) == name))
            .flatten()
    }
}

/// A unit name as compared: width-folded, without any space.
pub fn name_key(name: &str) -> String {
    fold(name).chars().filter(|c| !c.is_whitespace()).collect()
}

/// A code as compared: width-folded, without any space.
pub fn code_key(code: &str) -> String {
    name_key(code)
}

fn clean(text: &str) -> &str {
    normalize::clean(text)
}

fn parse_unit<'a>(
    path: &Path,
    row: u32,
    cell: &dyn Fn(usize) -> Option<&'a str>,
) -> Result<RosterUnit, RosterError> {
    let path = path.to_path_buf();
    let code = code_key(cell(0).unwrap_or_default());
    let name = cell(1).unwrap_or_default().to_string();
    if code.is_empty() {
        return Err(RosterError::EmptyCode { path, row, name });
    }
    if name.is_empty() {
        return Err(RosterError::EmptyName { path, row, code });
    }
    let kind_text = cell(2).unwrap_or_default();
    let kind = UnitKind::parse(kind_text).ok_or_else(|| RosterError::BadKind {
        path,
        row,
        value: kind_text.to_string(),
    })?;
    let optional = |c: usize| cell(c).filter(|s| !s.is_empty()).map(str::to_string);
    Ok(RosterUnit {
        code,
        name,
        kind,
        contact: optional(3),
        phone: optional(4),
        row,
    })
}

/// The header row and, per roster column, the index of its cell; `None` when a required
/// column is missing from every candidate row.
fn find_header(rows: &[Vec<String>]) -> Option<(usize, Vec<Option<usize>>)> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, cells)| {
            let folded: Vec<String> = cells.iter().map(|c| fold_header(c)).collect();
            let columns: Vec<Option<usize>> = COLUMNS
                .iter()
                .map(|(header, aliases, _)| {
                    let names: Vec<String> = std::iter::once(header)
                        .chain(aliases.iter())
                        .map(|h| fold_header(h))
                        .collect();
                    names
                        .iter()
                        .find_map(|n| folded.iter().position(|f| f == n))
                })
                .collect();
            let complete = COLUMNS
                .iter()
                .zip(&columns)
                .all(|((_, _, required), found)| !required || found.is_some());
            complete.then_some((i, columns))
        })
}

/// The first visible worksheet's cells as text, row by row.
fn sheet_rows(path: &Path) -> Result<Vec<Vec<String>>, RosterError> {
    let wrap = |source| RosterError::Workbook {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let mut workbook = Workbook::open(path, &Limits::default()).map_err(wrap)?;
    let first = workbook
        .infos
        .iter()
        .find(|s| s.visible && s.is_worksheet)
        .map(|s| s.name.clone());
    let Some(name) = first else {
        return Ok(Vec::new());
    };
    let grid = workbook.load(&name).map_err(wrap)?;
    Ok(grid_rows(&grid))
}

fn grid_rows(grid: &Grid) -> Vec<Vec<String>> {
    let (Some((_, last_row)), Some((_, last_col))) = (grid.rows(), grid.cols()) else {
        return Vec::new();
    };
    (0..=last_row)
        .map(|r| {
            (0..=last_col)
                .map(|c| normalize::raw_text(grid.get(r, c)))
                .collect()
        })
        .collect()
}

/// A CSV file's records as text, decoded from UTF-8 (with or without BOM), UTF-16 with BOM,
/// or GBK.
fn csv_rows(path: &Path) -> Result<Vec<Vec<String>>, RosterError> {
    let bytes = std::fs::read(path).map_err(|source| RosterError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode(&bytes).ok_or_else(|| RosterError::Encoding {
        path: path.to_path_buf(),
    })?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| RosterError::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// Text of a CSV file: a BOM decides; else UTF-8 when valid; else GBK when valid.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}
