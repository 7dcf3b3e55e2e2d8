//! 整改跟踪, the rectification follow-up: from a ledger, the plan of every organization to
//! rectify ([`plan`]); a 整改进展表 per unit to return it on ([`crate::template`]); and the
//! returns of an inbox read ([`returned`]), checked cell by cell against the plan ([`check`]),
//! the latest per unit kept ([`track`]), and written as the 整改跟踪 workbook ([`writer`]),
//! with what moved since the previous one ([`previous`]).
//!
//! Like the ledger: every file found is accounted for, findings are [`crate::Issue`]s with
//! their sheet and cell, nothing is printed, and nothing we did not write is overwritten.

pub mod check;
pub mod plan;
pub mod previous;
pub mod returned;
pub mod summary;
pub mod track;
pub mod writer;

use crate::output::{Inputs, OutputError};
use crate::read::Limits;
use crate::rules::Rules;
use crate::upgrade::readback::{read_ledger, ReadbackError};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub use plan::{plan_tier, Plan, PlanOrg, PlanUnit};
pub use summary::Summary;
pub use track::{Counts, Tracking};

/// 完成状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
}

impl Status {
    /// The status a choice of [`crate::schema::RECTIFY_STATUSES`] names.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "未启动" => Some(Status::NotStarted),
            "推进中" => Some(Status::InProgress),
            "已完成" => Some(Status::Done),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未启动",
            Status::InProgress => "推进中",
            Status::Done => "已完成",
        }
    }
}

/// What an organization without a reported status shows.
pub const NO_REPORT: &str = "未报送进展";

/// What a `rectify` run reads and how.
#[derive(Debug, Clone)]
pub struct RectifyOptions {
    pub rules: Rules,
    /// Tiers planned besides the lagging one (待定, 一般).
    pub include: Vec<String>,
    /// The day overdue is counted to (`--as-of`).
    pub as_of: NaiveDate,
    /// A 整改跟踪 written earlier, to say what moved.
    pub previous: Option<PathBuf>,
    pub force: bool,
    pub limits: Limits,
}

/// Why a run wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum RectifyError {
    /// The ledger could not be read back, or is not ours.
    #[error(transparent)]
    Ledger(#[from] ReadbackError),
    /// Nobody in the ledger has to rectify.
    #[error("台账 {} 中没有需要整改的党组织（等次为后进{}的）", path.display(), included(include))]
    NothingToRectify { path: PathBuf, include: Vec<String> },
    /// `--include` names a tier the rules do not have.
    #[error("--include 中的“{tier}”不是等次，应为 {known} 中的一个或几个，用逗号分隔")]
    UnknownTier { tier: String, known: String },
    /// The inbox is missing or a file.
    #[error("整改收件文件夹 {} 不存在或不是文件夹", path.display())]
    NoInbox { path: PathBuf },
    /// The previous 整改跟踪 could not be read.
    #[error("无法读取上次的整改跟踪表 {}：{reason}", path.display())]
    Previous { path: PathBuf, reason: String },
    /// The output may not be written there.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The workbook could not be laid out or saved.
    #[error(transparent)]
    Save(#[from] crate::save::SaveError),
    /// The workbook could not be laid out (a bug, not the input's fault).
    #[error("生成整改跟踪表失败")]
    Build(#[from] rust_xlsxwriter::XlsxError),
}

fn included(include: &[String]) -> String {
    include.iter().map(|t| format!("、{t}")).collect()
}

/// The plan of the ledger at `path` under `rules`, refused when empty.
pub fn read_plan(
    path: &Path,
    rules: &Rules,
    include: &[String],
    limits: &Limits,
) -> Result<Plan, RectifyError> {
    if let Some(tier) = include.iter().find(|t| rules.tier_by_name(t).is_none()) {
        let mut known = rules.tier_names();
        known.push(crate::rules::PENDING);
        return Err(RectifyError::UnknownTier {
            tier: tier.clone(),
            known: known.join("、"),
        });
    }
    let ledger = read_ledger(path, rules, limits)?;
    let plan = Plan::of(&ledger, rules, include);
    if plan.units.is_empty() {
        return Err(RectifyError::NothingToRectify {
            path: path.to_path_buf(),
            include: include.to_vec(),
        });
    }
    Ok(plan)
}

/// The whole run: the output checked first, the plan, the returns, the previous tracking,
/// and the 整改跟踪 workbook saved at `out`.
pub fn run(
    ledger: &Path,
    inbox: &Path,
    out: &Path,
    options: &RectifyOptions,
) -> Result<Tracking, RectifyError> {
    let inputs = Inputs::default()
        .file(Some(ledger), "台账")
        .file(options.previous.as_deref(), "上次的整改跟踪表")
        .folder(inbox, "整改收件文件夹中的文件");
    crate::output::prepare(out, crate::output::Kind::Rectify, options.force, &inputs)?;
    if !inbox.is_dir() {
        return Err(RectifyError::NoInbox {
            path: inbox.to_path_buf(),
        });
    }
    let plan = read_plan(ledger, &options.rules, &options.include, &options.limits)?;
    let previous = (options.previous.as_deref())
        .map(|p| previous::read_previous(p, &options.limits))
        .transpose()?;
    let found = crate::discover::discover(inbox, &[out.to_path_buf()]);
    let mut tracking = track::track(&plan, inbox, found, options);
    if let Some(previous) = &previous {
        tracking.compare(previous);
    }
    let ranking = tracking.ranking(&options.rules.config().evaluation);
    writer::write(&tracking, &ranking, out, options.force)?;
    Ok(tracking)
}
