//! Reading a decisions workbook: the header found by its text (a title row may sit above it,
//! columns in any order), each row checked on its cells.

use super::{Decision, Decisions, SHEET};
use crate::dates;
use crate::issue::{Code, Issue};
use crate::normalize;
use crate::read::{Grid, Limits, ReadError, Workbook};
use crate::roster::code_key;
use crate::rules::{Rules, Tier};
use crate::schema::fold_header;
use calamine::Data;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Why a decisions workbook cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum DecisionsError {
    #[error("找不到审定意见表 {}", path.display())]
    NotFound { path: PathBuf },
    /// Opening failed, or the guard refused the file.
    #[error("无法读取审定意见表 {}：{}", path.display(), source.message())]
    Read {
        path: PathBuf,
        #[source]
        source: Box<ReadError>,
    },
    #[error("审定意见表 {} 中找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“单位名称”“党组织名称”“审定等次”“依据”的一行（可用 taizhang template --decisions 生成空白审定意见表）", path.display())]
    NoHeader { path: PathBuf },
}

/// Rows searched for the header.
const HEADER_SEARCH_ROWS: u32 = 10;

/// The columns: header, aliases, required. Their order is [`Col`]'s.
pub(super) const COLUMNS: [(&str, &[&str], bool); 7] = [
    ("单位名称", &["所属单位", "乡镇街", "单位"], true),
    ("党组织编码", &["组织编码", "党组织代码"], false),
    ("党组织名称", &["组织名称", "党组织全称"], true),
    ("审定等次", &["审定结果", "审定"], true),
    ("依据", &["审定依据", "理由", "原因"], true),
    ("审定人", &["审定单位", "经办人"], false),
    ("审定日期", &["日期", "审定时间"], false),
];

#[derive(Clone, Copy)]
enum Col {
    Unit,
    Code,
    Name,
    Tier,
    Basis,
    By,
    On,
}

