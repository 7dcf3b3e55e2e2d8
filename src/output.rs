//! The one rule for every file taizhang writes: nothing a clerk sent is ever replaced.
//!
//! An existing file at an output's path is replaced only when it is taizhang's own output of
//! the same kind: a workbook whose hidden `_meta` sheet says `taizhang_output` = that kind
//! (ledger, upgrade workbook, feedback). An issued form carries no such mark (a filled return
//! made from it must still be read as a form); it is known by the `template_version` of its
//! `_meta`, and one is replaced only while nobody has filled it in (no organization, no
//! coverage row, nothing in 单位信息 beyond the name and code we prefill).
//!
//! Anything else (a return, encrypted or damaged or not, a roster, a .docx, someone's own
//! workbook) stops the run before any work, naming the file. `--force` lifts the rule for a
//! file the user names, never for an input: a file in the inbox, the roster, the rules file or
//! a checked file is never replaced, whatever its content.
//!
//! The run also checks, before any work, that the output folder takes a file, and removes our
//! own temporary files ([`TEMP_PREFIX`]…[`TEMP_SUFFIX`]) that an interrupted run left there more
//! than [`STALE_TEMP`] ago (a younger one may belong to a run still saving).

use crate::read::{Limits, Workbook};
use crate::schema::{org, unit};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// What ends the name of every feedback file, so a clerk (and `watch`) can tell it apart.
pub const FEEDBACK_SUFFIX: &str = "_反馈.xlsx";

/// How the temporary file of [`crate::save::save_workbook`] is named: `.~taizhang-XXXXXX.tmp`.
pub const TEMP_PREFIX: &str = ".~taizhang-";
pub const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file of ours older than this is left from an interrupted run: no save takes an
/// hour, so removing it never pulls a file from under a run still writing.
pub const STALE_TEMP: Duration = Duration::from_secs(60 * 60);
/// The longest file name Linux, Windows and macOS all take, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 255;

/// Which of taizhang's outputs a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ledger,
    Upgrade,
    Feedback,
    /// An issued form (`template`), blank or prefilled for one unit.
    Template,
    /// The web intake's access codes (`serve --codes`).
    Codes,
    /// The department's decisions workbook (`template --decisions`), while nobody filled it.
    Decisions,
    /// An issued 整改进展表 (`template --rectify`) nobody has filled in.
    RectifyForm,
    /// The rectification tracking workbook (`rectify`).
    Rectify,
}

impl Kind {
    /// The `taizhang_output` value of the kind (an issued form has none).
    fn marker(self) -> Option<&'static str> {
        match self {
            Kind::Ledger => Some(crate::marker::LEDGER),
            Kind::Upgrade => Some(crate::marker::UPGRADE),
            Kind::Feedback => Some(crate::marker::FEEDBACK),
            Kind::Codes => Some(crate::marker::CODES),
            Kind::Decisions => Some(crate::marker::DECISIONS),
            Kind::Rectify => Some(crate::marker::RECTIFY),
            Kind::Template | Kind::RectifyForm => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Ledger => "台账",
            Kind::Upgrade => "升级工作簿",
            Kind::Feedback => "反馈文件",
            Kind::Template => "尚未填写的调查表",
            Kind::Codes => "报送口令表",
            Kind::Decisions => "尚未填写的审定意见表",
            Kind::RectifyForm => "尚未填写的整改进展表",
            Kind::Rectify => "整改跟踪表",
        }
    }
}

