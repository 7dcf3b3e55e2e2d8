//! Year-end re-rating (晋位升级): the baseline (摸底) against the year end (年终).
//!
//! Each side is an inbox folder or a ledger written by `taizhang ledger` ([`input`]); the
//! organizations are matched per unit ([`matching`]), each match gets its outcome and the
//! targets of the rules file are judged ([`outcome`]); [`workbook`] writes the four sheets.
//!
//! ```no_run
//! use std::path::Path;
//! use taizhang::upgrade::{self, UpgradeOptions};
//! let options = UpgradeOptions::default();
//! let up = upgrade::compare(Path::new("摸底"), Path::new("年终"), &options, &[]).unwrap();
//! upgrade::write(&up, Path::new("升级.xlsx"), false).unwrap();
//! println!("{}", serde_json::to_string(&upgrade::summarize(&up)).unwrap());
//! ```

pub mod input;
pub mod matching;
pub mod outcome;
pub mod readback;
mod sheets;
pub mod workbook;

use crate::check::CheckOptions;
pub use input::{Input, RatedOrg, Side, SideIssue};
pub use matching::{Link, Matching, UnitRef};
pub use outcome::{Double, Evaluation, Figures, Outcome, Row};
use readback::ReadbackError;
use serde::Serialize;
use std::path::{Path, PathBuf};
pub use workbook::write;

