//! `taizhang template`: the blank form, or with `--roster` one pre-filled form per unit; either
//! way saying the county's round, deadline, year and standard.

use anyhow::{Context, Result};
use chrono::Datelike;
use std::path::Path;
use taizhang::output::{Inputs, Kind};
use taizhang::roster::Roster;
use taizhang::template::{self, TemplateOptions};

use crate::cli::TemplateArgs;

pub fn run(args: &TemplateArgs) -> Result<u8> {
    let options = options(args)?;
    // What the run reads is never written over, `--force` or not.
    let inputs = Inputs::default()
        .file(args.roster.as_deref(), "花名册")
        .file(args.rules.as_deref(), "评分标准文件");
    match &args.roster {
        Some(roster) => per_unit(&args.out, roster, &options, &inputs),
        None => blank(&args.out, &options, &inputs),
    }
}

/// What every form of the run says, checked before any file is touched: the standard, the
/// round, the deadline, and the year (the deadline's, else this year).
fn options(args: &TemplateArgs) -> Result<TemplateOptions> {
    let year = (args.year)
        .or(args.deadline.map(|d| d.year()))
        .unwrap_or_else(|| chrono::Local::now().year());
    let options = TemplateOptions {
        rules: Some(super::load_rules(args.rules.as_deref())?),
        stage: args.stage,
        deadline: args.deadline,
        year: Some(year),
        force: args.force,
        ..TemplateOptions::default()
    };
    options.validate()?;
    Ok(options)
}

/// The blank form, written over only an unfilled form of ours unless `force`.
fn blank(out: &Path, options: &TemplateOptions, inputs: &Inputs) -> Result<u8> {
    let path = out.join(options.file_name());
    taizhang::output::prepare(&path, Kind::Template, options.force, inputs)?;
    let path = template::write_template(out, options)?;
    println!("已生成调查表：{}", path.display());
    Ok(0)
}

/// One pre-filled form per roster unit; every file checked against [`taizhang::output`]'s
/// rule before the first is written.
fn per_unit(
    out: &Path,
    roster_path: &Path,
    options: &TemplateOptions,
    inputs: &Inputs,
) -> Result<u8> {
    let roster = Roster::load(roster_path)?;
    let all: Vec<TemplateOptions> = (roster.units.iter())
        .map(|unit| TemplateOptions {
            unit_name: Some(unit.name.clone()),
            unit_code: Some(unit.code.clone()),
            ..options.clone()
        })
        .collect();
    for options in &all {
        let path = out.join(options.file_name());
        taizhang::output::check_target(&path, Kind::Template, options.force, inputs)?;
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
