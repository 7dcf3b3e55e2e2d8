//! Files or a folder dropped on the program's icon, for people who never open a terminal.
//!
//! With no command, the arguments are paths (Windows passes what was dropped that way):
//! - one folder: its ledger is written beside it, named after it and dated
//!   (`收件箱_台账_2026-04-16_0930.xlsx`), as `taizhang ledger 收件箱 -o …` would;
//! - files: each is checked, and the feedback of those with issues goes into a `检查反馈` folder
//!   beside them, as `taizhang check … --feedback …` would.
//!
//! On Windows the console window then waits for Enter, so the result can be read before the
//! window closes.

use super::EXIT_FAILURE;
use crate::cli::{Format, SubmissionArgs};
use anyhow::Result;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The folder, beside the checked files, that takes their feedback.
pub const FEEDBACK_FOLDER: &str = "检查反馈";

/// What a command line without a command holds.
pub enum Dropped {
    /// Every argument an existing file or folder.
    Paths(Vec<PathBuf>),
    /// Paths, one of which does not exist.
    Missing(PathBuf),
}

/// The dropped paths, when the command line is nothing else: the first argument neither a
/// command's name nor an option, and every argument an existing file or folder, or one that
/// looks like a path (`收件箱/`, `白马镇.xlsx`) and is missing. `None` leaves the arguments to
/// clap (a mistyped command, with its suggestion).
pub fn paths(args: &[OsString], commands: &[&str]) -> Option<Dropped> {
    let first = args.first()?.to_string_lossy();
    if first.starts_with('-') || commands.contains(&first.as_ref()) {
        return None;
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    match paths.iter().find(|p| !p.exists()) {
        None => Some(Dropped::Paths(paths)),
        Some(missing) if looks_like_a_path(missing) => Some(Dropped::Missing(missing.clone())),
        Some(_) => None,
    }
}

fn looks_like_a_path(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains(['/', '\\', '.']) || path.is_absolute()
}

/// Run what was dropped.
pub fn run(paths: &[PathBuf]) -> Result<u8> {
    match paths {
        [folder] if folder.is_dir() => ledger(folder),
        _ if paths.iter().all(|p| p.is_file()) => check(paths),
        _ => {
            eprintln!(
                "错误：请只拖入一个收件文件夹（生成台账），或拖入一个或多个调查表文件（逐个检查）"
            );
            Ok(EXIT_FAILURE)
        }
    }
}

/// The ledger of `folder`, written beside it.
fn ledger(folder: &Path) -> Result<u8> {
    let folder = std::path::absolute(folder)?;
    let name = folder
        .file_name()
        .map_or_else(|| "收件箱".into(), |n| n.to_string_lossy());
    let stamp = chrono::Local::now().format("%Y-%m-%d_%H%M");
    let out = folder
        .parent()
        .unwrap_or(&folder)
        .join(format!("{name}_台账_{stamp}.xlsx"));
    let submissions = SubmissionArgs {
        roster: None,
        deadline: None,
        as_of: None,
        stage: None,
    };
    eprintln!("正在汇总“{}”……", folder.display());
    super::ledger::run(&folder, &out, None, Format::Text, &submissions, None, false)
}

/// Every file checked, its feedback beside it; files from several folders, folder by folder.
fn check(files: &[PathBuf]) -> Result<u8> {
    let mut by_folder: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for file in files {
        let file = std::path::absolute(file)?;
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        by_folder.entry(folder).or_default().push(file);
    }
    let mut worst = 0;
    for (folder, files) in by_folder {
        let feedback = folder.join(FEEDBACK_FOLDER);
        let code = super::check::run(&files, Format::Text, Some(&feedback), None, None)?;
        worst = worst.max(code);
    }
    Ok(worst)
}

/// Keep a console window Windows opened for the dropped files until the result is read.
pub fn wait_for_enter() {
    use std::io::IsTerminal;
    if cfg!(windows) && std::io::stdin().is_terminal() {
        eprintln!();
        eprintln!("按回车键关闭窗口……");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok();
    }
}
