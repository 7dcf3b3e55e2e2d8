//! `taizhang template`: the blank form, or with `--roster` one pre-filled form per unit.

use anyhow::{Context, Result};
use std::path::Path;
use taizhang::output::{Inputs, Kind};
use taizhang::roster::Roster;
use taizhang::template::{self, TemplateOptions};

pub fn run(out: &Path, roster: Option<&Path>, force: bool) -> Result<u8> {
    match roster {
        Some(roster) => per_unit(out, roster, force),
        None => blank(out, force),
    }
}

/// The blank form, written over only an unfilled form of ours unless `force`.
fn blank(out: &Path, force: bool) -> Result<u8> {
    let options = TemplateOptions {
        force,
        ..TemplateOptions::default()
    };
    let path = out.join(options.file_name());
    taizhang::output::prepare(&path, Kind::Template, force, &Default::default())?;
    let path = template::write_template(out, &options)?;
    println!("已生成调查表：{}", path.display());
    Ok(0)
}

/// One pre-filled form per roster unit; every file checked against [`taizhang::output`]'s
/// rule before the first is written.
fn per_unit(out: &Path, roster_path: &Path, force: bool) -> Result<u8> {
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
