//! `taizhang check`: each file's issues, as text or JSON, and a feedback workbook per file
//! with issues when asked.

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_PARTIAL};
use crate::cli::Format;
use anyhow::Result;
use std::path::{Path, PathBuf};
use taizhang::check::{self, FileReport};
use taizhang::output::FeedbackNames;
use taizhang::read::Limits;
use taizhang::report;
use taizhang::stage::SurveyStage;

/// 2 when a file cannot be read, else 3 when some feedback file was not written, else 1 when
/// a file has errors, else 0.
pub fn run(
    files: &[PathBuf],
    format: Format,
    feedback: Option<&Path>,
    rules: Option<&Path>,
    stage: Option<SurveyStage>,
) -> Result<u8> {
    let options = super::check_options(super::load_rules(rules)?);
    // Before any work: the folder takes files, and what is there stays (names below).
    let names = match feedback {
        Some(dir) => {
            taizhang::output::prepare_folder(dir)?;
            Some(FeedbackNames::new(dir))
        }
        None => None,
    };
    let (files, in_folder): (Vec<PathBuf>, Vec<bool>) = expand(files)?.into_iter().unzip();
    // A folder may hold feedback workbooks of an earlier check: not forms, not listed.
    let mut reports: Vec<FileReport> = (check::check_files(&files, &options).into_iter())
        .zip(in_folder)
        .filter(|(report, in_folder)| !(report.own_output && *in_folder))
        .map(|(report, _)| report)
        .collect();
    if let Some(stage) = stage {
        reports
            .iter_mut()
            .for_each(|r| taizhang::stage::flag_other_stage(r, stage));
    }
    match format {
        Format::Text => print!("{}", report::check_text(&reports)),
        Format::Json => println!("{}", report::check_json(&reports)),
    }
    let feedback_failed = match &names {
        Some(names) => !write_feedback(&reports, &options.limits, names),
        None => false,
    };
    Ok(if reports.iter().any(|r| r.is_unreadable()) {
        EXIT_FAILURE
    } else if feedback_failed {
        EXIT_PARTIAL
    } else if reports.iter().any(|r| r.errors() > 0) {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// The files to check: each file given, and the spreadsheets in each folder given (subfolders
/// included, found as `ledger` finds them: lock, hidden and non-spreadsheet files left out,
/// and said so on stderr), each with whether it was found in a folder.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push((path.clone(), false));
            continue;
        }
        let found = taizhang::discover::discover(path, &[]);
        if found.candidates.is_empty() {
            anyhow::bail!(
                "文件夹 {} 中没有调查表文件（.xlsx .xlsm .xls .ods）",
                path.display()
            );
        }
        let skipped = found.ignored.len() + found.unlisted.len();
        if skipped > 0 {
            eprintln!(
                "文件夹 {}：检查其中 {} 个表格文件，另有 {skipped} 个文件不是调查表，未检查",
                path.display(),
                found.candidates.len()
            );
        }
        files.extend(found.candidates.into_iter().map(|file| (file, true)));
    }
    Ok(files)
}

/// A feedback workbook for each file with issues, each named on stderr; whether all were
/// written.
fn write_feedback(reports: &[FileReport], limits: &Limits, names: &FeedbackNames) -> bool {
    let mut all_written = true;
    for report in reports.iter().filter(|r| !r.issues().is_empty()) {
        match taizhang::feedback::write_feedback_named(report, limits, names) {
            Ok(Some(path)) => eprintln!("已生成反馈：{}", path.display()),
            Ok(None) => {}
            Err(e) => {
                eprintln!("错误：{}：反馈文件未生成：{e}", report.path.display());
                all_written = false;
            }
        }
    }
    all_written
}
