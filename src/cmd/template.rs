//! `taizhang template`: the blank form, or with `--roster` one pre-filled form per unit (with
//! `--baseline`, its organizations of the April ledger listed); either way saying the county's
//! round, deadline, year and standard.

use anyhow::{bail, Context, Result};
use chrono::Datelike;
use std::path::Path;
use taizhang::output::{Inputs, Kind};
use taizhang::read::Limits;
use taizhang::roster::Roster;
use taizhang::stage::SurveyStage;
use taizhang::template::{self, Baseline, TemplateError, TemplateOptions};

use crate::cli::TemplateArgs;

pub fn run(args: &TemplateArgs) -> Result<u8> {
    if args.decisions {
        return decisions_form(args);
    }
    if args.rectify {
        return rectify_forms(args);
    }
    let options = options(args)?;
    // What the run reads is never written over, `--force` or not.
    let inputs = Inputs::default()
        .file(args.roster.as_deref(), "花名册")
        .file(args.rules.as_deref(), "评分标准文件")
        .file(args.baseline.as_deref(), "摸底台账");
    let baseline = baseline(args, &options)?;
    match &args.roster {
        Some(roster) => per_unit(&args.out, roster, &options, baseline.as_ref(), &inputs),
        None => blank(&args.out, &options, &inputs),
    }
}

/// `--decisions`: the blank decisions workbook, at `-o` when it names an .xlsx file, else as
/// 审定意见.xlsx in that folder.
fn decisions_form(args: &TemplateArgs) -> Result<u8> {
    let is_file = (args.out.extension()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let path = match is_file {
        true => args.out.clone(),
        false => args.out.join("审定意见.xlsx"),
    };
    let rules = super::load_rules(args.rules.as_deref())?;
    let inputs = Inputs::default().file(args.rules.as_deref(), "评分标准文件");
    taizhang::output::prepare(&path, Kind::Decisions, args.force, &inputs)?;
    taizhang::decisions::form::write(&path, &rules, args.force)?;
    println!("已生成审定意见表：{}", path.display());
    Ok(0)
}

/// The April ledger of `--baseline`, read back once the run is known to make year-end forms
/// per roster unit.
fn baseline(args: &TemplateArgs, options: &TemplateOptions) -> Result<Option<Baseline>> {
    let Some(path) = &args.baseline else {
        return Ok(None);
    };
    if args.roster.is_none() {
        bail!(
            "--baseline（摸底台账）须与 --roster（花名册）同用：按花名册为每个单位生成一份年终复评表，\
             预填该单位在摸底台账中的党组织"
        );
    }
    if options.stage() != Some(SurveyStage::YearEnd) {
        return Err(TemplateError::PrefilledNotYearEnd.into());
    }
    let rules = options
        .rules
        .clone()
        .unwrap_or_else(taizhang::rules::Rules::embedded);
    Ok(Some(Baseline::read(path, &rules, &Limits::default())?))
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
    baseline: Option<&Baseline>,
    inputs: &Inputs,
) -> Result<u8> {
    let roster = Roster::load(roster_path)?;
    let all: Vec<TemplateOptions> = (roster.units.iter())
        .map(|unit| TemplateOptions {
            unit_name: Some(unit.name.clone()),
            unit_code: Some(unit.code.clone()),
            organizations: (baseline.map(|b| b.organizations(&unit.code))).unwrap_or_default(),
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
        match options.organizations.len() {
            0 => println!("已生成调查表：{}", path.display()),
            n => println!("已生成调查表：{}（预填 {n} 个党组织）", path.display()),
        }
    }
    println!("共 {} 个单位", roster.units.len());
    if let Some(baseline) = baseline {
        let codes: Vec<&str> = roster.units.iter().map(|u| u.code.as_str()).collect();
        say_left_out(&baseline.units_not_in(&codes));
    }
    Ok(0)
}

/// `--rectify`: one 整改进展表 per unit of the ledger's plan, every file checked against
/// [`taizhang::output`]'s rule before the first is written.
fn rectify_forms(args: &TemplateArgs) -> Result<u8> {
    let ledger = (args.ledger.as_deref()).context("--rectify 须与 --ledger（台账文件）同用")?;
    let rules = super::load_rules(args.rules.as_deref())?;
    let inputs = Inputs::default()
        .file(Some(ledger), "台账")
        .file(args.roster.as_deref(), "花名册")
        .file(args.rules.as_deref(), "评分标准文件");
    let roster = args.roster.as_deref().map(Roster::load).transpose()?;
    let plan = taizhang::rectify::read_plan(ledger, &rules, &args.include, &Limits::default())?;
    if let Some(clash) = template::file_name_clash(&plan.units) {
        bail!(clash);
    }
    for unit in &plan.units {
        let path = args.out.join(template::rectify_file_name(unit));
        taizhang::output::check_target(&path, Kind::RectifyForm, args.force, &inputs)?;
    }
    taizhang::output::prepare_folder(&args.out)?;
    for unit in &plan.units {
        let path = template::write_rectify_form(&args.out, unit, args.force)
            .with_context(|| format!("{}（{}）的整改进展表未生成", unit.name, unit.code))?;
        let n = unit.organizations.len();
        println!("已生成整改进展表：{}（{n} 个党组织）", path.display());
    }
    println!(
        "共 {} 个单位、{} 个党组织",
        plan.units.len(),
        plan.organizations()
    );
    if let Some(roster) = roster {
        let outside: Vec<(&str, &str)> = (plan.units.iter())
            .filter(|u| !roster.units.iter().any(|r| r.code == u.code))
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        if !outside.is_empty() {
            let named: Vec<String> = outside.iter().map(|(c, n)| format!("{n}（{c}）")).collect();
            println!(
                "注意：台账中有 {} 个单位不在花名册中（其整改进展表照常生成）：{}",
                outside.len(),
                named.join("、")
            );
        }
    }
    Ok(0)
}

/// The baseline's units on no form: not in the roster (or with no 单位代码 in the ledger).
fn say_left_out(units: &[(&str, &str)]) {
    if units.is_empty() {
        return;
    }
    let named: Vec<String> = (units.iter())
        .map(|(code, name)| match code.is_empty() {
            true => format!("{name}（无单位代码）"),
            false => format!("{name}（{code}）"),
        })
        .collect();
    println!(
        "注意：摸底台账中有 {} 个单位不在花名册中，其党组织没有预填到任何年终复评表：{}",
        units.len(),
        named.join("、")
    );
}
