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

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_PARTIAL};
use crate::cli::{Format, LedgerArgs, SubmissionArgs};
use anyhow::Result;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The folder, beside the checked files, that takes their feedback.
pub const FEEDBACK_FOLDER: &str = "检查反馈";

/// A command line without a command: what was dropped on the program.
pub enum Dropped {
    /// Every argument an existing file or folder.
    Paths(Vec<PathBuf>),
    /// Paths, one of which does not exist.
    Missing(PathBuf),
}

impl Dropped {
    /// The dropped paths: the first argument neither
    /// a command's name nor an option, and every argument an existing file or folder, or one
    /// that looks like a path (`收件箱/`, `白马镇.xlsx`) and is missing. `None` leaves the
    /// arguments to clap (a mistyped command, with its suggestion).
    pub fn of(args: &[OsString], command: &clap::Command) -> Option<Dropped> {
        let first = args.first()?;
        let is_command = command.get_subcommands().any(|c| first == c.get_name());
        if first.to_string_lossy().starts_with('-') || is_command {
            return None;
        }
        let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
        match paths.iter().find(|p| !p.exists()) {
            None => Some(Dropped::Paths(paths)),
            Some(missing) if looks_like_a_path(missing) => Some(Dropped::Missing(missing.clone())),
            Some(_) => None,
        }
    }

    /// Run what was dropped: one folder's ledger, or the files' check.
    pub fn run(self, command: &clap::Command) -> Result<u8> {
        match self {
            Dropped::Missing(path) => {
                let text = format!("找不到文件或文件夹“{}”", path.display());
                crate::cli::usage_error(&text, command);
                Ok(EXIT_FAILURE)
            }
            Dropped::Paths(paths) => match paths.as_slice() {
                [folder] if folder.is_dir() => ledger(folder),
                _ if paths.iter().all(|p| p.is_file()) => check(&paths),
                _ => {
                    eprintln!(
                        "错误：请只拖入一个收件文件夹（生成台账），或拖入一个或多个调查表文件（逐个检查）"
                    );
                    Ok(EXIT_FAILURE)
                }
            },
        }
    }
}

fn looks_like_a_path(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains(['/', '\\', '.']) || path.is_absolute()
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
    eprintln!("正在汇总“{}”……", folder.display());
    super::ledger::run(&LedgerArgs {
        out,
        rules: None,
        format: Format::Text,
        submissions: SubmissionArgs {
            roster: None,
            deadline: None,
            as_of: None,
            arrivals: None,
            stage: None,
        },
        count_unlisted: false,
        feedback: None,
        decisions: None,
        force: false,
        inbox: folder,
    })
}

/// Every file checked, its feedback beside it; files from several folders, folder by folder.
/// Where no feedback can be written (a read-only folder), the files are checked all the same.
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
        let feedback = match taizhang::output::prepare_folder(&feedback) {
            Ok(()) => Some(feedback),
            Err(e) => {
                eprintln!("注意：{e}，本次只检查，不生成反馈表");
                None
            }
        };
        let code = super::check::run(&files, Format::Text, feedback.as_deref(), None, None)?;
        worst = worse(worst, code);
    }
    Ok(worst)
}

/// The worse of two exit codes of `check`: a file that cannot be read (2), then feedback not
/// written (3), then errors found (1), then none (0).
fn worse(a: u8, b: u8) -> u8 {
    let rank = |code| match code {
        0 => 0,
        EXIT_FINDINGS => 1,
        EXIT_PARTIAL => 2,
        _ => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Keep a console window that Windows opened for the program (a drop, a double click) until
/// the result is read; a console shared with cmd or a script is left alone.
pub fn wait_for_enter() {
    if console_is_ours() {
        eprintln!();
        eprintln!("按回车键关闭窗口……");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok();
    }
}

#[cfg(windows)]
fn console_is_ours() -> bool {
    use std::io::IsTerminal;
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 2];
    // SAFETY: the buffer holds `ids.len()` process ids; the call writes at most that many and
    // returns how many processes share the console (0 on failure).
    let sharing = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    sharing == 1 && std::io::stdin().is_terminal()
}

#[cfg(not(windows))]
fn console_is_ours() -> bool {
    false
}
