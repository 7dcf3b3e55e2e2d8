//! `taizhang ledger`: the workbook, written in flat memory, and feedback per unit when asked.

use super::progress::{show_stage, stage_bar};
use super::EXIT_PARTIAL;
use crate::cli::{Format, LedgerArgs};
use anyhow::Result;
use taizhang::ledger::unit_feedback::FeedbackOutcome;
use taizhang::ledger::LedgerOptions;
use taizhang::ledger::RunOptions;
use taizhang::output::Inputs;

/// 0 written; 3 the ledger written but some feedback not; 2 (through `Err`) no ledger.
pub fn run(args: &LedgerArgs) -> Result<u8> {
    let (inbox, out, format, force) = (&args.inbox, &args.out, args.format, args.force);
    let (submissions, feedback) = (&args.submissions, args.feedback.as_deref());
    let rules_file = args.rules.as_deref();
    let rules = super::load_rules(rules_file)?;
    let mut expect = super::expectation(submissions, inbox)?;
    expect.count_unlisted = args.count_unlisted;
    let check = super::check_options_on(rules, expect.as_of);
    let decisions = super::decisions(args.decisions.as_deref(), &check)?;
    let options = LedgerOptions {
        check,
        exclude: vec![out.to_path_buf()],
        inputs: Inputs::default()
            .file(submissions.roster.as_deref(), "花名册")
            .file(rules_file, "评分标准文件")
            .file(args.decisions.as_deref(), "审定意见表"),
        force,
        decisions,
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
