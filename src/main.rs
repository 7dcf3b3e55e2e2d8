//! The `taizhang` binary: parse arguments, call the library, map the outcome to an exit code.

use anyhow::Result;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use taizhang::check::{self, CheckOptions};
use taizhang::ledger::stream::{Progress, Stage};
use taizhang::{report, rules::Rules, template};

mod cli;
mod submissions_cmd;
use cli::{Cli, Command, Format};

/// Exit codes: 0 fine, 1 errors found in the forms, 2 usage error, a file that cannot be read
/// or nothing written, 3 the main output written but some feedback file not.
const EXIT_FINDINGS: u8 = 1;
const EXIT_FAILURE: u8 = 2;
const EXIT_PARTIAL: u8 = 3;

fn main() -> ExitCode {
    taizhang::memory::limit_arenas();
    taizhang::ledger::stream::quiet_writer_panics();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A rules file's own message is complete (path, line, what is wrong, in Chinese);
            // the TOML parser's English source would only add noise.
            if let Some(rules_error) = e.downcast_ref::<taizhang::rules::RulesError>() {
                eprintln!("错误：{rules_error}");
            } else if let Some(roster_error) = e.downcast_ref::<taizhang::roster::RosterError>() {
                // Like a rules file's, a roster's message names the file, the row and the fix.
                eprintln!("错误：{roster_error}");
            } else {
                eprintln!("错误：{e:#}");
            }
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn load_rules(path: Option<&std::path::Path>) -> Result<Rules> {
    Ok(match path {
        Some(p) => Rules::load(p)?,
        None => Rules::embedded(),
    })
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Template {
            out,
            roster: Some(roster),
            force,
        } => submissions_cmd::templates(&out, &roster, force),
        Command::Template {
            out,
            roster: None,
            force,
        } => {
            let options = template::TemplateOptions {
                force,
                ..template::TemplateOptions::default()
            };
            let kind = taizhang::output::Kind::Template;
            let path = out.join(options.file_name());
            taizhang::output::prepare(&path, kind, force, &Default::default())?;
            let path = template::write_template(&out, &options)?;
            println!("已生成调查表：{}", path.display());
            Ok(0)
        }
        Command::Check {
            files,
            format,
            feedback,
            rules,
            stage,
        } => {
            let options = CheckOptions {
                rules: load_rules(rules.as_deref())?,
                ..CheckOptions::default()
            };
            // Before any work: the folder takes files, and what is there stays (names below).
            let names = match &feedback {
                Some(dir) => {
                    taizhang::output::prepare_folder(dir)?;
                    Some(taizhang::output::FeedbackNames::new(dir))
                }
                None => None,
            };
            let mut reports = check::check_files(&files, &options);
            if let Some(stage) = stage {
                reports
                    .iter_mut()
                    .for_each(|r| taizhang::stage::flag_other_stage(r, stage));
            }
            match format {
                Format::Text => print!("{}", report::check_text(&reports)),
                Format::Json => println!("{}", report::check_json(&reports)),
            }
            let mut feedback_failed = false;
            if let Some(names) = &names {
                for report in reports.iter().filter(|r| !r.issues().is_empty()) {
                    match taizhang::feedback::write_feedback_named(report, &options.limits, names) {
                        Ok(Some(path)) => eprintln!("已生成反馈：{}", path.display()),
                        Ok(None) => {}
                        Err(e) => {
                            eprintln!("错误：{}：反馈文件未生成：{e}", report.path.display());
                            feedback_failed = true;
                        }
                    }
                }
            }
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
        Command::Ledger {
            inbox,
            out,
            rules,
            format,
            submissions,
            feedback,
            force,
        } => submissions_cmd::ledger(
            &inbox,
            &submissions_cmd::Outputs {
                out: &out,
                feedback: feedback.as_deref(),
                force,
                rules_file: rules.as_deref(),
            },
            load_rules(rules.as_deref())?,
            format,
            &submissions,
        ),
        Command::Status {
            inbox,
            submissions,
            rules,
            format,
        } => submissions_cmd::status(&inbox, &submissions, load_rules(rules.as_deref())?, format),
        Command::Watch {
            inbox,
            out,
            submissions,
            feedback,
            rules,
        } => submissions_cmd::watch(
            inbox,
            out,
            &submissions,
            feedback,
            load_rules(rules.as_deref())?,
        ),
        Command::Upgrade {
            baseline,
            year_end,
            out,
            rules,
            roster,
            format,
            force,
        } => upgrade(
            (&baseline, &year_end),
            &out,
            rules.as_deref(),
            roster.as_deref(),
            format,
            force,
        ),
        Command::Rules { rules } => {
            for line in load_rules(rules.as_deref())?.describe() {
                println!("{line}");
            }
            Ok(0)
        }
        Command::Codes => {
            print!("{}", taizhang::issue::code_table_markdown());
            Ok(0)
        }
    }
}

/// `taizhang upgrade`: 0 when the workbook is written, 2 (through `Err`) when it is not.
fn upgrade(
    (baseline, year_end): (&Path, &Path),
    out: &Path,
    rules: Option<&Path>,
    roster: Option<&Path>,
    format: Format,
    force: bool,
) -> Result<u8> {
    let options = taizhang::upgrade::UpgradeOptions {
        check: CheckOptions {
            rules: load_rules(rules)?,
            ..CheckOptions::default()
        },
        roster: roster.map(taizhang::roster::Roster::load).transpose()?,
        inputs: taizhang::output::Inputs::default()
            .file(roster, "花名册")
            .file(rules, "评分标准文件"),
        force,
    };
    let up = taizhang::upgrade::compare(baseline, year_end, &options, &[out.to_path_buf()])?;
    taizhang::upgrade::write(&up, out, force)?;
    match format {
        Format::Text => print!("{}", taizhang::upgrade::summary_text(&up, out)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&taizhang::upgrade::summarize(&up))?
        ),
    }
    Ok(0)
}

/// A progress bar for a run in stages (`ledger`: 读取, then 写出), each stage setting its own
/// length and message; on stderr when it is a terminal, hidden otherwise.
fn stage_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} 个文件 {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Show a streamed ledger's progress on a [`stage_bar`]: each stage restarts the bar with its
/// number of files; saving (no files to count) turns it into a spinner.
fn show_stage(bar: &ProgressBar, progress: Progress) {
    match progress {
        Progress::Start(Stage::Saving, _) => {
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                bar.set_style(style);
            }
            bar.set_message("保存台账");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        Progress::Start(stage, total) => {
            bar.set_length(total as u64);
            bar.set_position(0);
            bar.set_message(match stage {
                Stage::Reading => "读取",
                Stage::Rating => "评定",
                Stage::Writing | Stage::Saving => "写出",
            });
        }
        Progress::Done => bar.inc(1),
    }
}
