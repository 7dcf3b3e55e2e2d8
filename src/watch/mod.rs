//! `taizhang watch`: keep the ledger (and the feedback) current while returned forms arrive.
//!
//! The clerk drops files into the inbox; each burst of file-system events (debounced) triggers
//! a refresh: every file's size and modification time is looked at, the ones that changed are
//! left to settle (one wait for the whole batch: until none of them still grows), hashed in a
//! stream, and when any content really changed the ledger is rebuilt by the `ledger` command's
//! own pipeline ([`ledger::write_found`]): the same size limits before reading, the same 文件清单
//! (an unreadable file is 读取失败, an unreadable folder 无法访问), the same flat memory. What
//! the watcher keeps between refreshes is one small stamp per file, to tell what changed and
//! write one log line per change.
//!
//! Our own outputs (the ledger, its temporary file, the feedback folder) never trigger
//! anything, or every write would wake the watcher again. When the inbox itself disappears
//! (removed, or moved away) the ledger is left as it is and an error line is logged; when a
//! folder is there again under the inbox's name it is watched again and read. The loop ends
//! when `stop` is set (Ctrl-C in the binary), after `max_batches` refreshes or after `timeout`,
//! so a test can drive it in a real folder.

mod seen;

use seen::{Change, Seen};

use crate::check::CheckOptions;
use crate::discover::{self, Discovery};
use crate::ledger::model::{FileEntry, FileStatus};
use crate::ledger::unit_feedback::FeedbackOutcome;
use crate::ledger::{self, LedgerError, LedgerOptions};
use crate::ledger::{Finished, RunOptions};
use crate::roster::Roster;
use crate::status::Expectation;
use chrono::NaiveDate;
use notify::RecursiveMode;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Settings of a watch run.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub inbox: PathBuf,
    pub output: PathBuf,
    pub feedback: Option<PathBuf>,
    pub check: CheckOptions,
    pub roster: Option<Roster>,
    pub deadline: Option<NaiveDate>,
    /// The 调查阶段 to collect (`--stage`); `None`: by the deadline, else the majority.
    pub stage: Option<crate::stage::SurveyStage>,
    /// With a roster, count the returns of units it does not name in the 合计.
    pub count_unlisted: bool,
    /// Where the 收件记录 is kept: each new version of a return, with when it was first seen
    /// (files already in the inbox when watching starts are not known to have arrived then,
    /// and are not recorded). `None`: no record.
    pub arrivals: Option<PathBuf>,
    /// Quiet time that ends a burst of events.
    pub debounce: Duration,
    /// How long the changed files' sizes and modification times must stay the same before
    /// they are read (one wait for the whole batch).
    pub settle: Duration,
    /// Set to end the loop (the binary sets it on Ctrl-C).
    pub stop: Arc<AtomicBool>,
    /// End after this many refreshes that found a change.
    pub max_batches: Option<usize>,
    /// End after this long.
    pub timeout: Option<Duration>,
    /// The department's decisions workbook (`--decisions`): read for each ledger, and a
    /// change to it rebuilds the ledger.
    pub decisions: Option<PathBuf>,
}

impl WatchOptions {
    pub fn new(inbox: PathBuf, output: PathBuf) -> WatchOptions {
        WatchOptions {
            inbox,
            output,
            feedback: None,
            check: CheckOptions::default(),
            roster: None,
            deadline: None,
            stage: None,
            count_unlisted: false,
            arrivals: None,
            debounce: Duration::from_millis(500),
            settle: Duration::from_millis(300),
            stop: Arc::new(AtomicBool::new(false)),
            max_batches: None,
            timeout: None,
            decisions: None,
        }
    }
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The operating system refused to watch the folder (too many watches, no permission).
    #[error("无法监视文件夹 {}：{}", path.display(), notify_words(source))]
    Notify {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("无法创建反馈目录 {}：{}", path.display(), crate::os_error::sentence(source))]
    FeedbackDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Arrivals(#[from] crate::arrivals::ArrivalsError),
}

/// Why the system would not watch a folder, in Chinese.
fn notify_words(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => crate::os_error::sentence(io),
        notify::ErrorKind::PathNotFound => "文件夹不存在".to_string(),
        notify::ErrorKind::MaxFilesWatch => {
            "系统可同时监视的文件数已达上限，请关闭其他监视程序后重试".to_string()
        }
        _ => "系统不支持监视该文件夹（如网络文件夹），请改用 taizhang ledger 定时汇总".to_string(),
    }
}

