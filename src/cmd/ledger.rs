//! `taizhang ledger`: the workbook, written in flat memory, and feedback per unit when asked.

use super::progress::{show_stage, stage_bar};
use super::EXIT_PARTIAL;
use crate::cli::{Format, SubmissionArgs};
use anyhow::Result;
use std::path::Path;
use taizhang::ledger::unit_feedback::FeedbackOutcome;
use taizhang::ledger::LedgerOptions;
use taizhang::ledger::RunOptions;
use taizhang::output::Inputs;

/// 0 written; 3 the ledger written but some feedback not; 2 (through `Err`) no ledger.
pub fn run(
    inbox: &Path,
    out: &Path,
    rules_file: Option<&Path>,
    format: Format,
    submissions: &SubmissionArgs,
    feedback: Option<&Path>,
    force: bool,
) -> Result<u8> {
    let rules = super::load_rules(rules_file)?;
    let expect = super::expectation(submissions)?;
    let options = LedgerOptions {
        check: super::check_options(rules),
        exclude: vec![out.to_path_buf()],
        inputs: Inputs::default()
            .file(submissions.roster.as_deref(), "花名册")
            .file(rules_file, "评分标准文件"),
        force,
        ..LedgerOptions::default()
    };
    let progress = stage_bar();
    let run = RunOptions {
        expect: &expect,
        feedback,
        progress: &|p| show_stage(&progress, p),
    };
    let finished = taizhang::ledger::write(inbox, out, &options, &run)?;
    progress.finish_and_clear();
    let summary = taizhang::ledger::summarize(&finished.ledger, out);
    match format {
        Format::Text => print!("{}", summary.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(if report_feedback(&finished.feedback) {
        EXIT_PARTIAL
    } else {
        0
    })
}

/// Print what became of each feedback file; whether one failed.
fn report_feedback(outcomes: &[FeedbackOutcome]) -> bool {
    let mut failed = false;
    for outcome in outcomes {
        match outcome {
            FeedbackOutcome::Written { path, .. } => eprintln!("已生成反馈：{}", path.display()),
            FeedbackOutcome::Removed { path, .. } => {
                eprintln!("已删除过时的反馈：{}", path.display())
            }
            FeedbackOutcome::Failed { unit, error } => {
                eprintln!("错误：{unit} 的反馈未生成：{error}");
                failed = true;
            }
        }
    }
    failed
}
