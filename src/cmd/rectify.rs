//! `taizhang rectify`: the 整改跟踪 workbook from a ledger's plan and the returned 整改进展表.

use crate::cli::{Format, RectifyArgs};
use anyhow::Result;
use taizhang::read::Limits;
use taizhang::rectify::{RectifyOptions, Summary};

/// 0 written (findings are in the workbook); 2 (through `Err`) nothing written.
pub fn run(args: &RectifyArgs) -> Result<u8> {
    let options = RectifyOptions {
        rules: super::load_rules(args.rules.as_deref())?,
        include: args.include.clone(),
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        previous: args.previous.clone(),
        force: args.force,
        limits: Limits::default(),
    };
    let tracking = taizhang::rectify::run(&args.ledger, &args.inbox, &args.out, &options)?;
    let summary = Summary::of(&tracking, &args.out);
    match args.format {
        Format::Text => print!("{}", summary.to_text()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary)?),
    }
    Ok(0)
}