/// Which folder is at the inbox's path: device and inode where the platform tells them, so a
/// folder moved away and another made under the same name is told apart.
type FolderId = (u64, u64);

type Debouncer = notify_debouncer_mini::Debouncer<ChangeWatcher>;

/// The platform's watcher with reads left out. inotify reports a folder or file opened or
/// read; the watcher's own look at the inbox after each event would then be an event again,
/// and it would rescan the inbox at the debounce rate for as long as it runs. A file closed
/// after writing is kept: that is a change.
struct ChangeWatcher(notify::RecommendedWatcher);

impl notify::Watcher for ChangeWatcher {
    fn new<F: notify::EventHandler>(
        mut handler: F,
        config: notify::Config,
    ) -> notify::Result<Self> {
        use notify::event::{AccessKind, AccessMode, EventKind};
        let changes = move |event: notify::Result<notify::Event>| {
            let read = |kind: &EventKind| match kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
                kind => kind.is_access(),
            };
            if !matches!(&event, Ok(e) if read(&e.kind)) {
                handler.handle_event(event);
            }
        };
        notify::RecommendedWatcher::new(changes, config).map(ChangeWatcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

/// The watcher's memory: the settings and one [`Seen`] per file of the last ledger.
struct State {
    options: WatchOptions,
    ledger: LedgerOptions,
    expect: Expectation,
    seen: BTreeMap<PathBuf, Seen>,
    /// The web intake's 报送记录 as of the last ledger: a review appended to it changes the
    /// ledger (报送情况) though no form changed.
    intake_log: seen::LogStamp,
    /// The decisions workbook as of the last ledger.
    decisions: seen::LogStamp,
}

/// Watch `options.inbox` until stopped, calling `log` with one Chinese line per event.
pub fn watch(options: &WatchOptions, log: &mut dyn FnMut(String)) -> Result<(), WatchError> {
    if options.inbox.is_file() {
        let path = options.inbox.clone();
        return Err(LedgerError::InboxIsFile { path }.into());
    }
    let Some(id) = folder_id(&options.inbox) else {
        return Err(LedgerError::NoInbox {
            path: options.inbox.clone(),
        }
        .into());
    };
    // Before any work: the ledger may go there (our own ledger, or nothing).
    crate::output::may_replace(&options.output, crate::output::Kind::Ledger, false)
        .map_err(LedgerError::from)?;
    if let Some(dir) = &options.feedback {
        std::fs::create_dir_all(dir).map_err(|source| WatchError::FeedbackDir {
            path: dir.clone(),
            source,
        })?;
    }
    let (tx, rx) = mpsc::channel();
    let config = notify_debouncer_mini::Config::default().with_timeout(options.debounce);
    let mut debouncer = notify_debouncer_mini::new_debouncer_opt::<_, ChangeWatcher>(config, tx)
        .map_err(|source| WatchError::Notify {
            path: options.inbox.clone(),
            source,
        })?;
    register(&mut debouncer, &options.inbox, log).map_err(|source| WatchError::Notify {
        path: options.inbox.clone(),
        source,
    })?;
    let mut state = State::new(options);
    if let Some(path) = &options.arrivals {
        state.expect.arrivals = Some(crate::arrivals::Arrivals::load(path)?);
    }
    let found = state.refresh(true, log).unwrap_or(0);
    log(format!(
        "开始监视 {}：已读取 {found} 个文件，台账 {}；按 Ctrl-C 停止",
        options.inbox.display(),
        options.output.display()
    ));
    let mut inbox = Followed {
        debouncer,
        id,
        missing: false,
        refused: None,
    };
    run_loop(&mut state, &mut inbox, &rx, log);
    let _ = inbox.debouncer.watcher().unwatch(&options.inbox);
    log("已停止监视".to_string());
    Ok(())
}

/// Watch `inbox` and its subfolders. A subfolder that cannot be watched (no permission) is
/// logged and left out, as `ledger` lists it and goes on; only the inbox itself is fatal.
fn register(
    debouncer: &mut Debouncer,
    inbox: &Path,
    log: &mut dyn FnMut(String),
) -> Result<(), notify::Error> {
    let watcher = debouncer.watcher();
    let first = match watcher.watch(inbox, RecursiveMode::Recursive) {
        Ok(()) => return Ok(()),
        Err(e) if e.paths.is_empty() || e.paths.iter().any(|p| p == inbox) => return Err(e),
        Err(e) => e,
    };
    // The walk stopped at the folder it could not watch: watch every other folder on its own.
    let mut refused: Vec<(PathBuf, notify::Error)> = Vec::new();
    refused.push((first.paths[0].clone(), first));
    let folders: Vec<PathBuf> = walkdir::WalkDir::new(inbox)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    for folder in folders {
        if refused.iter().any(|(bad, _)| folder.starts_with(bad)) {
            continue;
        }
        if let Err(e) = watcher.watch(&folder, RecursiveMode::Recursive) {
            let bad = e.paths.first().cloned().unwrap_or(folder);
            refused.push((bad, e));
        }
    }
    for (folder, e) in refused {
        log(format!(
            "错误：无法监视子文件夹 {}：{e}；其中的变化不会触发更新",
            ledger::model::relative(inbox, &folder)
        ));
    }
    Ok(())
}

/// The inbox as the watcher follows it: which folder is watched, and whether it is gone.
struct Followed {
    debouncer: Debouncer,
    /// The folder watched at the inbox's path.
    id: FolderId,
    /// The inbox is not there (the error line was logged).
    missing: bool,
    /// A folder at the inbox's path that could not be watched (its error line was logged).
    refused: Option<FolderId>,
}

impl Followed {
    /// Whether the inbox can be read now: `Some(true)` when a folder is there again (or
    /// another replaced it) and is watched from now on, `Some(false)` when nothing changed,
    /// `None` while it is gone. Logs when it goes, comes back, or cannot be watched.
    fn check(&mut self, inbox: &Path, log: &mut dyn FnMut(String)) -> Option<bool> {
        let now = folder_id(inbox);
        if now == Some(self.id) && !self.missing {
            return Some(false);
        }
        if !self.missing {
            log(format!(
                "错误：收件文件夹 {} 不见了（被删除或移走）；台账保持原样，文件夹重新出现后继续监视",
                inbox.display()
            ));
            self.missing = true;
        }
        let now = now?;
        let _ = self.debouncer.watcher().unwatch(inbox);
        if let Err(e) = register(&mut self.debouncer, inbox, log) {
            if self.refused != Some(now) {
                log(format!("错误：无法监视文件夹 {}：{e}", inbox.display()));
                self.refused = Some(now);
            }
            return None;
        }
        log(format!(
            "收件文件夹 {} 已重新出现，继续监视",
            inbox.display()
        ));
        (self.id, self.missing, self.refused) = (now, false, None);
        Some(true)
    }
}

fn run_loop(
    state: &mut State,
    inbox: &mut Followed,
    rx: &mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
    log: &mut dyn FnMut(String),
) {
    let started = Instant::now();
    let mut batches = 0;
    let mut pending = false;
    let poll = Duration::from_millis(50);
    while !state.should_stop(started, batches) {
        match rx.recv_timeout(poll) {
            Ok(Ok(events)) => pending |= events.iter().any(|e| state.is_relevant(&e.path)),
            Ok(Err(e)) => log(format!("监视出错：{e}；继续监视")),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        match inbox.check(&state.options.inbox, log) {
            None => continue,
            Some(back) => pending |= back,
        }
        pending |= state.decisions_stamp() != state.decisions;
        if std::mem::take(&mut pending) && state.refresh(false, log).is_some() {
            batches += 1;
        }
    }
}

impl State {
    fn new(options: &WatchOptions) -> State {
        State {
            options: options.clone(),
            ledger: LedgerOptions {
                check: options.check.clone(),
                exclude: vec![options.output.clone()],
                ..LedgerOptions::default()
            },
            expect: Expectation {
                count_unlisted: options.count_unlisted,
                ..Expectation::new(options.roster.clone(), options.deadline, None)
                    .with_stage(options.stage)
            },
            seen: BTreeMap::new(),
            intake_log: None,
            decisions: None,
        }
    }

    fn should_stop(&self, started: Instant, batches: usize) -> bool {
        self.options.stop.load(Ordering::SeqCst)
            || self.options.max_batches.is_some_and(|m| batches >= m)
            || self.options.timeout.is_some_and(|t| started.elapsed() >= t)
    }

    /// Whether an event on `path` may concern a returned form (not our own outputs, not lock
    /// or temporary files).
    fn is_relevant(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let ours = same_file(path, &self.options.output)
            || self
                .options
                .feedback
                .as_ref()
                .is_some_and(|dir| is_under(path, dir));
        !(ours || name.starts_with("~$") || name.starts_with('.'))
    }

    /// The inbox's files as `ledger` finds them, less our feedback folder.
    fn discovery(&self) -> Discovery {
        let mut found = discover::discover(&self.options.inbox, &self.ledger.exclude);
        if let Some(dir) = &self.options.feedback {
            found.candidates.retain(|p| !is_under(p, dir));
            found.ignored.retain(|i| !is_under(&i.path, dir));
            found.unlisted.retain(|(p, _)| !is_under(p, dir));
        }
        found
    }

    /// Look for changes, and when there are any (or on the first call) rebuild the ledger and
    /// log them. Returns how many files were found when a ledger was attempted.
    fn refresh(&mut self, initial: bool, log: &mut dyn FnMut(String)) -> Option<usize> {
        let (found, stamps) = self.settled();
        if found.unlisted.iter().any(|(p, _)| p == &self.options.inbox) {
            return None; // the inbox went while we looked: the loop says so
        }
        let now = self.seen_now(stamps);
        let changes = self.changes(&now);
        if !initial {
            self.record_arrivals(&now, &changes, log);
        }
        let intake_log = seen::log_stamp(&self.options.inbox);
        let log_changed = intake_log != self.intake_log;
        let decisions = self.decisions_stamp();
        let decided = decisions != self.decisions;
        if changes.is_empty() && !log_changed && !decided && !initial {
            self.seen = now;
            return None;
        }
        if let Err(e) = self.read_decisions() {
            // Not without them: a ledger without its decisions would count other tiers.
            log(format!("错误：台账未更新：{e}"));
            self.decisions = decisions;
            return Some(found.candidates.len());
        }
        // Watching runs for days: "today" (W116, days left) is the day of each ledger.
        let today = chrono::Local::now().date_naive();
        if self.ledger.check.today.is_some() {
            self.ledger.check.today = Some(today);
        }
        self.expect.as_of = today;
        self.merge_intake_log(log);
        let files = found.candidates.len();
        let built = match self.rebuild(found) {
            Ok(finished) => {
                self.log_changes(&finished, &changes, initial, log);
                if changes.is_empty() && log_changed && !initial {
                    log("报送记录有更新（网上报送或审核），台账已重算".to_string());
                }
                if changes.is_empty() && decided && !initial {
                    log("审定意见表有改动，台账已重算".to_string());
                }
                true
            }
            Err(e) => {
                log(format!("错误：台账未更新：{e}"));
                false
            }
        };
        // The workbook read is the one a rebuild uses from now on, built or not: a failed
        // build is retried on the next change, not at every turn of the loop.
        self.decisions = decisions;
        if built {
            (self.seen, self.intake_log) = (now, intake_log);
        }
        Some(files)
    }

    /// The decisions workbook's stamp now (`None` without one).
    fn decisions_stamp(&self) -> seen::LogStamp {
        seen::file_stamp(self.options.decisions.as_deref()?)
    }

    /// The decisions workbook read afresh for the next ledger.
    fn read_decisions(&mut self) -> Result<(), crate::decisions::DecisionsError> {
        let Some(path) = &self.options.decisions else {
            return Ok(());
        };
        let check = &self.ledger.check;
        let read = crate::decisions::Decisions::read(path, &check.rules, &check.limits)?;
        self.ledger.decisions = Some(Arc::new(read));
        Ok(())
    }

    /// The web intake's 报送记录, read afresh for each ledger: its arrival times and decisions
    /// count as `ledger`'s and `status`'s do.
    fn merge_intake_log(&mut self, log: &mut dyn FnMut(String)) {
        let inbox = &self.options.inbox;
        match crate::intake_log::with_log(inbox, self.expect.arrivals.clone()) {
            Ok(merged) => self.expect.arrivals = merged,
            Err(e) => log(format!("错误：{e}")),
        }
    }

    /// Note in the 收件记录 the files added or changed since the last look, as arrived now
    /// (a version already recorded keeps its time), and save the record when it grew.
    fn record_arrivals(
        &mut self,
        now: &BTreeMap<PathBuf, Seen>,
        changes: &[(PathBuf, Change)],
        log: &mut dyn FnMut(String),
    ) {
        let (Some(path), Some(arrivals)) = (&self.options.arrivals, &mut self.expect.arrivals)
        else {
            return;
        };
        let when = chrono::Local::now().naive_local();
        let inbox = &self.options.inbox;
        let mut grew = false;
        let arrived = (changes.iter()).filter(|(_, change)| *change != Change::Removed);
        for (file, seen) in arrived.filter_map(|(file, _)| Some((file, now.get(file)?))) {
            if let Some(hash) = seen.hash() {
                let name = crate::ledger::model::relative(inbox, file).replace('\\', "/");
                grew |= arrivals.add(&name, &hash.to_hex(), when);
            }
        }
        if grew {
            if let Err(e) = arrivals.save(path) {
                log(format!("错误：{e}"));
            }
        }
    }

    /// The `ledger` command's pipeline over `found`.
    fn rebuild(&self, found: Discovery) -> Result<Finished<'_, ()>, LedgerError> {
        let run = RunOptions {
            expect: &self.expect,
            feedback: self.options.feedback.as_deref(),
            progress: &|_| {},
        };
        let inbox = &self.options.inbox;
        ledger::write_found(inbox, found, &self.options.output, &self.ledger, &run)
    }

    /// One line per change (on the first refresh, only the feedback that failed).
    fn log_changes(
        &self,
        finished: &Finished<()>,
        changes: &[(PathBuf, Change)],
        initial: bool,
        log: &mut dyn FnMut(String),
    ) {
        if initial {
            finished
                .ledger
                .stage
                .iter()
                .for_each(|stage| log(stage.line()));
            report_feedback_failures(&finished.feedback, log);
            return;
        }
        let lines = finished.ledger.files.lines();
        for (path, change) in changes {
            let shown = finished.ledger.display_path(path);
            if let Some(line) = event_line(lines, &shown, *change, &finished.feedback) {
                log(line);
            }
        }
    }
}

fn report_feedback_failures(outcomes: &[FeedbackOutcome], log: &mut dyn FnMut(String)) {
    for outcome in outcomes {
        if let FeedbackOutcome::Failed { unit, error } = outcome {
            log(format!("错误：{unit} 的反馈未生成：{error}"));
        }
    }
}

/// "收到 白马镇.xlsx：3 个错误，已生成反馈".
fn event_line(
    lines: &[FileEntry],
    shown: &str,
    change: Change,
    outcomes: &[FeedbackOutcome],
) -> Option<String> {
    if change == Change::Removed {
        return Some(format!("移除 {shown}"));
    }
    let entry = lines.iter().find(|f| f.path == shown)?;
    let verb = match change {
        Change::Added => "收到",
        _ => "更新",
    };
    let verdict = match &entry.status {
        FileStatus::Ignored(why) => return Some(format!("忽略 {shown}：{why}")),
        FileStatus::Superseded(by) => format!("已被 {by} 替代，不计入台账"),
        FileStatus::OtherStage(s) => format!("调查阶段为{}，不计入台账", s.label()),
        FileStatus::Failed => format!("无法读取（{}）", entry.detail),
        FileStatus::Read => counts(entry.errors, entry.warnings),
    };
    let feedback = match entry.status {
        FileStatus::Superseded(_) | FileStatus::OtherStage(_) => String::new(),
        _ => feedback_note(&entry.unit_name, outcomes),
    };
    let replaced = replaced_note(lines, shown);
    Some(format!("{verb} {shown}：{verdict}{replaced}{feedback}"))
}

fn counts(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "通过".to_string(),
        (0, w) => format!("{w} 个警告"),
        (e, 0) => format!("{e} 个错误"),
        (e, w) => format!("{e} 个错误、{w} 个警告"),
    }
}

fn replaced_note(lines: &[FileEntry], shown: &str) -> String {
    let old: Vec<&str> = lines
        .iter()
        .filter(|f| matches!(&f.status, FileStatus::Superseded(by) if by == shown))
        .map(|f| f.path.as_str())
        .collect();
    match old.as_slice() {
        [] => String::new(),
        old => format!("，替代了 {}", old.join("、")),
    }
}

/// What became of the feedback of `unit` in this refresh.
fn feedback_note(unit: &str, outcomes: &[FeedbackOutcome]) -> String {
    outcomes
        .iter()
        .find_map(|o| match o {
            FeedbackOutcome::Written { unit: u, .. } if u == unit => {
                Some("，已生成反馈".to_string())
            }
            FeedbackOutcome::Removed { unit: u, .. } if u == unit => {
                Some("，已删除旧反馈".to_string())
            }
            FeedbackOutcome::Failed { unit: u, error } if u == unit => {
                Some(format!("，反馈未生成：{error}"))
            }
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(unix)]
fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn folder_id(path: &Path) -> Option<FolderId> {
    path.is_dir().then_some((0, 0))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || canonical(a) == canonical(b)
}

fn is_under(path: &Path, dir: &Path) -> bool {
    path.starts_with(dir) || canonical(path).starts_with(canonical(dir))
}
