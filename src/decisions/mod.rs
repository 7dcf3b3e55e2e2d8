//! The department's decisions (审定意见): a tier the department sets for an organization for a
//! reason it records (a 督查 visit, a county decision), kept in a workbook of its own so that
//! no later run can lose it.
//!
//! The standard's verdict stays the 核定等次; the decision is carried beside it
//! ([`Classification::decided`]) and the final tier (最终等次,
//! [`Classification::final_tier`]) is what every count, share and comparison uses.
//!
//! The workbook (`template --decisions` writes a blank one, [`form`]) has one row per decision:
//! 单位名称, 党组织编码, 党组织名称, 审定等次, 依据, 审定人, 审定日期. A decision names its
//! organization within its unit (a code is unique only within a return): by code, else, for
//! a row without one, by name. A row that cannot be used (no unit, no organization, no 依据,
//! a tier outside the standard) is an issue on its cell and is not applied; so is one whose
//! organization is in no return, which is only known once every return is in
//! ([`Applied::outcome`]). Of two rows on one organization, however each names it, the lower
//! one counts (a later decision is written below an earlier one).

pub mod form;
mod read;

pub use read::DecisionsError;

use crate::check::FileReport;
use crate::form::Record;
use crate::issue::{Code, Issue};
use crate::roster::{code_key, name_key};
use crate::rules::{Classification, Decided, Rules, Tier};
use crate::schema::org;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The sheet of the decisions workbook, and of the ledger listing what became of each.
pub const SHEET: &str = "审定意见";

/// One usable row of the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// 单位名称 as typed (or the unit's code): the organization is looked for in that unit.
    pub unit: String,
    pub code: Option<String>,
    pub name: String,
    pub tier: Tier,
    pub basis: String,
    pub by: Option<String>,
    pub on: Option<NaiveDate>,
    /// 1-based row in the workbook.
    pub row: u32,
    /// Its 党组织名称 cell (党组织编码 when the name is blank), for messages: "C5".
    pub cell: String,
}

impl Decision {
    /// The organization as the department named it: "“白马镇·城关村党支部”（编码 001）".
    pub fn label(&self) -> String {
        let code = (self.code.as_deref()).map_or(String::new(), |c| format!("（编码 {c}）"));
        match self.name.is_empty() {
            true => format!("“{}”的党组织{code}", self.unit),
            false => format!("“{}·{}”{code}", self.unit, self.name),
        }
    }

    /// Whether the decision is about an organization of the unit `(code, name)`.
    fn in_unit(&self, (code, name): (&str, &str)) -> bool {
        let unit = name_key(&self.unit);
        unit == name_key(name) || unit == code_key(code)
    }

    /// 依据 with 审定人 and 审定日期, as the ledger shows it.
    fn basis_text(&self) -> String {
        let who: Vec<String> = (self.by.iter().cloned())
            .chain(self.on.map(|d| d.to_string()))
            .collect();
        match who.is_empty() {
            true => self.basis.clone(),
            false => format!("{}（{}）", self.basis, who.join(" ")),
        }
    }
}

