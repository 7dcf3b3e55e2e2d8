//! The binary's side of submission management: `template --roster`, `ledger` with a roster
//! and feedback, `status` and `watch`. Arguments in, library calls, printing and exit codes out.

use crate::cli::{Format, SubmissionArgs};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use taizhang::check::CheckOptions;
use taizhang::ledger::stream::StreamOptions;
use taizhang::ledger::unit_feedback::FeedbackOutcome;
use taizhang::ledger::LedgerOptions;
use taizhang::output::{Inputs, Kind};
use taizhang::roster::Roster;
use taizhang::rules::Rules;
use taizhang::status::Expectation;
use taizhang::template::{self, TemplateOptions};
use taizhang::watch::{self, WatchOptions};

/// `template --roster`: one pre-filled form per roster unit; every file checked against
/// [`taizhang::output`]'s rule before the first is written.
pub fn templates(out: &Path, roster_path: &Path, force: bool) -> Result<u8> {
    let roster = Roster::load(roster_path)?;
    let inputs = Inputs::default().file(Some(roster_path), "花名册");
    let all: Vec<TemplateOptions> = (roster.units.iter())
        .map(|unit| TemplateOptions {
            force,
            ..TemplateOptions::for_unit(&unit.code, &unit.name)
        })
        .collect();
    for options in &all {
        let path = out.join(options.file_name());
        taizhang::output::check_target(&path, Kind::Template, force, &inputs)?;
    }
    taizhang::output::prepare_folder(out)?;
    for (unit, options) in roster.units.iter().zip(&all) {
        let path = template::write_template(out, options)
            .with_context(|| format!("{}（{}）的调查表未生成", unit.name, unit.code))?;
        println!("已生成调查表：{}", path.display());
    }
    println!("共 {} 个单位", roster.units.len());
    Ok(0)
}

fn expectation(args: &SubmissionArgs) -> Result<Expectation> {
    let roster = args.roster.as_deref().map(Roster::load).transpose()?;
    Ok(Expectation::new(roster, args.deadline, args.as_of).with_stage(args.stage))
}

fn check_options(rules: Rules) -> CheckOptions {
    CheckOptions {
        rules,
        ..CheckOptions::default()
    }
}

/// Where `ledger` writes, and whether it may replace what is not its own.
pub struct Outputs<'a> {
    pub out: &'a Path,
    pub feedback: Option<&'a Path>,
    pub force: bool,
    /// The rules file read (never written over).
    pub rules_file: Option<&'a Path>,
}

/// `ledger`: the workbook, streamed in flat memory, and feedback per unit when asked.
/// 0 written; 3 the ledger written but some feedback not; 2 (through `Err`) no ledger.
pub fn ledger(
    inbox: &Path,
    outputs: &Outputs,
    rules: Rules,
    format: Format,
    submissions: &SubmissionArgs,
) -> Result<u8> {
    let (out, feedback) = (outputs.out, outputs.feedback);
    let expect = expectation(submissions)?;
    let options = LedgerOptions {
        check: check_options(rules),
        exclude: vec![out.to_path_buf()],
        inputs: Inputs::default()
            .file(submissions.roster.as_deref(), "花名册")
            .file(outputs.rules_file, "评分标准文件"),
        force: outputs.force,
        ..LedgerOptions::default()
    };
    let progress = crate::stage_bar();
    let stream = StreamOptions {
        expect: &expect,
        feedback,
        progress: &|p| crate::show_stage(&progress, p),
    };
    let streamed = taizhang::ledger::stream::run(inbox, out, &options, &stream)?;
    progress.finish_and_clear();
    let summary = taizhang::ledger::summarize(&streamed.ledger, out);
    match format {
        Format::Text => print!("{}", summary.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(if report_feedback(&streamed.feedback) {
        crate::EXIT_PARTIAL
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

/// `status`: who has reported, as text or JSON.
pub fn status(inbox: &Path, args: &SubmissionArgs, rules: Rules, format: Format) -> Result<u8> {
    if args.roster.is_none() {
        bail!("status 需要花名册：请加上 --roster 花名册.xlsx");
    }
    let expect = expectation(args)?;
    let options = LedgerOptions {
        check: check_options(rules),
        ..LedgerOptions::default()
    };
    let progress = crate::stage_bar();
    let status = taizhang::ledger::stream::status(inbox, &options, &expect, &|p| {
        crate::show_stage(&progress, p)
    })?;
    progress.finish_and_clear();
    let Some(status) = status else {
        bail!("未能生成报送情况");
    };
    match format {
        Format::Text => print!("{}", status.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&status)?),
    }
    Ok(0)
}

/// `watch`: until Ctrl-C.
pub fn watch(
    inbox: PathBuf,
    out: PathBuf,
    args: &SubmissionArgs,
    feedback: Option<PathBuf>,
    rules: Rules,
) -> Result<u8> {
    let expect = expectation(args)?;
    let mut options = WatchOptions::new(inbox, out);
    options.check = check_options(rules);
    options.roster = expect.roster;
    options.deadline = args.deadline;
    options.stage = args.stage;
    options.feedback = feedback;
    let stop = options.stop.clone();
    ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
        .context("无法注册 Ctrl-C 处理")?;
    watch::watch(&options, &mut |line| {
        let now = chrono::Local::now().format("%H:%M:%S");
        println!("{now} {line}");
    })?;
    Ok(0)
}
