//! Reading a ledger written by `taizhang ledger` back into organizations.
//!
//! The year-end comparison (晋位升级) may take the April ledger instead of the April files, so a
//! ledger must give back exactly what went into it: every normalized value, the five survey
//! points, total, tier, trail and the source file and row. Columns are found by their header
//! text, and the expected headers come from [`detail::columns`] and the schema, so a column
//! added, moved or renamed in the ledger writer is followed here (or refused loudly), never
//! read from the wrong place.

use crate::form::Record;
use crate::issue::{Code, Issue};
use crate::ledger::continued::part_name;
use crate::ledger::detail;
use crate::marker;
use crate::normalize::{self, Value};
use crate::read::{Grid, Limits, ReadError, Workbook};
use crate::rules::{Rules, Tier};
use crate::schema::{fold_header, org, Kind, ORGANIZATIONS};
use calamine::Data;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// 台账明细 headers that are not form columns; each is checked against [`detail::columns`]
/// by a test, so renaming one there fails the build's tests instead of silently losing it.
pub const UNIT_CODE: &str = "单位代码";
pub const UNIT_NAME: &str = "单位名称";
pub const TOTAL: &str = "总分";
pub const TIER: &str = "核定等次";
pub const TRAIL: &str = "扣分说明";
pub const STATUS: &str = "校验状态";
pub const SOURCE_FILE: &str = "来源文件";
pub const SOURCE_ROW: &str = "来源行";
/// The department's decision beside the standard's tier; ledgers written before decisions
/// existed lack these columns, so they are read when present and never missed.
pub const DECIDED: &str = "审定等次";
pub const BASIS: &str = "依据";
pub const FINAL: &str = "最终等次";
const OPTIONAL: [&str; 3] = [DECIDED, BASIS, FINAL];

/// Why a ledger could not be read back at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadbackError {
    /// The file could not be opened (missing, corrupt, refused by the guard).
    #[error("无法读取台账 {path}：{source}")]
    Read {
        path: PathBuf,
        #[source]
        source: Box<ReadError>,
    },
    /// The workbook has no hidden `_meta` sheet marking it as a ledger written by taizhang.
    #[error("{path} 不是本程序生成的分类管理台账（缺少台账标记）")]
    NotALedger { path: PathBuf },
    /// The ledger has no 台账明细 sheet, or it has no header row.
    #[error("台账 {path} 中找不到“{sheet}”表")]
    NoDetailSheet { path: PathBuf, sheet: &'static str },
}

/// One organization as the ledger recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerOrg {
    pub unit_code: String,
    pub unit_name: String,
    /// The normalized values, indexed like the schema; `row` is the 0-based source row.
    /// 序号 is not in the ledger and stays empty.
    pub record: Record,
    /// The five survey points' scores, in scoring order (`None` where not computed).
    pub points: Vec<Option<u32>>,
    pub total: Option<u32>,
    /// The tier's name as written (核定等次).
    pub tier_name: String,
    /// The tier under the rules given; `None` when the name is not one of their tiers.
    pub tier: Option<Tier>,
    /// The department's decision as the ledger recorded it: 审定等次 and 依据.
    pub decided: Option<(String, String)>,
    /// 最终等次 as written, when the ledger has that column; empty otherwise.
    pub final_tier: String,
    /// 扣分说明, the trail joined by "；".
    pub trail: String,
    /// 校验状态 (通过 / 有警告 / 有错误).
    pub status: String,
    /// The returned file, relative to the inbox the ledger was made from.
    pub source_file: String,
    /// 1-based row in the returned file.
    pub source_row: u32,
    /// 1-based row in 台账明细 (to name the ledger's cell in messages).
    pub ledger_row: u32,
}

impl LedgerOrg {
    /// 最终等次 as the ledger recorded it: the column when the ledger has it, else the
    /// decision's 审定等次, else 核定等次 (a ledger written before decisions existed).
    pub fn final_tier_name(&self) -> &str {
        match (self.final_tier.trim(), &self.decided) {
            ("", Some((decided, _))) => decided,
            ("", None) => &self.tier_name,
            (tier, _) => tier,
        }
    }
}

/// A ledger read back: its organizations in ledger order and what was wrong with it.
#[derive(Debug, Clone, Default)]
pub struct LedgerReadback {
    pub path: PathBuf,
    pub organizations: Vec<LedgerOrg>,
    /// Missing columns and unknown tiers, located in 台账明细.
    pub issues: Vec<Issue>,
}

