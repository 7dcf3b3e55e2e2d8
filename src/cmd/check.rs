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
    let mut reports = check::check_files(files, &options);
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
