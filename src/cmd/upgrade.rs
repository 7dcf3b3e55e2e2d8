//! `taizhang upgrade`: the year end against the baseline, as a workbook and a summary.

use crate::cli::{Format, UpgradeArgs};
use anyhow::Result;
use taizhang::output::Inputs;
use taizhang::roster::Roster;
use taizhang::upgrade::{self, UpgradeOptions};

/// 0 when the workbook is written, 2 (through `Err`) when it is not.
pub fn run(args: &UpgradeArgs) -> Result<u8> {
    let (rules, roster, out) = (args.rules.as_deref(), args.roster.as_deref(), &args.out);
    let check = super::check_options(super::load_rules(rules)?);
    let decisions = super::decisions(args.decisions.as_deref(), &check)?;
    let baseline_decisions = super::decisions(args.baseline_decisions.as_deref(), &check)?;
    let options = UpgradeOptions {
        roster: roster.map(Roster::load).transpose()?,
        inputs: Inputs::default()
            .file(roster, "花名册")
            .file(rules, "评分标准文件")
            .file(args.decisions.as_deref(), "审定意见表")
            .file(args.baseline_decisions.as_deref(), "审定意见表"),
        force: args.force,
        decisions,
        baseline_decisions,
        check,
    };
    let exclude = [out.to_path_buf()];
    let up = upgrade::compare(&args.baseline, &args.year_end, &options, &exclude)?;
    upgrade::write(&up, out, args.force)?;
    match args.format {
        Format::Text => print!("{}", upgrade::summary_text(&up, out)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&upgrade::summarize(&up))?
        ),
    }
    Ok(0)
}