/// A decisions workbook, read: its usable decisions and the problems of the others.
#[derive(Debug, Clone)]
pub struct Decisions {
    pub path: PathBuf,
    pub sheet: String,
    pub list: Vec<Decision>,
    /// Rows that cannot be used (each on its cell).
    pub issues: Vec<Issue>,
    /// The decisions with a code, by it; those without, by name.
    by_code: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Decisions {
    /// Read a decisions workbook (behind the guard) against the tiers of `rules`.
    pub fn read(
        path: &Path,
        rules: &Rules,
        limits: &crate::read::Limits,
    ) -> Result<Decisions, DecisionsError> {
        read::read(path, rules, limits)
    }

    fn new(path: &Path, sheet: String, list: Vec<Decision>, issues: Vec<Issue>) -> Decisions {
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in list.iter().enumerate() {
            match &d.code {
                Some(code) => by_code.entry(code.clone()).or_default().push(i),
                None => by_name.entry(name_key(&d.name)).or_default().push(i),
            }
        }
        Decisions {
            path: path.to_path_buf(),
            sheet,
            list,
            issues,
            by_code,
            by_name,
        }
    }

    /// Every decision on an organization of the unit `(code, name)`, in row order (the last
    /// one counts): those naming its code, and those without a code naming its name.
    pub fn on(&self, unit: (&str, &str), record: &Record) -> Vec<usize> {
        let code = record.text(org::CODE).map(code_key);
        let by_code = code.and_then(|c| self.by_code.get(&c));
        let by_name = record
            .org_name()
            .and_then(|n| self.by_name.get(&name_key(n)));
        let mut found: Vec<usize> = (by_code.into_iter().chain(by_name).flatten())
            .copied()
            .filter(|&i| self.list[i].in_unit(unit))
            .collect();
        found.sort_unstable();
        found
    }

    /// The file name, for the ledger's lists.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// W603: a row replaced by a lower row on the same organization.
fn replaced_by(sheet: &str, earlier: &Decision, later: u32) -> Issue {
    let message = format!(
        "第 {} 行对{}的审定被第 {later} 行替代，以第 {later} 行为准；如两行都要保留，请核对党组织编码或名称",
        earlier.row,
        earlier.label()
    );
    on_row(Code::DecisionReplaced, sheet, earlier, message)
}

/// An issue on the row of decision `d`, at its organization's cell.
fn on_row(code: Code, sheet: &str, d: &Decision, message: String) -> Issue {
    let mut issue = Issue::sheet(code, sheet, message);
    issue.row = Some(d.row);
    issue.cell = Some(d.cell.clone());
    issue
}

/// The organizations a run's decisions were applied to, gathered as the reports pass (in
/// parallel, and a part of a file more than once when its feedback needs it whole).
#[derive(Debug, Default)]
pub struct Applied {
    /// (decision, file, sheet, 0-based source row) → the organization.
    found: Mutex<BTreeMap<(usize, usize, u32, u32), Found>>,
    /// Decisions a lower row on the same organization replaced: → that row.
    replaced: Mutex<BTreeMap<usize, u32>>,
}

/// An organization a decision was applied to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub unit: String,
    pub organization: String,
    /// Its 核定等次, by the standard.
    pub rated: String,
}

impl Applied {
    /// Apply `decisions` to the organizations of `report` (file `file` of the run, of the unit
    /// `(code, name)`), recording each.
    pub fn apply(
        &self,
        decisions: &Decisions,
        rules: &Rules,
        (file, unit): (usize, (&str, &str)),
        report: &mut FileReport,
    ) {
        let FileReport {
            form: Some(form),
            classifications,
            ..
        } = report
        else {
            return;
        };
        let mut issues = Vec::new();
        let mut planless = Vec::new();
        for (record, c) in form.organizations.iter().zip(classifications) {
            if !self.apply_one(decisions, rules, (file, unit), record, c) {
                continue;
            }
            let Some(table) = form.org_location(record) else {
                continue;
            };
            issues.extend(rules.decided_plan_missing(record, c, &table.sheet, table));
            if !rules.is_lagging(c.final_tier()) {
                // Decided out of 后进: no plan is owed (W202 was said before the decision).
                planless.push((table.sheet.clone(), record.row + 1));
            }
        }
        form.issues.retain(|i| {
            let owed = (i.sheet.clone(), i.row.unwrap_or(0));
            i.code != Code::LaggardWithoutPlan || !planless.contains(&owed)
        });
        form.issues.extend(issues);
        form.sort_issues();
    }

