//! The classification ledger (分类管理台账): discover → read in parallel → attribute → hand
//! each report to a sink in file order → the figures → the workbook, saved atomically.
//!
//! One pipeline ([`pipeline::run`]), three sinks ([`sink`]): [`write`] (the `ledger` command
//! and `watch`) streams the reports into the workbook; [`collect`] keeps them in memory
//! (tests); [`status`] keeps nothing but 报送情况.

pub(crate) mod continued;
pub(crate) mod counts;
pub(crate) mod coverage;
pub(crate) mod cross;
pub(crate) mod decided;
pub mod detail;
pub(crate) mod file_entry;
pub(crate) mod file_list;
pub(crate) mod files;
pub(crate) mod issues;
pub(crate) mod laggards;
pub mod model;
pub mod pipeline;
pub(crate) mod problems;
pub(crate) mod ranking;
pub(crate) mod rows;
pub mod sink;
pub(crate) mod spill;
pub(crate) mod style;
pub(crate) mod submissions;
pub(crate) mod summary;
pub mod unit_feedback;
pub(crate) mod units;
pub mod writer;

use crate::attribution::Placement;
use crate::check::{CheckOptions, FileReport};
use crate::discover::{self, Discovery};
use crate::rules::Tier;
use crate::stage::CollectedStage;
use crate::status::{Expectation, StatusReport};
use model::FileStatus;
pub use model::Ledger;
pub use pipeline::{Finished, LedgerSink, Progress, RunOptions, Stage};
use rust_xlsxwriter::XlsxError;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why no ledger could be written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("找不到收件文件夹 {path}")]
    NoInbox { path: PathBuf },
    /// A file was given where the inbox folder goes.
    #[error("{path} 是一个文件，不是收件文件夹：请给出存放报表的文件夹（检查单个报表请用 taizhang check）")]
    InboxIsFile { path: PathBuf },
    /// The output may not be written where asked ([`crate::output`]'s rule).
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(
        "无法写入临时文件（临时文件夹 {dir}）：{reason}。汇总时临时文件夹需有约每个党组织 2 KB 的空间，可用环境变量 TMPDIR 换一个文件夹",
        dir = std::env::temp_dir().display(),
        reason = crate::os_error::describe(.error)
    )]
    Scratch {
        /// Not a `source`: the message already says it in Chinese.
        error: std::io::Error,
    },
    #[error("写入台账失败：{}", crate::save::xlsx_words(source))]
    Write {
        #[source]
        source: XlsxError,
    },
    /// The finished workbook could not be saved in place.
    #[error("无法保存台账：{0}")]
    Save(#[from] crate::save::SaveError),
}

/// Settings of a ledger run.
#[derive(Debug, Clone)]
pub struct LedgerOptions {
    pub check: CheckOptions,
    /// Files never read as input (the run's own outputs).
    pub exclude: Vec<PathBuf>,
    /// Files the run reads besides the inbox (roster, rules file): never written over.
    pub inputs: crate::output::Inputs,
    /// Replace an existing output that is not a ledger of ours (`ledger --force`).
    pub force: bool,
    /// The most rows a sheet holds (header included) before a long list continues on
    /// `台账明细(2)`…: Excel's 1,048,576; a test injects a small one.
    pub sheet_rows: u32,
    /// The department's decisions (`ledger --decisions`), applied to the files that count.
    pub decisions: Option<std::sync::Arc<crate::decisions::Decisions>>,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions {
            check: CheckOptions::default(),
            exclude: Vec::new(),
            inputs: crate::output::Inputs::default(),
            force: false,
            sheet_rows: writer::default_sheet_rows(),
            decisions: None,
        }
    }
}

