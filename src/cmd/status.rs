//! `taizhang status`: who has reported, as text or JSON.

use super::progress::{show_stage, stage_bar};
use crate::cli::{Format, SubmissionArgs};
use anyhow::{bail, Result};
use std::path::Path;
use taizhang::ledger::LedgerOptions;

pub fn run(
    inbox: &Path,
    args: &SubmissionArgs,
    rules: Option<&Path>,
    format: Format,
) -> Result<u8> {
    let rules = super::load_rules(rules)?;
    let expect = super::expectation(args, inbox)?;
    let options = LedgerOptions {
        check: super::check_options_on(rules, expect.as_of),
        ..LedgerOptions::default()
    };
    let progress = stage_bar();
    let status = taizhang::ledger::status(inbox, &options, &expect, &|p| show_stage(&progress, p))?;
    progress.finish_and_clear();
    let Some(status) = status else {
        bail!("没有花名册，无法生成报送情况：请加上 --roster 花名册.xlsx");
    };
    match format {
        Format::Text => print!("{}", status.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&status)?),
    }
    Ok(0)
}