    /// [`Applied::apply`] to one organization (`file` numbers it with its row); whether a
    /// decision was.
    pub fn apply_one(
        &self,
        decisions: &Decisions,
        rules: &Rules,
        (file, unit): (usize, (&str, &str)),
        record: &Record,
        c: &mut Classification,
    ) -> bool {
        let on = decisions.on(unit, record);
        let Some((&i, earlier)) = on.split_last() else {
            return false;
        };
        let found = Found {
            unit: unit.1.to_string(),
            organization: record.org_name().unwrap_or_default().to_string(),
            rated: rules.tier_name(c.tier).to_string(),
        };
        let decision = &decisions.list[i];
        decide(c, decision);
        let key = (i, file, record.table, record.row);
        self.found
            .lock()
            .expect("decisions lock")
            .insert(key, found);
        let mut replaced = self.replaced.lock().expect("decisions lock");
        for &e in earlier {
            replaced.insert(e, decision.row);
        }
        true
    }

    /// What became of every row, once every return is in.
    pub fn outcome(self, decisions: &Decisions) -> Outcome {
        let found = self.found.into_inner().expect("decisions lock");
        let replaced = self.replaced.into_inner().expect("decisions lock");
        let mut rows: Vec<Vec<Found>> = vec![Vec::new(); decisions.list.len()];
        for ((i, ..), f) in found {
            rows[i].push(f);
        }
        let mut issues = decisions.issues.clone();
        let sheet = &decisions.sheet;
        for (i, (d, found)) in decisions.list.iter().zip(&rows).enumerate() {
            match (found.len(), replaced.get(&i)) {
                (0, Some(&later)) => issues.push(replaced_by(sheet, d, later)),
                (0, None) => issues.push(not_found(sheet, d)),
                (1, _) => {}
                (n, _) => issues.push(several(sheet, d, n)),
            }
        }
        issues.sort_by_key(|i| i.row);
        Outcome {
            file: decisions.file_name(),
            decisions: decisions.list.clone(),
            found: rows,
            issues,
        }
    }
}

/// Set `decision` on a classification.
pub fn decide(c: &mut Classification, decision: &Decision) {
    c.decided = Some(Decided {
        tier: decision.tier,
        basis: decision.basis_text(),
    });
}

/// E604: a decision on an organization no return has.
fn not_found(sheet: &str, d: &Decision) -> Issue {
    let message = format!(
        "第 {} 行审定的{}在该单位的报表中找不到，未采用；请核对单位名称（也可填单位代码）、党组织编码和名称",
        d.row,
        d.label()
    );
    on_row(Code::DecisionNotFound, sheet, d, message)
}

/// W605: a decision by name that more than one organization answers to.
fn several(sheet: &str, d: &Decision, n: usize) -> Issue {
    let message = format!(
        "第 {} 行审定的{}在该单位的报表中对应到 {n} 个党组织（编码或名称重复），已全部采用；请该单位改正报表中重复的党组织",
        d.row,
        d.label()
    );
    on_row(Code::DecisionAmbiguous, sheet, d, message)
}

/// What became of a decisions workbook in one run: every usable row with the organizations it
/// was applied to, and every problem.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub file: String,
    pub decisions: Vec<Decision>,
    /// Parallel to `decisions`.
    pub found: Vec<Vec<Found>>,
    pub issues: Vec<Issue>,
}

impl Outcome {
    /// Decisions applied to at least one organization.
    pub fn applied(&self) -> usize {
        self.found.iter().filter(|f| !f.is_empty()).count()
    }

    /// The figures for `--format json`.
    pub fn summary(&self) -> Summary {
        Summary {
            file: self.file.clone(),
            decisions: self.decisions.len(),
            applied: self.applied(),
            issues: self.issues.clone(),
        }
    }
}

/// `decisions` in the ledger's and the upgrade's JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub file: String,
    /// Usable rows.
    pub decisions: usize,
    /// Of those, applied to an organization.
    pub applied: usize,
    pub issues: Vec<Issue>,
}

impl Summary {
    /// One line for the terminal; `listed` says where the problems are listed.
    pub fn to_text(&self, listed: &str) -> String {
        let problems = match self.issues.len() {
            0 => String::new(),
            n => format!("；{n} 处问题（见{listed}）"),
        };
        format!(
            "审定意见：{} 共 {} 条，已采用 {} 条{problems}\n",
            self.file, self.decisions, self.applied
        )
    }
}
