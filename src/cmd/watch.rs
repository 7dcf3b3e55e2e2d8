//! `taizhang watch`: the ledger and feedback rebuilt as files arrive, until Ctrl-C.

use crate::cli::SubmissionArgs;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use taizhang::watch::{self, WatchOptions};

pub fn run(
    (inbox, out): (PathBuf, PathBuf),
    args: &SubmissionArgs,
    (count_unlisted, decisions): (bool, Option<PathBuf>),
    feedback: Option<PathBuf>,
    rules: Option<&std::path::Path>,
) -> Result<u8> {
    let rules = super::load_rules(rules)?;
    // The 收件记录 is watch's to keep: a missing one is started.
    let expect = super::expectation(
        &SubmissionArgs {
            arrivals: None,
            ..args.clone()
        },
        &inbox,
    )?;
    let mut options = WatchOptions::new(inbox, out);
    options.check = super::check_options(rules);
    options.roster = expect.roster;
    options.deadline = args.deadline;
    options.stage = args.stage;
    options.count_unlisted = count_unlisted;
    options.arrivals = Some(args.arrivals.clone().unwrap_or_else(|| {
        let out = &options.output;
        let stem = out.file_stem().unwrap_or_default().to_string_lossy();
        out.with_file_name(format!("{stem}_收件记录.csv"))
    }));
    options.feedback = feedback;
    options.decisions = decisions;
    let stop = options.stop.clone();
    ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
        .context("无法注册 Ctrl-C 处理")?;
    watch::watch(&options, &mut |line| {
        let now = chrono::Local::now().format("%H:%M:%S");
        println!("{now} {line}");
    })?;
    Ok(0)
}