/// Whether `path` is a ledger written by taizhang (its hidden `_meta` sheet says so).
pub fn is_ledger(path: &Path, limits: &Limits) -> bool {
    Workbook::open(path, limits)
        .ok()
        .and_then(|mut w| w.meta_value(marker::OUTPUT_KEY))
        .is_some_and(|kind| kind == marker::LEDGER)
}

/// The headers 台账明细 has under `rules`, as [`detail::columns`] writes them, but for the
/// decision's (read when present).
pub fn expected_headers(rules: &Rules) -> Vec<String> {
    detail::columns(rules)
        .into_iter()
        .map(|c| c.header)
        .filter(|h| !OPTIONAL.contains(&h.as_str()))
        .collect()
}

/// Read the organizations of a ledger back. `rules` names the tiers and survey points; a
/// column missing from the file is an [`Code::LedgerColumnMissing`] issue and reads as empty.
pub fn read_ledger(
    path: &Path,
    rules: &Rules,
    limits: &Limits,
) -> Result<LedgerReadback, ReadbackError> {
    let read_error = |source| ReadbackError::Read {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let mut workbook = Workbook::open(path, limits).map_err(read_error)?;
    if workbook.meta_value(marker::OUTPUT_KEY).as_deref() != Some(marker::LEDGER) {
        return Err(ReadbackError::NotALedger {
            path: path.to_path_buf(),
        });
    }
    let no_sheet = || ReadbackError::NoDetailSheet {
        path: path.to_path_buf(),
        sheet: detail::SHEET,
    };
    if !workbook.infos.iter().any(|s| s.name == detail::SHEET) {
        return Err(no_sheet());
    }
    let mut back = LedgerReadback {
        path: path.to_path_buf(),
        ..LedgerReadback::default()
    };
    for part in 0.. {
        let sheet = part_name(detail::SHEET, part);
        if !workbook.infos.iter().any(|s| s.name == sheet) {
            break;
        }
        let grid = workbook.load(&sheet).map_err(read_error)?;
        let Some((first, last)) = grid.rows() else {
            if part == 0 {
                return Err(no_sheet());
            }
            continue;
        };
        let columns = Columns::locate(&grid, first, rules);
        if part == 0 {
            back.issues = columns.missing_issues();
        }
        for row in first + 1..=last {
            if let Some(found) = columns.read_row(&grid, row, rules) {
                if found.tier.is_none() {
                    back.issues
                        .push(unknown_tier(&sheet, &columns, row, &found, rules));
                }
                back.organizations.push(found);
            }
        }
    }
    Ok(back)
}

/// Where each expected header was found in the header row.
struct Columns {
    /// Header text → 0-based sheet column.
    found: HashMap<String, u32>,
    missing: Vec<String>,
    /// Survey point headers in scoring order.
    points: Vec<String>,
    header_row: u32,
}

impl Columns {
    fn locate(grid: &Grid, header_row: u32, rules: &Rules) -> Columns {
        let mut found = HashMap::new();
        if let Some((c0, c1)) = grid.cols() {
            for col in c0..=c1 {
                let text = normalize::text(grid.get(header_row, col));
                found.entry(text).or_insert(col);
            }
        }
        let expected = expected_headers(rules);
        let missing = expected
            .iter()
            .filter(|h| !found.contains_key(*h))
            .cloned()
            .collect();
        let points = rules
            .survey_point_names()
            .iter()
            .filter_map(|name| {
                expected
                    .iter()
                    .find(|h| fold_header(h) == fold_header(name))
                    .cloned()
            })
            .collect();
        Columns {
            found,
            missing,
            points,
            header_row,
        }
    }

    fn missing_issues(&self) -> Vec<Issue> {
        self.missing
            .iter()
            .map(|h| {
                Issue::sheet(
                    Code::LedgerColumnMissing,
                    detail::SHEET,
                    format!(
                        "“{}”表第 {} 行表头中找不到“{h}”列，该列按空读取；请用本版本重新生成台账",
                        detail::SHEET,
                        self.header_row + 1
                    ),
                )
            })
            .collect()
    }

    fn cell<'g>(&self, grid: &'g Grid, row: u32, header: &str) -> &'g Data {
        match self.found.get(header) {
            Some(&col) => grid.get(row, col),
            None => &Data::Empty,
        }
    }

    fn text(&self, grid: &Grid, row: u32, header: &str) -> String {
        normalize::text(self.cell(grid, row, header))
    }

    fn number(&self, grid: &Grid, row: u32, header: &str) -> Option<u32> {
        match self.cell(grid, row, header) {
            Data::Float(f) if *f >= 0.0 && f.fract() == 0.0 => Some(*f as u32),
            Data::Int(i) => u32::try_from(*i).ok(),
            _ => None,
        }
    }

    /// One organization, or `None` for a row without a name (nothing was written there).
    fn read_row(&self, grid: &Grid, row: u32, rules: &Rules) -> Option<LedgerOrg> {
        let name_header = ORGANIZATIONS.columns[org::NAME].header;
        if self.text(grid, row, name_header).is_empty() {
            return None;
        }
        let source_row = self.number(grid, row, SOURCE_ROW).unwrap_or(0);
        let mut record = Record::new(source_row.saturating_sub(1), ORGANIZATIONS.columns.len());
        for (i, column) in ORGANIZATIONS.columns.iter().enumerate() {
            if i != org::SEQ {
                record.values[i] = value(&column.kind, self.cell(grid, row, column.header));
            }
        }
        let tier_name = self.text(grid, row, TIER);
        let decided = Some(self.text(grid, row, DECIDED))
            .filter(|t| !t.is_empty())
            .map(|t| (t, self.text(grid, row, BASIS)));
        Some(LedgerOrg {
            decided,
            unit_code: self.text(grid, row, UNIT_CODE),
            unit_name: self.text(grid, row, UNIT_NAME),
            record,
            points: self
                .points
                .iter()
                .map(|h| self.number(grid, row, h))
                .collect(),
            total: self.number(grid, row, TOTAL),
            tier: rules.tier_by_name(&tier_name),
            tier_name,
            final_tier: self.text(grid, row, FINAL),
            trail: self.text(grid, row, TRAIL),
            status: self.text(grid, row, STATUS),
            source_file: self.text(grid, row, SOURCE_FILE),
            source_row,
            ledger_row: row + 1,
        })
    }
}