/// The run's figures (the `--format json` document).
#[derive(Debug, Serialize)]
pub struct LedgerSummary {
    pub output: String,
    /// The 调查阶段 collected, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<CollectedStage>,
    pub files: FileCounts,
    /// The first [`REPLACED_SHOWN`] superseded files and what replaced each, in path order
    /// (`files.superseded` counts them all; 文件清单 lists them all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaced: Vec<Replaced>,
    pub organizations: usize,
    pub tiers: serde_json::Map<String, serde_json::Value>,
    pub issues: IssueCounts,
    /// With a roster, the returns of units it does not name, left out of the figures above
    /// (only when there are any and they are not counted: `--count-unlisted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_roster: Option<OutsideRoster>,
    /// With `--decisions`: the department's decisions, how many were applied, their problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decisions: Option<crate::decisions::Summary>,
}

/// Returns of units the roster does not name, not in the 合计.
#[derive(Debug, Serialize)]
pub struct OutsideRoster {
    pub units: usize,
    pub files: usize,
    pub organizations: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct FileCounts {
    pub found: usize,
    pub read: usize,
    pub failed: usize,
    pub ignored: usize,
    /// Older files of units that sent a newer one (only when there are any).
    #[serde(skip_serializing_if = "is_zero")]
    pub superseded: usize,
    /// Returns of another 调查阶段 than the one collected (only when there are any).
    #[serde(skip_serializing_if = "is_zero")]
    pub other_stage: usize,
}

/// A superseded file and the file that replaced it, relative to the inbox.
#[derive(Debug, Serialize)]
pub struct Replaced {
    pub file: String,
    pub by: String,
}

/// How many replaced files the summary names (a national run may have thousands).
pub const REPLACED_SHOWN: usize = 5;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Serialize)]
pub struct IssueCounts {
    pub error: usize,
    pub warning: usize,
}

/// Write the ledger of `inbox` to `output` (the `ledger` command).
pub fn write<'a>(
    inbox: &Path,
    output: &Path,
    options: &'a LedgerOptions,
    run: &RunOptions,
) -> Result<Finished<'a, ()>, LedgerError> {
    let found = discover::discover(inbox, &options.exclude);
    write_found(inbox, found, output, options, run)
}

/// [`write`] over files already found (`watch` leaves its feedback folder out of them).
pub fn write_found<'a>(
    inbox: &Path,
    found: Discovery,
    output: &Path,
    options: &'a LedgerOptions,
    run: &RunOptions,
) -> Result<Finished<'a, ()>, LedgerError> {
    check_inbox(inbox)?;
    let sink = sink::Workbook::new(inbox, output, options)?;
    pipeline::run(inbox, found, options, run, sink)
}

/// The ledger's figures and every report handed over, with its placement, in memory (a
/// county's inbox: tests).
pub fn collect<'a>(
    inbox: &Path,
    options: &'a LedgerOptions,
    expect: &Expectation,
) -> Result<Finished<'a, Vec<(FileReport, Placement)>>, LedgerError> {
    check_inbox(inbox)?;
    let found = discover::discover(inbox, &options.exclude);
    let run = RunOptions {
        expect,
        feedback: None,
        progress: &|_| {},
    };
    pipeline::run(inbox, found, options, &run, sink::Collector::default())
}