/// Why the comparison could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// The path given for a side does not exist.
    #[error("找不到{side}一方的输入 {path}")]
    Missing { path: PathBuf, side: &'static str },
    /// The path is a file but not a ledger written by taizhang.
    #[error("{path} 既不是收件文件夹，也不是本程序生成的分类管理台账，不能作为{side}一方")]
    NotAnInput { path: PathBuf, side: &'static str },
    /// The output may not be written where asked ([`crate::output`]'s rule).
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    /// A ledger could not be read back.
    #[error(transparent)]
    Readback(#[from] ReadbackError),
    /// The workbook could not be laid out.
    #[error("生成升级工作簿失败：{}", crate::save::xlsx_words(source))]
    Build {
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// The workbook could not be saved.
    #[error("无法保存升级工作簿：{0}")]
    Save(#[from] crate::save::SaveError),
}

/// Settings of a comparison: the standard both sides are rated with, and the read limits.
#[derive(Debug, Clone, Default)]
pub struct UpgradeOptions {
    pub check: CheckOptions,
    /// The units expected to report: ties each folder's files to one roster unit, so a unit
    /// is the same on both sides even when a clerk typed its name differently.
    pub roster: Option<crate::roster::Roster>,
    /// Files read besides the two sides (roster, rules file): never written over.
    pub inputs: crate::output::Inputs,
    /// Replace an existing output that is not an upgrade workbook of ours (`--force`).
    pub force: bool,
    /// The department's decisions on the year-end ratings (`--decisions`).
    pub decisions: Option<std::sync::Arc<crate::decisions::Decisions>>,
    /// The department's decisions on the baseline's, when the baseline is a folder of returns
    /// (`--baseline-decisions`; an April ledger carries its own).
    pub baseline_decisions: Option<std::sync::Arc<crate::decisions::Decisions>>,
}

/// The whole comparison, ready to write or summarize.
pub struct Upgrade {
    pub rules: crate::rules::Rules,
    pub baseline: Input,
    pub year_end: Input,
    pub matching: Matching,
    pub evaluation: Evaluation,
    /// What became of each decisions workbook, by the side it was applied to.
    pub decisions: Vec<(Side, crate::decisions::Outcome)>,
}

impl Upgrade {
    /// Every issue: the baseline's, the year end's, then matching's.
    pub fn issues(&self) -> impl Iterator<Item = &SideIssue> {
        self.baseline
            .issues
            .iter()
            .chain(&self.year_end.issues)
            .chain(&self.matching.issues)
    }
}

/// Load both sides, match and judge them. `exclude` lists the run's outputs.
pub fn compare(
    baseline: &Path,
    year_end: &Path,
    options: &UpgradeOptions,
    exclude: &[PathBuf],
) -> Result<Upgrade, UpgradeError> {
    let inputs = (options.inputs.clone())
        .folder(baseline, "基线一方的输入")
        .folder(year_end, "年终一方的输入");
    for out in exclude {
        let kind = crate::output::Kind::Upgrade;
        crate::output::prepare(out, kind, options.force, &inputs)?;
    }
    let roster = options.roster.as_ref();
    let rules = &options.check.rules;
    let mut base = input::load(baseline, Side::Baseline, &options.check, roster, exclude)?;
    let mut fin = input::load(year_end, Side::YearEnd, &options.check, roster, exclude)?;
    let mut decisions = Vec::new();
    if let Some(d) = &options.baseline_decisions {
        decisions.push((Side::Baseline, input::apply_decisions(&mut base, d, rules)));
    }
    if let Some(d) = &options.decisions {
        decisions.push((Side::YearEnd, input::apply_decisions(&mut fin, d, rules)));
    }
    let mut matching = matching::match_sides(&base, &fin);
    let evaluation = outcome::evaluate(&matching, &base, &fin, &options.check.rules);
    let blank = outcome::development_not_filled(&evaluation.rows, &matching, &fin);
    matching.issues.extend(blank);
    Ok(Upgrade {
        rules: options.check.rules.clone(),
        baseline: base,
        year_end: fin,
        matching,
        evaluation,
        decisions,
    })
}

/// The `--format json` document; its keys are a contract (README, tests).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradeSummary {
    /// Organizations found on both sides.
    pub matched: usize,
    /// Every outcome, always all present: RULES.md's five, then 待定 and 无法匹配 (as the text
    /// summary counts them).
    pub outcomes: serde_json::Map<String, serde_json::Value>,
    /// 后进转化率, 0.0..=1.0; `null` when the baseline has no 后进.
    pub laggard_conversion: Option<f64>,
    /// 争创目标 met, and declared (the 争创目标达成率 is their ratio).
    pub targets_met: usize,
    pub targets_total: usize,
    /// 发展等次 晋位 / 保持 / 降位, over the matches where both sides filled it.
    pub development: serde_json::Map<String, serde_json::Value>,
    /// 双升级 / 单项晋位 / 均未晋位 ([`Double`]).
    pub double_upgrade: serde_json::Map<String, serde_json::Value>,
    /// With `--decisions` / `--baseline-decisions`: each workbook's figures, by side
    /// (`"年终"`, `"摸底"`).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub decisions: serde_json::Map<String, serde_json::Value>,
}

/// The county's figures as the JSON contract.
pub fn summarize(up: &Upgrade) -> UpgradeSummary {
    let county = &up.evaluation.county;
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| (o.label().to_string(), county.count(*o).into()))
        .collect();
    UpgradeSummary {
        matched: county.matched(),
        outcomes,
        laggard_conversion: county.laggard_conversion(),
        targets_met: county.targets_met,
        targets_total: county.targets,
        development: counted(outcome::MOVES.map(Outcome::label), county.development),
        double_upgrade: counted(Double::ALL.map(Double::label), county.double),
        decisions: (up.decisions.iter())
            .map(|(side, d)| {
                let summary = serde_json::to_value(d.summary()).expect("plain data");
                (side.label().to_string(), summary)
            })
            .collect(),
    }
}

/// `{"label": count, …}` in the order given.
fn counted(labels: [&str; 3], counts: [usize; 3]) -> serde_json::Map<String, serde_json::Value> {
    (labels.iter().zip(counts))
        .map(|(label, n)| (label.to_string(), n.into()))
        .collect()
}

/// A few lines for the clerk's terminal.
pub fn summary_text(up: &Upgrade, output: &Path) -> String {
    let county = &up.evaluation.county;
    let outcomes: Vec<String> = Outcome::ALL
        .iter()
        .filter(|o| Outcome::RULES.contains(o) || county.count(**o) > 0)
        .map(|o| format!("{} {}", o.label(), county.count(*o)))
        .collect();
    let rate = |r: Option<f64>| r.map_or("—".to_string(), |r| format!("{:.1}%", r * 100.0));
    let (errors, warnings) = up.issues().fold((0, 0), |(e, w), i| {
        if i.issue.is_error() {
            (e + 1, w)
        } else {
            (e, w + 1)
        }
    });
    let verdict = if county.all_met(&up.rules) {
        "全部达到"
    } else {
        "未全部达到"
    };
    let [up_, kept, down] = county.development;
    let [both, one, neither] = county.double;
    let decisions: String = (up.decisions.iter())
        .map(|(side, d)| {
            let text = d.summary().to_text("升级工作簿“校验问题”表");
            format!("{}{text}", side.label())
        })
        .collect();
    format!(
        "已生成晋位升级工作簿：{}\n匹配 {} 个党组织：{}\n后进转化率 {}，争创目标达成率 {}（{}/{}），县级目标{verdict}\n发展等次：晋位 {up_}，保持 {kept}，降位 {down}；双升级 {both}，单项晋位 {one}，均未晋位 {neither}\n{decisions}问题：错误 {errors} 个，警告 {warnings} 个\n",
        output.display(),
        county.matched(),
        outcomes.join("，"),
        rate(county.laggard_conversion()),
        rate(county.target_rate()),
        county.targets_met,
        county.targets,
    )
}