pub(super) fn read(
    path: &Path,
    rules: &Rules,
    limits: &Limits,
) -> Result<Decisions, DecisionsError> {
    if !path.is_file() {
        return Err(DecisionsError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let wrap = |source| DecisionsError::Read {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let mut book = Workbook::open(path, limits).map_err(wrap)?;
    let names: Vec<String> = (book.infos.iter())
        .filter(|s| s.visible && s.is_worksheet)
        .map(|s| s.name.clone())
        .collect();
    // The sheet of that name, else the first visible one.
    let name = (names.iter().find(|n| n.as_str() == SHEET))
        .or(names.first())
        .cloned();
    let no_header = || DecisionsError::NoHeader {
        path: path.to_path_buf(),
    };
    let grid = book.load(&name.ok_or_else(no_header)?).map_err(wrap)?;
    let (header, columns) = find_header(&grid).ok_or_else(no_header)?;
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    let last = grid.rows().map_or(0, |(_, last)| last);
    for r in header + 1..=last {
        let row = Row {
            grid: &grid,
            r,
            columns: &columns,
        };
        if row.is_blank() {
            continue;
        }
        match row.decision(rules, &mut issues) {
            Some(d) => rows.push(d),
            None => continue,
        }
    }
    Ok(Decisions::new(path, grid.name.clone(), rows, issues))
}

/// The header row and the column of each of [`COLUMNS`].
fn find_header(grid: &Grid) -> Option<(u32, Vec<Option<u32>>)> {
    let (first, last) = grid.rows()?;
    let (_, last_col) = grid.cols()?;
    (first..=last.min(first + HEADER_SEARCH_ROWS)).find_map(|r| {
        let folded: Vec<String> = (0..=last_col)
            .map(|c| fold_header(&normalize::raw_text(grid.get(r, c))))
            .collect();
        let columns: Vec<Option<u32>> = (COLUMNS.iter())
            .map(|(header, aliases, _)| {
                std::iter::once(header)
                    .chain(aliases.iter())
                    .map(|h| fold_header(h))
                    .find_map(|h| folded.iter().position(|f| *f == h))
                    .map(|c| c as u32)
            })
            .collect();
        let complete =
            (COLUMNS.iter().zip(&columns)).all(|((.., required), c)| !required || c.is_some());
        complete.then_some((r, columns))
    })
}

/// One row under the header.
struct Row<'a> {
    grid: &'a Grid,
    r: u32,
    columns: &'a [Option<u32>],
}

impl Row<'_> {
    fn cell(&self, col: Col) -> &Data {
        match self.columns[col as usize] {
            Some(c) => self.grid.get(self.r, c),
            None => &Data::Empty,
        }
    }

    fn text(&self, col: Col) -> Option<String> {
        let text = normalize::text(self.cell(col));
        (!text.is_empty()).then_some(text)
    }

    fn is_blank(&self) -> bool {
        self.columns
            .iter()
            .flatten()
            .all(|&c| normalize::is_blank(self.grid.get(self.r, c)))
    }

    /// An issue on the cell of `col` in this row.
    fn issue(&self, code: Code, col: Col, message: String) -> Issue {
        let c = self.columns[col as usize].unwrap_or(0);
        let raw = normalize::raw_text(self.cell(col));
        let mut issue = Issue::sheet(code, &self.grid.name, message);
        issue.cell = Some(crate::cellref::a1(self.r, c));
        issue.row = Some(self.r + 1);
        issue.value = (!raw.is_empty()).then_some(raw);
        issue
    }

    /// The row's decision, or `None` with its problems in `issues`.
    fn decision(&self, rules: &Rules, issues: &mut Vec<Issue>) -> Option<Decision> {
        let row = self.r + 1;
        let name = self.text(Col::Name);
        let code = Some(code_key(&normalize::code(self.cell(Col::Code)))).filter(|c| !c.is_empty());
        let tier = self.tier(rules, issues);
        let basis = self.text(Col::Basis);
        let unit = self.text(Col::Unit);
        let mut usable = tier.is_some();
        if unit.is_none() {
            let message = format!("第 {row} 行：单位名称为空；请填写党组织所在的乡镇、街道或县级部门（党组织编码只在本单位内不重复），本行未采用");
            issues.push(self.issue(Code::DecisionIncomplete, Col::Unit, message));
            usable = false;
        }
        if name.is_none() && code.is_none() {
            let message = format!(
                "第 {row} 行：党组织名称和党组织编码都为空，不知审定的是哪个党组织，本行未采用"
            );
            issues.push(self.issue(Code::DecisionIncomplete, Col::Name, message));
            usable = false;
        }
        if basis.is_none() {
            let message = format!("第 {row} 行：依据为空；审定等次须写明依据（如督查发现的问题、县委决定），本行未采用");
            issues.push(self.issue(Code::DecisionIncomplete, Col::Basis, message));
            usable = false;
        }
        let on = self.date(issues);
        let at = match name.is_some() {
            true => Col::Name,
            false => Col::Code,
        };
        let cell = crate::cellref::a1(self.r, self.columns[at as usize].unwrap_or(0));
        usable.then(|| Decision {
            cell,
            unit: unit.expect("usable"),
            code,
            name: name.unwrap_or_default(),
            tier: tier.expect("usable"),
            basis: basis.expect("usable"),
            by: self.text(Col::By),
            on,
            row,
        })
    }

    /// 审定等次: one of the standard's rated tiers.
    fn tier(&self, rules: &Rules, issues: &mut Vec<Issue>) -> Option<Tier> {
        let text = self.text(Col::Tier).unwrap_or_default();
        let tier = rules
            .tier_by_name(&normalize::fold(&text))
            .filter(|t| *t != Tier::Pending);
        if tier.is_none() {
            let found = match text.is_empty() {
                true => "为空".to_string(),
                false => format!("填的是“{text}”"),
            };
            let message = format!(
                "第 {} 行：审定等次{found}，应为评分标准中的等次之一：{}；本行未采用",
                self.r + 1,
                rules.tier_names().join("、")
            );
            issues.push(self.issue(Code::DecisionTierUnknown, Col::Tier, message));
        }
        tier
    }

    /// 审定日期, when it can be read; a date that cannot is a warning (the decision stands).
    fn date(&self, issues: &mut Vec<Issue>) -> Option<NaiveDate> {
        let date = match self.cell(Col::On) {
            Data::Empty => return None,
            Data::DateTime(dt) => dates::from_excel(dt),
            Data::Float(f) => dates::from_number(*f),
            Data::Int(i) => dates::from_number(*i as f64),
            Data::String(s) if normalize::clean(s).is_empty() => return None,
            Data::String(s) | Data::DateTimeIso(s) => dates::parse_text(&normalize::fold(s)),
            _ => None,
        };
        if date.is_none() {
            let message = format!(
                "第 {} 行：审定日期无法识别，应填写日期，如 2026-05-10；审定照常采用，台账中不写日期",
                self.r + 1
            );
            issues.push(self.issue(Code::DecisionDateUnreadable, Col::On, message));
        }
        date
    }
}