/// 报送情况 of `inbox` against `expect`'s roster (`None` without one); nothing written.
pub fn status(
    inbox: &Path,
    options: &LedgerOptions,
    expect: &Expectation,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Option<StatusReport>, LedgerError> {
    if expect.roster.is_none() {
        return Ok(None);
    }
    check_inbox(inbox)?;
    let found = discover::discover(inbox, &options.exclude);
    let run = RunOptions {
        expect,
        feedback: None,
        progress,
    };
    let finished = pipeline::run(inbox, found, options, &run, sink::Discard)?;
    Ok(finished.ledger.status)
}

/// The inbox must be a folder. (Whether the outputs may be written is the command's check:
/// [`crate::output::prepare`].)
fn check_inbox(inbox: &Path) -> Result<(), LedgerError> {
    if inbox.is_file() {
        return Err(LedgerError::InboxIsFile {
            path: inbox.to_path_buf(),
        });
    }
    if !inbox.is_dir() {
        return Err(LedgerError::NoInbox {
            path: inbox.to_path_buf(),
        });
    }
    Ok(())
}

/// The run's figures for `--format json` and the text summary.
pub fn summarize(ledger: &Ledger, output: &Path) -> LedgerSummary {
    let mut tiers = serde_json::Map::new();
    for (tier, count) in ledger.rules.tiers().zip(&ledger.county.tiers.rated) {
        tiers.insert(ledger.rules.tier_name(tier).to_string(), (*count).into());
    }
    tiers.insert(
        ledger.rules.tier_name(Tier::Pending).to_string(),
        ledger.county.tiers.pending.into(),
    );
    let replaced = (ledger.files.lines().iter())
        .filter_map(|entry| match &entry.status {
            FileStatus::Superseded(by) => Some(Replaced {
                file: entry.path.clone(),
                by: by.clone(),
            }),
            _ => None,
        })
        .take(REPLACED_SHOWN)
        .collect();
    LedgerSummary {
        output: output.display().to_string(),
        stage: ledger.stage,
        replaced,
        files: FileCounts {
            found: ledger.files.len(),
            read: ledger.read_files(),
            failed: ledger.failed_files(),
            ignored: ledger.ignored_files(),
            superseded: ledger.superseded_files(),
            other_stage: ledger.files.tally().other_stage,
        },
        organizations: ledger.county.organizations(),
        tiers,
        issues: IssueCounts {
            error: ledger.county.errors,
            warning: ledger.county.warnings,
        },
        outside_roster: ledger.outside.as_ref().map(|outside| OutsideRoster {
            units: ledger.units.outside(),
            files: outside.files,
            organizations: outside.organizations(),
            errors: outside.errors,
            warnings: outside.warnings,
        }),
        decisions: ledger.decisions.as_ref().map(|d| d.summary()),
    }
}

impl LedgerSummary {
    /// A few lines for the clerk's terminal.
    pub fn to_text(&self) -> String {
        let tiers: Vec<String> = self.tiers.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let superseded = match self.files.superseded {
            0 => String::new(),
            n => format!("，已被替代 {n}"),
        };
        let other_stage = match self.files.other_stage {
            0 => String::new(),
            n => format!("，阶段不符 {n}（见 E406）"),
        };
        let stage = self
            .stage
            .map_or(String::new(), |s| format!("{}\n", s.line()));
        let outside = self.outside_roster.as_ref().map_or(String::new(), |o| {
            format!(
                "花名册以外：{} 个单位、{} 份报表、{} 个党组织（错误 {} 个，警告 {} 个），未计入以上合计；原因见台账“报送情况”和“校验问题”，确需计入时加 --count-unlisted\n",
                o.units, o.files, o.organizations, o.errors, o.warnings
            )
        });
        let decisions = self.decisions.as_ref().map_or(String::new(), |d| {
            d.to_text(&format!("台账“{}”表", crate::decisions::SHEET))
        });
        format!(
            "已生成台账：{}\n{stage}文件：共 {} 个，已读取 {}{superseded}{other_stage}，读取失败 {}，已忽略 {}\n{}党组织：{} 个（{}）\n{decisions}问题：错误 {} 个，警告 {} 个\n{outside}",
            self.output,
            self.files.found,
            self.files.read,
            self.files.failed,
            self.files.ignored,
            self.replaced_text(),
            self.organizations,
            tiers.join("，"),
            self.issues.error,
            self.issues.warning
        )
    }

    /// "已被替代 2 个：" and one line per replaced file, capped at [`REPLACED_SHOWN`].
    fn replaced_text(&self) -> String {
        if self.replaced.is_empty() {
            return String::new();
        }
        let mut text = format!("已被替代 {} 个：\n", self.files.superseded);
        for r in &self.replaced {
            text.push_str(&format!("  {} → {}\n", r.file, r.by));
        }
        if self.files.superseded > self.replaced.len() {
            text.push_str(&format!(
                "  ……等 {} 个（全部见台账“文件清单”）\n",
                self.files.superseded
            ));
        }
        text
    }
}