/// Why an output may not be written where asked.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path is one of the run's inputs.
    #[error("输出文件 {} 是{what}，不能覆盖；请换一个输出文件名", path.display())]
    Input { path: PathBuf, what: &'static str },
    /// The path holds a record someone filled in on a workbook of ours (a decisions workbook,
    /// a 整改进展表): never replaced, `--force` or not.
    #[error(
        "{} 是已填写的{what}，不能覆盖（加 --force 也不行）；请换一个文件名或输出目录",
        path.display()
    )]
    Filled { path: PathBuf, what: &'static str },
    /// The path holds a file taizhang did not write as this kind of output.
    #[error(
        "{} 已存在，且不是本程序生成的{kind}，不能覆盖；请换一个输出文件名（或输出目录），确认要覆盖时加上 --force",
        path.display(),
        kind = kind.label()
    )]
    NotOurs { path: PathBuf, kind: Kind },
    /// The name does not end in `.xlsx`: what we write is an Excel workbook, and a `.csv` or
    /// `.xls` name would make Excel refuse it or misread it.
    #[error(
        "输出文件 {} 的扩展名不是 .xlsx：本程序写出的是 Excel 工作簿，请把文件名改为以 .xlsx 结尾（如 台账.xlsx）",
        path.display()
    )]
    NotXlsx { path: PathBuf },
    /// The path is a folder, a link or a device.
    #[error("{} 已存在且不是普通文件，不能覆盖；请换一个输出文件名", path.display())]
    NotAFile { path: PathBuf },
    /// The output folder cannot be created or takes no file.
    #[error("无法在输出文件夹 {} 中写入文件（{}），请换一个输出位置", dir.display(), crate::os_error::describe(source))]
    Unwritable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Files and folders a run reads and so never writes over, with what they are.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    files: Vec<(PathBuf, &'static str)>,
    folders: Vec<(PathBuf, &'static str)>,
}

impl Inputs {
    /// A file read by the run (`what` says what it is: "花名册"…). `None` is skipped.
    pub fn file(mut self, path: Option<&Path>, what: &'static str) -> Self {
        if let Some(path) = path {
            self.files.push((canonical(path), what));
        }
        self
    }

    /// A folder whose every file is an input (the inbox), or a file input when `path` is one.
    pub fn folder(mut self, path: &Path, what: &'static str) -> Self {
        if path.is_dir() {
            self.folders.push((canonical(path), what));
        } else {
            self.files.push((canonical(path), what));
        }
        self
    }

    /// What input `path` is, if it is one. A file of the inbox that is our own output of
    /// `kind` (a ledger written into the inbox) is not an input.
    fn which(&self, path: &Path, kind: Kind) -> Option<&'static str> {
        let path = canonical(path);
        if let Some((_, what)) = self.files.iter().find(|(p, _)| *p == path) {
            return Some(what);
        }
        let (_, what) = self.folders.iter().find(|(d, _)| path.starts_with(d))?;
        (path.symlink_metadata().is_ok() && !is_ours(&path, kind)).then_some(*what)
    }
}

/// The whole check before a run writes `path` as `kind`: not an input, replaceable (or
/// `force`), its folder created and writable, our stale temporary files there removed.
pub fn prepare(path: &Path, kind: Kind, force: bool, inputs: &Inputs) -> Result<(), OutputError> {
    check_target(path, kind, force, inputs)?;
    prepare_folder(folder_of(path))
}

/// [`prepare`] without the folder: `path` is not an input and may be replaced (or `force`).
/// For many files in one folder (`template --roster`), with one [`prepare_folder`].
pub fn check_target(
    path: &Path,
    kind: Kind,
    force: bool,
    inputs: &Inputs,
) -> Result<(), OutputError> {
    if let Some(what) = inputs.which(path, kind) {
        return Err(OutputError::Input {
            path: path.to_path_buf(),
            what,
        });
    }
    may_replace(path, kind, force)
}