/// A ledger cell as the value that was written. Percentages are read as written: a stored 1
/// is 1%, not the fraction 100% a clerk's 1 would mean in a form.
fn value(kind: &Kind, cell: &Data) -> Option<Value> {
    match (kind, cell) {
        (Kind::Percent, Data::Float(f)) => Some(Value::Number(*f)),
        (Kind::Percent, Data::Int(i)) => Some(Value::Number(*i as f64)),
        _ => normalize::normalize(kind, cell).ok().flatten(),
    }
}

fn unknown_tier(
    sheet: &str,
    columns: &Columns,
    row: u32,
    found: &LedgerOrg,
    rules: &Rules,
) -> Issue {
    let col = columns.found.get(TIER).copied().unwrap_or(0);
    let mut issue = Issue::cell(
        Code::LedgerTierDiffers,
        sheet,
        (row, col),
        "org_name",
        Some(found.tier_name.clone()),
        format!(
            "“{}”表 {} 的核定等次“{}”不是本次评分标准的等次（{}），该党组织按本次标准重新核定",
            sheet,
            crate::cellref::a1(row, col),
            found.tier_name,
            rules.tier_names().join("、")
        ),
    );
    issue.field = None;
    issue
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_headers_are_columns_of_the_detail_sheet() {
        let headers: Vec<String> = (detail::columns(&Rules::embedded()).into_iter())
            .map(|c| c.header)
            .collect();
        for h in [
            UNIT_CODE,
            UNIT_NAME,
            TOTAL,
            TIER,
            TRAIL,
            STATUS,
            SOURCE_FILE,
            SOURCE_ROW,
            DECIDED,
            BASIS,
            FINAL,
        ] {
            assert!(headers.iter().any(|x| x == h), "{h} not in 台账明细");
        }
    }

    #[test]
    fn every_form_column_but_seq_is_in_the_detail_sheet() {
        let headers = expected_headers(&Rules::embedded());
        for (i, c) in ORGANIZATIONS.columns.iter().enumerate() {
            let present = headers.iter().any(|h| h == c.header);
            assert_eq!(present, i != org::SEQ, "{}", c.header);
        }
    }

    #[test]
    fn survey_points_are_found_for_every_rules_file() {
        for text in [crate::rules::EMBEDDED_TOML, crate::rules::FOUR_GRADE_TOML] {
            let rules = Rules::from_toml_str(text, "test").expect("rules");
            let grid = Grid::new("t", calamine::Range::new((0, 0), (0, 0)));
            assert_eq!(Columns::locate(&grid, 0, &rules).points.len(), 5);
        }
    }
}
