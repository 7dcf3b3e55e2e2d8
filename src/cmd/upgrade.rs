//! `taizhang upgrade`: the year end against the baseline, as a workbook and a summary.

use crate::cli::Format;
use anyhow::Result;
use std::path::Path;
use taizhang::output::Inputs;
use taizhang::roster::Roster;
use taizhang::upgrade::{self, UpgradeOptions};

/// 0 when the workbook is written, 2 (through `Err`) when it is not.
pub fn run(
    (baseline, year_end): (&Path, &Path),
    out: &Path,
    rules: Option<&Path>,
    roster: Option<&Path>,
    format: Format,
    force: bool,
) -> Result<u8> {
    let options = UpgradeOptions {
        check: super::check_options(super::load_rules(rules)?),
        roster: roster.map(Roster::load).transpose()?,
        inputs: Inputs::default()
            .file(roster, "花名册")
            .file(rules, "评分标准文件"),
        force,
    };
    let up = upgrade::compare(baseline, year_end, &options, &[out.to_path_buf()])?;
    upgrade::write(&up, out, force)?;
    match format {
        Format::Text => print!("{}", upgrade::summary_text(&up, out)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&upgrade::summarize(&up))?
        ),
    }
    Ok(0)
}
