//! `taizhang watch`: keep the ledger (and the feedback) current while returned forms arrive.
//!
//! The clerk drops files into the inbox; each burst of file-system events (debounced) triggers
//! a refresh that looks at every file's size and modification time, waits until a changed file
//! has stopped growing, hashes it, and re-checks it only when its content really changed. The
//! ledger is then rebuilt from the cached reports and written atomically. Our own outputs (the
//! ledger, its temporary file, the feedback folder) never trigger anything, or every write
//! would wake the watcher again. The loop ends when `stop` is set (Ctrl-C in the binary), after
//! `max_batches` refreshes or after `timeout`, so a test can drive it in a real folder.

use crate::check::{check_file, CheckOptions, FileReport};
use crate::discover::{self, Discovery};
use crate::ledger::model::{FileEntry, FileStatus};
use crate::ledger::unit_feedback::{self, FeedbackOutcome};
use crate::ledger::{self, Ledger, LedgerError};
use crate::roster::Roster;
use crate::status::Expectation;
use chrono::NaiveDate;
use notify::RecursiveMode;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime};

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
    /// Quiet time that ends a burst of events.
    pub debounce: Duration,
    /// How long a file's size and modification time must stay the same before it is read.
    pub settle: Duration,
    /// Set to end the loop (the binary sets it on Ctrl-C).
    pub stop: Arc<AtomicBool>,
    /// End after this many refreshes that found a change.
    pub max_batches: Option<usize>,
    /// End after this long.
    pub timeout: Option<Duration>,
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
            debounce: Duration::from_millis(500),
            settle: Duration::from_millis(300),
            stop: Arc::new(AtomicBool::new(false)),
            max_batches: None,
            timeout: None,
        }
    }
}

/// Why watching could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The operating system refused to watch the folder (too many watches, no permission).
    #[error("无法监视文件夹 {}：{source}", path.display())]
    Notify {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("无法创建反馈目录 {}：{source}", path.display())]
    FeedbackDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What the cache knows of one file.
struct Cached {
    stamp: Stamp,
    hash: blake3::Hash,
    report: FileReport,
}

/// Size and modification time: cheap to read, changes when the content may have.
type Stamp = (u64, Option<SystemTime>);

/// How a file changed since the last refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    Updated,
    Removed,
}

/// The watcher's memory: path → (stamp, content hash, report).
struct State {
    options: WatchOptions,
    cache: BTreeMap<PathBuf, Cached>,
}

/// Watch `options.inbox` until stopped, calling `log` with one Chinese line per event.
pub fn watch(options: &WatchOptions, log: &mut dyn FnMut(String)) -> Result<(), WatchError> {
    if !options.inbox.is_dir() {
        return Err(LedgerError::NoInbox {
            path: options.inbox.clone(),
        }
        .into());
    }
    ledger::refuse_overwriting_a_form(&options.output, &options.check)?;
    if let Some(dir) = &options.feedback {
        std::fs::create_dir_all(dir).map_err(|source| WatchError::FeedbackDir {
            path: dir.clone(),
            source,
        })?;
    }
    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(options.debounce, tx)
        .and_then(|mut d| {
            d.watcher()
                .watch(&options.inbox, RecursiveMode::Recursive)
                .map(|_| d)
        })
        .map_err(|source| WatchError::Notify {
            path: options.inbox.clone(),
            source,
        })?;
    let mut state = State {
        options: options.clone(),
        cache: BTreeMap::new(),
    };
    let first = state.refresh();
    state.publish(&first, true, log);
    log(format!(
        "开始监视 {}：已读取 {} 个文件，台账 {}；按 Ctrl-C 停止",
        options.inbox.display(),
        first.len(),
        options.output.display()
    ));
    run_loop(&mut state, &rx, log);
    let _ = debouncer.watcher().unwatch(&options.inbox);
    log("已停止监视".to_string());
    Ok(())
}