/// Create `dir` if needed, make sure it takes a file, and remove our stale temporary files.
pub fn prepare_folder(dir: &Path) -> Result<(), OutputError> {
    let unwritable = |source| OutputError::Unwritable {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(unwritable)?;
    remove_stale_temps(dir);
    Ok(())
}

/// The folder an output file goes into (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The rule itself: `path` may be written as `kind` when nothing is there, when what is there
/// is our own output of that kind, or when the user said `force` (for a regular file).
pub fn may_replace(path: &Path, kind: Kind, force: bool) -> Result<(), OutputError> {
    let xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !xlsx {
        return Err(OutputError::NotXlsx {
            path: path.to_path_buf(),
        });
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // nothing there
    };
    if !meta.is_file() {
        return Err(OutputError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if let Some(what) = filled_record(path) {
        return Err(OutputError::Filled {
            path: path.to_path_buf(),
            what,
        });
    }
    if force || is_ours(path, kind) {
        return Ok(());
    }
    Err(OutputError::NotOurs {
        path: path.to_path_buf(),
        kind,
    })
}

/// Whether `path` is taizhang's own output of `kind` (for [`Kind::Template`]: an issued form
/// nobody has filled in). Only a regular file is opened: a link is not ours, and a FIFO would
/// block the run.
pub fn is_ours(path: &Path, kind: Kind) -> bool {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let limits = Limits::default();
    match kind.marker() {
        Some(marker) => Workbook::open(path, &limits).ok().is_some_and(|mut w| {
            w.meta_value(crate::marker::OUTPUT_KEY)
                .is_some_and(|k| k == marker)
                && (kind != Kind::Decisions || no_decision(&mut w))
        }),
        None if kind == Kind::RectifyForm => crate::rectify::returned::is_unfilled(path, &limits),
        None => is_unfilled_template(path, &limits),
    }
}

/// What `path` is when it is a workbook of ours that someone has filled in and that only
/// exists as that record: a decisions workbook or a 整改进展表, whatever is being written over
/// it (`None` for anything else).
fn filled_record(path: &Path) -> Option<&'static str> {
    let limits = Limits::default();
    let mut book = Workbook::open(path, &limits).ok()?;
    match book.meta_value(crate::marker::OUTPUT_KEY).as_deref()? {
        crate::marker::DECISIONS => (!no_decision(&mut book)).then_some("审定意见表"),
        crate::marker::RECTIFY_FORM => {
            let blank = crate::rectify::returned::is_unfilled(path, &limits);
            (!blank).then_some("整改进展表")
        }
        _ => None,
    }
}

/// A decisions workbook of ours with nothing typed below its header, on any sheet.
fn no_decision(book: &mut Workbook) -> bool {
    let names: Vec<String> = (book.infos.iter())
        .filter(|s| s.name != crate::schema::SHEET_META)
        .map(|s| s.name.clone())
        .collect();
    names.iter().all(|name| {
        book.load(name).is_ok_and(|grid| {
            grid.rows()
                .is_none_or(|(_, last)| last < crate::marker::DECISIONS_FIRST_ROW)
        })
    })
}

/// An issued form as we wrote it: the template's `_meta`, no row in either table but the
/// organizations' names and codes `template --baseline` prefills (as many as its `_meta`
/// says it came with, so that a clerk's own rows never pass), and nothing in 单位信息 beyond
/// the unit's name and code (which `template --roster` prefills) and the 调查阶段 (which
/// `template --stage` prefills).
fn is_unfilled_template(path: &Path, limits: &Limits) -> bool {
    let Ok(form) = crate::read::read_form(path, limits) else {
        return false;
    };
    let issued_with = crate::read::Workbook::open(path, limits)
        .ok()
        .and_then(|mut book| book.meta_value(crate::schema::PREFILLED_KEY))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let prefilled = [unit::NAME, unit::CODE, unit::STAGE];
    let prefilled_org = |record: &crate::form::Record| {
        let ours = [org::NAME, org::CODE];
        record.invalid == 0
            && (record.values.iter().enumerate()).all(|(i, v)| v.is_none() || ours.contains(&i))
    };
    form.template_version.is_some()
        && form.organizations.len() == issued_with
        && form.organizations.iter().all(prefilled_org)
        && form.coverage.is_empty()
        && form.skipped.is_empty()
        && form
            .unit
            .iter()
            .enumerate()
            .all(|(i, v)| v.is_none() || prefilled.contains(&i))
}

/// Whether a file name is one of our temporary files.
pub fn is_own_temp(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Remove the temporary files of ours in `dir` older than [`STALE_TEMP`]; what cannot be
/// removed stays (it is hidden, and never read as a form).
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        if !is_own_temp(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if meta.is_file() && age.is_some_and(|a| a > STALE_TEMP) {
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

/// `stem` + `tail` cut (on a character boundary, from the end of `stem`) so the whole name
/// stays within [`MAX_NAME_BYTES`].
pub fn fit_name(stem: &str, tail: &str) -> String {
    let room = MAX_NAME_BYTES.saturating_sub(tail.len());
    let mut end = stem.len().min(room);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{tail}", &stem[..end])
}

/// The names of the feedback files of one run in one folder: each file its own name, never
/// one that another file of the run took or that holds something not our feedback.
///
/// `<stem>_反馈.xlsx` when free, else `<stem>(2)_反馈.xlsx`, `<stem>(3)_反馈.xlsx`…; every name
/// is cut to [`MAX_NAME_BYTES`]. The names are decided in the order of the run's files, never
/// in the order feedback happens to be written: the ledger, which writes feedback in parallel,
/// decides them all with [`FeedbackNames::assign`] before the first is written, so the same
/// inbox always gives the same names.
#[derive(Debug)]
pub struct FeedbackNames {
    dir: PathBuf,
    claimed: Mutex<HashSet<String>>,
}

impl FeedbackNames {
    pub fn new(dir: &Path) -> FeedbackNames {
        FeedbackNames {
            dir: dir.to_path_buf(),
            claimed: Mutex::new(HashSet::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A free name for feedback named after `stem`, claimed for this run.
    pub fn claim(&self, stem: &str) -> String {
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let name = self.free_name(stem, |name| claimed.contains(name));
        claimed.insert(name.clone());
        name
    }

    /// The names for feedback named after each of `stems`, decided in that order (the order of
    /// the run's files) whatever order they are later written in: of files whose stems
    /// collide, the first gets `<stem>_反馈.xlsx`, the next `<stem>(2)_反馈.xlsx`…
    ///
    /// Nothing is claimed yet: a file that turns out to need no feedback leaves its name
    /// unclaimed (an old feedback file there is then removed), one that is written claims its
    /// name with [`FeedbackNames::claim_name`] first.
    pub fn assign<S: AsRef<str>>(&self, stems: impl IntoIterator<Item = S>) -> Vec<String> {
        let claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let mut assigned = HashSet::new();
        stems
            .into_iter()
            .map(|stem| {
                let taken = |name: &str| claimed.contains(name) || assigned.contains(name);
                let name = self.free_name(stem.as_ref(), taken);
                assigned.insert(name.clone());
                name
            })
            .collect()
    }

    /// Claim `name` (given by [`FeedbackNames::assign`]) for this run, before writing it: no
    /// file of the run removes it as no longer needed.
    pub fn claim_name(&self, name: &str) {
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        claimed.insert(name.to_string());
    }

    /// The first name for `stem` that is not `taken` and holds nothing but our feedback.
    fn free_name(&self, stem: &str, taken: impl Fn(&str) -> bool) -> String {
        let suffix = FEEDBACK_SUFFIX;
        for n in 1.. {
            let tail = match n {
                1 => suffix.to_string(),
                n => format!("({n}){suffix}"),
            };
            let name = fit_name(stem, &tail);
            let path = self.dir.join(&name);
            let held = path.symlink_metadata().is_ok() && !is_ours(&path, Kind::Feedback);
            if !taken(&name) && !held {
                return name;
            }
        }
        unreachable!("an unbounded search ends")
    }

    /// Remove `path` (a unit's feedback that is no longer needed) when it is our feedback and
    /// no file of this run claimed its name; whether it was removed.
    pub fn remove_unclaimed(&self, path: &Path) -> bool {
        let claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let name = path.file_name().map(|n| n.to_string_lossy().to_string());
        !name.is_some_and(|n| claimed.contains(&n))
            && is_ours(path, Kind::Feedback)
            && std::fs::remove_file(path).is_ok()
    }

    /// Remove every feedback file of ours in the folder that no file of this run claimed (its
    /// unit's form was deleted, renamed or attributed elsewhere); the paths removed, sorted.
    pub fn remove_stale(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        paths.retain(|p| p.is_file() && self.remove_unclaimed(p));
        paths
    }
}

fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    // A file not there yet: its folder's canonical path, then its name.
    match (path.parent().map(std::fs::canonicalize), path.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_on_a_character_boundary_within_255_bytes() {
        let long = "青".repeat(200);
        let name = fit_name(&long, "(2)_反馈.xlsx");
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with("(2)_反馈.xlsx"));
        assert_eq!(fit_name("白马镇", "_反馈.xlsx"), "白马镇_反馈.xlsx");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_never_opened_and_never_taken_as_ours() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("白马镇_反馈.xlsx");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
        assert!(!is_ours(&fifo, Kind::Feedback));
        assert!(matches!(
            may_replace(&fifo, Kind::Ledger, true),
            Err(OutputError::NotAFile { .. })
        ));
        let names = FeedbackNames::new(dir.path());
        assert_eq!(names.claim("白马镇"), "白马镇(2)_反馈.xlsx");
        assert!(names.remove_stale().is_empty());
        assert!(fifo.exists());
    }

    #[test]
    fn names_are_assigned_in_the_order_given_and_claimed_only_when_written() {
        let dir = tempfile::tempdir().unwrap();
        // Someone's own file at a feedback name.
        std::fs::write(dir.path().join("西河镇_反馈.xlsx"), b"theirs").unwrap();
        let names = FeedbackNames::new(dir.path());
        let stems = ["白马镇", "西河镇", "白马镇", "东山乡", "白马镇"];
        let assigned = names.assign(stems);
        assert_eq!(
            assigned,
            [
                "白马镇_反馈.xlsx",
                "西河镇(2)_反馈.xlsx",
                "白马镇(2)_反馈.xlsx",
                "东山乡_反馈.xlsx",
                "白马镇(3)_反馈.xlsx",
            ]
        );
        assert_eq!(
            names.assign(stems),
            assigned,
            "the same stems, the same names"
        );
        // Nothing claimed yet: a run claims a name when it writes it.
        assert_eq!(names.claim("白马镇"), "白马镇_反馈.xlsx");
        names.claim_name("东山乡_反馈.xlsx");
        assert_eq!(names.assign(["东山乡"]), ["东山乡(2)_反馈.xlsx"]);
    }

    #[test]
    fn only_our_temporary_files_are_ours() {
        assert!(is_own_temp(".~taizhang-AbC123.tmp"));
        assert!(!is_own_temp(".~lock.白马镇.xlsx#"));
        assert!(!is_own_temp("taizhang-x.tmp"));
    }
}
