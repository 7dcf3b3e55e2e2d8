//! Which files of an inbox folder are returned forms, and why the others are not.
//!
//! Every file found is accounted for: a candidate to read, or ignored with a reason. Lock files,
//! hidden and system files, and documents that are not spreadsheets are ignored; spreadsheet
//! formats we cannot read (WPS, Numbers, CSV) are candidates, so the guard rejects them with a
//! message telling the unit to resave, rather than letting them vanish.

use std::borrow::Cow;
use std::convert::Infallible;
use std::ffi::OsStr;
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
    pub candidates: PathList,
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
    let mut found = Discovery {
        candidates: PathList::new(inbox),
        ..Discovery::default()
    };
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
                found.unlisted.push((path, e.to_string()));
                continue;
            }
        };
        if entry.file_type().is_dir() || is_our_temporary_file(&entry) {
            continue;
        }
        let path = entry.path().to_path_buf();
        match ignore_reason(&path, &exclude) {
            Some(reason) => found.ignored.push(Ignored { path, reason }),
            None => found.candidates.push(&path),
        }
    }
    found.candidates.shrink_to_fit(); // kept for the whole run: a national inbox has 50,000
    found
}

/// The paths of files by their index: in memory, or read back from disk (a national run's).
pub trait FilePaths: Sync {
    /// What reading a path back may fail with ([`Infallible`] in memory).
    type Error;
    fn len(&self) -> usize;
    fn path(&self, i: usize) -> Result<Cow<'_, Path>, Self::Error>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl FilePaths for Vec<&Path> {
    type Error = Infallible;
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn path(&self, i: usize) -> Result<Cow<'_, Path>, Infallible> {
        Ok(Cow::Borrowed(self[i]))
    }
}

/// Paths under one folder, kept as one buffer of the parts after the folder: the candidates
/// of a national inbox (50,000) are two allocations, not 50,000.
#[derive(Debug, Default, Clone)]
pub struct PathList {
    root: PathBuf,
    /// Each path's part after `root` (the whole path when it is not under `root`), as the
    /// platform encodes it, one after the other.
    bytes: Vec<u8>,
    /// Where each path ends in `bytes`.
    ends: Vec<u32>,
}

impl PathList {
    pub fn new(root: &Path) -> PathList {
        PathList {
            root: root.to_path_buf(),
            ..PathList::default()
        }
    }

    pub fn push(&mut self, path: &Path) {
        let rest = path.strip_prefix(&self.root).unwrap_or(path);
        self.bytes
            .extend_from_slice(rest.as_os_str().as_encoded_bytes());
        let end = u32::try_from(self.bytes.len()).expect("a file list under 4 GiB");
        self.ends.push(end);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The folder the paths are under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Path `i` relative to the root (whole, if it is not under the root).
    pub fn relative(&self, i: usize) -> &Path {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let bytes = &self.bytes[start..self.ends[i] as usize];
        // SAFETY: `bytes` is exactly what `as_encoded_bytes` gave for one whole path in
        // `push`, in this process: a valid encoding, split nowhere.
        Path::new(unsafe { OsStr::from_encoded_bytes_unchecked(bytes) })
    }

    /// Path `i` as found.
    pub fn get(&self, i: usize) -> PathBuf {
        self.root.join(self.relative(i))
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = PathBuf> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Keep the paths `keep` says.
    pub fn retain(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        let mut kept = PathList::new(&self.root);
        for path in self.iter().filter(|p| keep(p)) {
            kept.push(&path);
        }
        *self = kept;
    }

    fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// The root, every path's part after it one after the other, and where each ends: to be
    /// kept elsewhere (on disk from the end of attribution, read back with [`path_from_part`]).
    pub fn into_parts(self) -> (PathBuf, Vec<u8>, Vec<u32>) {
        (self.root, self.bytes, self.ends)
    }
}

/// One path's part of the bytes [`PathList::into_parts`] gave, as a path.
///
/// The bytes were kept on disk meanwhile: on Unix any bytes are a path, so nothing is taken on
/// trust there.
pub fn path_from_part(bytes: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    let path: std::ffi::OsString = std::os::unix::ffi::OsStringExt::from_vec(bytes);
    #[cfg(not(unix))]
    // SAFETY: `bytes` are what `as_encoded_bytes` gave for one whole path in `push`, in this
    // process, kept apart in a temporary file of ours and given back unchanged: a valid
    // encoding, split nowhere.
    let path = unsafe { std::ffi::OsString::from_encoded_bytes_unchecked(bytes) };
    PathBuf::from(path)
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
        assert_eq!(found.candidates.relative(1), Path::new("青山镇.et"));
        assert_eq!(found.ignored.len(), 5);
        assert_eq!(found.found(), 7);
        let lock = found
            .ignored
            .iter()
            .find(|i| i.path.ends_with("~$白马镇.xlsx"))
            .unwrap();
        assert!(lock.reason.contains("锁定"));
    }

    #[test]
    fn a_path_list_gives_back_each_path() {
        let root = Path::new("/收件箱");
        let mut list = PathList::new(root);
        let paths = [
            root.join("白马镇.xlsx"),
            root.join("一区/青山镇.xls"),
            PathBuf::from("/别处/柳溪镇.xlsx"),
            root.join("a b/c.xlsx"),
        ];
        for path in &paths {
            list.push(path);
        }
        assert_eq!(list.len(), 4);
        assert_eq!(list.iter().collect::<Vec<_>>(), paths);
        assert_eq!(list.relative(1), Path::new("一区/青山镇.xls"));
        assert_eq!(list.relative(2), Path::new("/别处/柳溪镇.xlsx"));
        list.retain(|p| p.extension().is_some_and(|e| e == "xlsx"));
        assert_eq!(
            list.iter().collect::<Vec<_>>(),
            [paths[0].clone(), paths[2].clone(), paths[3].clone()]
        );
    }
}