fn run_loop(
    state: &mut State,
    rx: &mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
    log: &mut dyn FnMut(String),
) {
    let started = Instant::now();
    let mut batches = 0;
    let poll = Duration::from_millis(50);
    while !state.should_stop(started, batches) {
        let events = match rx.recv_timeout(poll) {
            Ok(Ok(events)) => events,
            Ok(Err(e)) => {
                log(format!("监视出错：{e}；继续监视"));
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if !events.iter().any(|e| state.is_relevant(&e.path)) {
            continue;
        }
        let changes = state.refresh();
        if !changes.is_empty() {
            state.publish(&changes, false, log);
            batches += 1;
        }
    }
}

impl State {
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

    fn discovery(&self) -> Discovery {
        let mut found = discover::discover(
            &self.options.inbox,
            std::slice::from_ref(&self.options.output),
        );
        if let Some(dir) = &self.options.feedback {
            found.candidates.retain(|p| !is_under(p, dir));
            found.ignored.retain(|i| !is_under(&i.path, dir));
        }
        found
    }

    /// Re-read what changed; return the changed paths.
    fn refresh(&mut self) -> Vec<(PathBuf, Change)> {
        let found = self.discovery();
        let mut changes = Vec::new();
        let present: HashSet<PathBuf> = found.candidates.iter().collect();
        let gone: Vec<PathBuf> = self
            .cache
            .keys()
            .filter(|p| !present.contains(*p))
            .cloned()
            .collect();
        for path in gone {
            self.cache.remove(&path);
            changes.push((path, Change::Removed));
        }
        for path in found.candidates.iter() {
            if let Some(change) = self.update(&path) {
                changes.push((path, change));
            }
        }
        changes
    }

    /// Re-check `path` if its content changed since it was cached.
    fn update(&mut self, path: &Path) -> Option<Change> {
        let before = stamp(path);
        if self
            .cache
            .get(path)
            .is_some_and(|c| Some(c.stamp) == before)
        {
            return None;
        }
        let stamp = self.wait_until_stable(path)?;
        let hash = blake3::hash(&std::fs::read(path).ok()?);
        if let Some(cached) = self.cache.get_mut(path) {
            cached.stamp = stamp;
            if cached.hash == hash {
                return None;
            }
        }
        let report = check_file(path, &self.options.check);
        let change = match self.cache.contains_key(path) {
            true => Change::Updated,
            false => Change::Added,
        };
        self.cache.insert(
            path.to_path_buf(),
            Cached {
                stamp,
                hash,
                report,
            },
        );
        Some(change)
    }

    /// The file's stamp once it stayed the same for `settle`; `None` if it vanished or the
    /// watch is stopping.
    fn wait_until_stable(&self, path: &Path) -> Option<Stamp> {
        let mut last = stamp(path)?;
        loop {
            std::thread::sleep(self.options.settle);
            let now = stamp(path)?;
            if now == last || self.options.stop.load(Ordering::SeqCst) {
                return Some(now);
            }
            last = now;
        }
    }

    /// Rebuild and write the ledger and the changed files' feedback, then log each change.
    fn publish(&self, changes: &[(PathBuf, Change)], initial: bool, log: &mut dyn FnMut(String)) {
        let found = self.discovery();
        let reports: Vec<FileReport> = found
            .candidates
            .iter()
            .filter_map(|p| self.cache.get(&p).map(|c| c.report.clone()))
            .collect();
        let expect = Expectation::new(self.options.roster.clone(), self.options.deadline, None)
            .with_stage(self.options.stage);
        let rules = &self.options.check.rules;
        let built = Ledger::build_with(rules, &self.options.inbox, &found, reports, &expect);
        if let Err(e) = ledger::write(&built, &self.options.output) {
            log(format!("错误：台账未更新：{e}"));
        }
        let changed: HashSet<PathBuf> = changes.iter().map(|(p, _)| p.clone()).collect();
        let outcomes = self.write_feedback(&built, &changed, initial);
        if initial {
            built.stage.iter().for_each(|stage| log(stage.line()));
            report_feedback_failures(&outcomes, log);
            return;
        }
        for (path, change) in changes {
            if let Some(line) = event_line(&built, path, *change, &outcomes) {
                log(line);
            }
        }
    }

    fn write_feedback(
        &self,
        built: &Ledger,
        changed: &HashSet<PathBuf>,
        initial: bool,
    ) -> Vec<FeedbackOutcome> {
        let Some(dir) = &self.options.feedback else {
            return Vec::new();
        };
        let only = (!initial).then_some(changed);
        unit_feedback::write_unit_feedback(built, &self.options.check.limits, dir, only)
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
    built: &Ledger,
    path: &Path,
    change: Change,
    outcomes: &[FeedbackOutcome],
) -> Option<String> {
    let shown = built.display_path(path);
    if change == Change::Removed {
        return Some(format!("移除 {shown}"));
    }
    let lines = built.files.to_vec().ok()?;
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
    let index = built.reports.iter().position(|r| r.path == path);
    let feedback = index.map_or(String::new(), |i| feedback_note(built, i, outcomes));
    let replaced = replaced_note(&lines, &shown);
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

fn feedback_note(built: &Ledger, index: usize, outcomes: &[FeedbackOutcome]) -> String {
    let unit = unit_feedback::unit_name(built, index);
    outcomes
        .iter()
        .find_map(|o| match o {
            FeedbackOutcome::Written { unit: u, .. } if *u == unit => {
                Some("，已生成反馈".to_string())
            }
            FeedbackOutcome::Removed { unit: u, .. } if *u == unit => {
                Some("，已删除旧反馈".to_string())
            }
            FeedbackOutcome::Failed { unit: u, error } if *u == unit => {
                Some(format!("，反馈未生成：{error}"))
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
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
