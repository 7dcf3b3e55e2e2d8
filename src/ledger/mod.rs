//! The classification ledger (分类管理台账): discover → check in parallel → consolidate →
//! write one workbook, atomically.
//!
//! Two ways in, one writer ([`writer::LedgerWriter`]): [`stream::run`] (the `ledger` command)
//! streams reports from the readers to the writer and keeps only the files' placements (文件清单's
//! lines and the per-unit counters wait on disk), so a national run stays in little memory;
//! [`collect`] + [`Ledger::build_with`] + [`write()`] keep every report (tests
//! inspect them).

pub mod continued;
pub mod coverage;
pub mod detail;
pub mod file_list;
pub mod files;
pub mod issues;
pub mod laggards;
pub mod model;
pub mod readback;
pub mod spill;
pub mod stream;
pub mod style;
pub mod submissions;
pub mod summary;
pub mod unit_feedback;
pub mod units;
pub mod writer;

use crate::check::{self, CheckOptions, FileReport};
use crate::discover::{self, Discovery};
use crate::rules::Tier;
pub use model::Ledger;
use rayon::prelude::*;
use rust_xlsxwriter::XlsxError;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why no ledger could be written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("找不到收件文件夹 {path}")]
    NoInbox { path: PathBuf },
    #[error("输出文件 {path} 是一份已填报的调查表，不能覆盖；请换一个输出文件名")]
    OutputIsInput { path: PathBuf },
    #[error(
        "无法写入临时文件（临时文件夹 {dir}）：{reason}。汇总时临时文件夹需有约每个党组织 2 KB 的空间，可用环境变量 TMPDIR 换一个文件夹",
        dir = std::env::temp_dir().display(),
        reason = scratch_reason(.error)
    )]
    Scratch {
        /// Not a `source`: the message already says it in Chinese.
        error: std::io::Error,
    },
    #[error("写入台账失败：{source}")]
    Write {
        #[source]
        source: XlsxError,
    },
    /// The finished workbook could not be saved in place.
    #[error("无法保存台账：{0}")]
    Save(#[from] crate::save::SaveError),
}

/// What went wrong with a temporary file, in words a clerk can act on.
fn scratch_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => "磁盘空间不足".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        std::io::ErrorKind::NotFound => "文件夹不存在".to_string(),
        _ => e.to_string(),
    }
}

/// Settings of a ledger run.
#[derive(Debug, Clone)]
pub struct LedgerOptions {
    pub check: CheckOptions,
    /// Files never read as input (the run's own outputs).
    pub exclude: Vec<PathBuf>,
    /// The most rows a sheet holds (header included) before a long list continues on
    /// `台账明细(2)`…: Excel's 1,048,576; a test injects a small one.
    pub sheet_rows: u32,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions {
            check: CheckOptions::default(),
            exclude: Vec::new(),
            sheet_rows: writer::default_sheet_rows(),
        }
    }
}

/// The run's figures (the `--format json` document).
#[derive(Debug, Serialize)]
pub struct LedgerSummary {
    pub output: String,
    pub files: FileCounts,
    pub organizations: usize,
    pub tiers: serde_json::Map<String, serde_json::Value>,
    pub issues: IssueCounts,
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
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Serialize)]
pub struct IssueCounts {
    pub error: usize,
    pub warning: usize,
}

/// Find the inbox's files and check them in parallel, in path order.
pub fn collect(
    inbox: &Path,
    options: &LedgerOptions,
) -> Result<(Discovery, Vec<FileReport>), LedgerError> {
    check_inbox(inbox, options)?;
    let discovery = discover::discover(inbox, &options.exclude);
    let paths = &discovery.candidates;
    let reports = (0..paths.len())
        .into_par_iter()
        .map(|i| check::check_file(&paths.get(i), &options.check))
        .collect();
    Ok((discovery, reports))
}

/// The inbox must be a folder, and no output may be a returned form.
fn check_inbox(inbox: &Path, options: &LedgerOptions) -> Result<(), LedgerError> {
    if !inbox.is_dir() {
        return Err(LedgerError::NoInbox {
            path: inbox.to_path_buf(),
        });
    }
    for output in &options.exclude {
        refuse_overwriting_a_form(output, &options.check)?;
    }
    Ok(())
}

/// An output path must never be a returned form: writing there would destroy the input.
pub fn refuse_overwriting_a_form(output: &Path, options: &CheckOptions) -> Result<(), LedgerError> {
    if !output.is_file() {
        return Ok(());
    }
    let is_form = crate::read::read_form(output, &options.limits)
        .map(|form| form.org_table.is_some() && !form.organizations.is_empty())
        .unwrap_or(false);
    if is_form {
        return Err(LedgerError::OutputIsInput {
            path: output.to_path_buf(),
        });
    }
    Ok(())
}

/// Write an in-memory ledger to `output`, atomically.
pub fn write(ledger: &Ledger, output: &Path) -> Result<(), LedgerError> {
    write_with_limit(ledger, output, writer::default_sheet_rows())
}

/// Like [`write()`], with at most `sheet_rows` rows per sheet.
pub fn write_with_limit(
    ledger: &Ledger,
    output: &Path,
    sheet_rows: u32,
) -> Result<(), LedgerError> {
    let mut out = writer::LedgerWriter::new(ledger.rules, &ledger.inbox, sheet_rows)?;
    for report in &ledger.reports {
        out.add(report)?;
    }
    out.finish(ledger, output)
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
    LedgerSummary {
        output: output.display().to_string(),
        files: FileCounts {
            found: ledger.files.len(),
            read: ledger.read_files(),
            failed: ledger.failed_files(),
            ignored: ledger.ignored_files(),
            superseded: ledger.superseded_files(),
        },
        organizations: ledger.county.organizations(),
        tiers,
        issues: IssueCounts {
            error: ledger.county.errors,
            warning: ledger.county.warnings,
        },
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
        format!(
            "已生成台账：{}\n文件：共 {} 个，已读取 {}{superseded}，读取失败 {}，已忽略 {}\n党组织：{} 个（{}）\n问题：错误 {} 个，警告 {} 个\n",
            self.output,
            self.files.found,
            self.files.read,
            self.files.failed,
            self.files.ignored,
            self.organizations,
            tiers.join("，"),
            self.issues.error,
            self.issues.warning
        )
    }
}
