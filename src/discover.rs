//! Which files of an inbox folder are returned forms, and why the others are not.
//!
//! Every file found is accounted for: a candidate to read, or ignored with a reason. Lock files,
//! hidden and system files, and documents that are not spreadsheets are ignored; spreadsheet
//! formats we cannot read (WPS, Numbers, CSV) are candidates, so the guard rejects them with a
//! message telling the unit to resave, rather than letting them vanish.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Extensions read as forms, or rejected with a file-level issue when they cannot be.
const CANDIDATE_EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xls", "ods", "xlsb", "et", "ett", "wps", "numbers", "csv",
];

/// System files that file managers leave in folders.
const SYSTEM_FILES: &[&str] = &["thumbs.db", "desktop.ini", ".ds_store"];

/// Why a symbolic link is not followed: its target may lie outside the inbox (another unit's
/// folder, a system file), and a form inside the inbox is read under its own name anyway.
pub const SYMLINK: &str = "快捷方式（符号链接），不跟随读取；请把报表文件本身放入收件文件夹";

pub use crate::read::guard::NOT_REGULAR;

/// A file that is not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub path: PathBuf,
    pub reason: &'static str,
}

/// The files of an inbox, sorted by path so runs are deterministic.
#[derive(Debug, Default)]
pub struct Discovery {
    pub candidates: Vec<PathBuf>,
    pub ignored: Vec<Ignored>,
    /// Folders or entries that could not be listed (permission denied, broken links).
    pub unlisted: Vec<(PathBuf, String)>,
}

impl Discovery {
    pub fn found(&self) -> usize {
        self.candidates.len() + self.ignored.len() + self.unlisted.len()
    }
}

/// Walk `inbox` (subfolders included). Paths in `exclude` (the run's own outputs) are ignored.
pub fn discover(inbox: &Path, exclude: &[PathBuf]) -> Discovery {
    let exclude: Vec<PathBuf> = exclude.iter().map(|p| canonical(p)).collect();
    let mut found = Discovery::default();
    let walker = WalkDir::new(inbox)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden_dir(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| inbox.to_path_buf());
                found.unlisted.push((path, walk_error(&e)));
                continue;
            }
        };
        if entry.file_type().is_dir() || is_our_temporary_file(&entry) {
            continue;
        }
        let path = entry.path().to_path_buf();
        match ignore_reason(&path, &exclude) {
            Some(reason) => found.ignored.push(Ignored { path, reason }),
            None => found.candidates.push(path),
        }
    }
    found
}

/// Why a folder or file could not be looked at, in Chinese (never walkdir's English).
fn walk_error(e: &walkdir::Error) -> String {
    match (e.io_error(), e.loop_ancestor()) {
        (Some(io), _) => crate::os_error::sentence(io),
        (None, Some(_)) => "文件夹的快捷方式（符号链接）绕回了上层文件夹".to_string(),
        (None, None) => "无法访问".to_string(),
    }
}

/// A temporary file of one of our own saves (an output being written beside the inbox's files,
/// or one an interrupted run left): not something a clerk sent, so not listed at all.
fn is_our_temporary_file(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_file() && crate::output::is_own_temp(&entry.file_name().to_string_lossy())
}

fn is_hidden_dir(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && entry.file_name().to_string_lossy().starts_with('.')
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Why a file is not a form to read, or `None` when it is a candidate.
pub fn ignore_reason(path: &Path, exclude: &[PathBuf]) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    if exclude.contains(&canonical(path)) {
        return Some("本程序生成的文件，不作为报表读取");
    }
    if crate::intake_log::is_log_name(&path.file_name()?.to_string_lossy()) {
        return Some("本程序网上报送的记录，不作为报表读取");
    }
    if name.starts_with("~$") || name.starts_with(".~lock.") {
        return Some("Office 打开文件时产生的临时锁定文件");
    }
    if SYSTEM_FILES.contains(&name.as_str()) {
        return Some("系统文件");
    }
    if name.starts_with('.') {
        return Some("隐藏文件");
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_symlink() => return Some(SYMLINK),
        Ok(meta) if meta.is_file() => {}
        _ => return Some(NOT_REGULAR),
    }
    let extension = path.extension()?.to_string_lossy().to_lowercase();
    if !CANDIDATE_EXTENSIONS.contains(&extension.as_str()) {
        return Some("不是电子表格文件");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_system_and_other_files_are_ignored_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("白马镇")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "白马镇/白马镇.xlsx",
            "~$白马镇.xlsx",
            "Thumbs.db",
            "说明.docx",
            "青山镇.et",
            ".hidden.xlsx",
            ".git/config.xlsx",
            "台账.xlsx",
        ] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let found = discover(root, &[root.join("台账.xlsx")]);
        let names: Vec<String> = found
            .candidates
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["白马镇/白马镇.xlsx", "青山镇.et"]);
        assert_eq!(found.ignored.len(), 5);
        assert_eq!(found.found(), 7);
        let lock = found
            .ignored
            .iter()
            .find(|i| i.path.ends_with("~$白马镇.xlsx"))
            .unwrap();
        assert!(lock.reason.contains("锁定"));
    }
}
