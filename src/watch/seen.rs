//! What the watcher remembers of each file between refreshes, and how it tells what changed:
//! a cheap stamp (size, modification time) per file, a content hash when the stamp moved, and
//! one wait for a changing batch to settle.

use super::State;
use crate::discover::Discovery;
use crate::read::Limits;
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::SystemTime;

/// Size and modification time: cheap to read, changes when the content may have.
type Stamp = (u64, Option<SystemTime>);

/// Every candidate's stamp (`None`: it could not be looked at).
type Stamps = BTreeMap<PathBuf, Option<Stamp>>;

/// The stamp of the web intake's 报送记录 (`None`: there is none).
pub(super) type LogStamp = Option<Stamp>;

/// The stamp of `inbox`'s 报送记录 now.
pub(super) fn log_stamp(inbox: &Path) -> LogStamp {
    file_stamp(&inbox.join(crate::intake_log::LOG))
}

/// The stamp of a file now (`None` when it is not there).
pub(super) fn file_stamp(path: &Path) -> LogStamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// What the watcher remembers of one file between refreshes (not its report: the ledger is
/// rebuilt from the files each time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Seen {
    /// `None` when the file could not be looked at.
    stamp: Option<Stamp>,
    /// `None` when it could not be read, or is over the size limit (never read whole).
    hash: Option<blake3::Hash>,
}

impl Seen {
    /// Its content hash, when it could be read.
    pub(super) fn hash(&self) -> Option<blake3::Hash> {
        self.hash
    }
}

/// How a file changed since the last refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Added,
    Updated,
    Removed,
}

impl State {
    /// The inbox's files and their stamps once nothing changed in it for `settle`: one wait
    /// for a whole batch, however many files it has, and files still arriving join it.
    pub(super) fn settled(&self) -> (Discovery, Stamps) {
        let mut found = self.discovery();
        let mut stamps = stamps_of(&found);
        let unchanged = stamps.len() == self.seen.len()
            && stamps
                .iter()
                .all(|(p, s)| self.seen.get(p).is_some_and(|seen| seen.stamp == *s));
        if unchanged {
            return (found, stamps);
        }
        loop {
            std::thread::sleep(self.options.settle);
            let again = self.discovery();
            let now = stamps_of(&again);
            let still = now != stamps;
            (found, stamps) = (again, now);
            if !still || self.options.stop.load(Ordering::SeqCst) {
                return (found, stamps);
            }
        }
    }

    /// Every file's [`Seen`]: what was known when its stamp did not change, else its stamp
    /// and a fresh hash.
    pub(super) fn seen_now(&self, stamps: Stamps) -> BTreeMap<PathBuf, Seen> {
        let limits = &self.options.check.limits;
        stamps
            .into_iter()
            .map(|(path, stamp)| {
                let seen = match self.seen.get(&path) {
                    Some(old) if old.stamp == stamp => *old,
                    _ => Seen {
                        stamp,
                        hash: hash_file(&path, stamp, limits),
                    },
                };
                (path, seen)
            })
            .collect()
    }

    /// What changed between the last ledger's files and `now`.
    pub(super) fn changes(&self, now: &BTreeMap<PathBuf, Seen>) -> Vec<(PathBuf, Change)> {
        let mut changes: Vec<(PathBuf, Change)> = self
            .seen
            .keys()
            .filter(|p| !now.contains_key(*p))
            .map(|p| (p.clone(), Change::Removed))
            .collect();
        for (path, seen) in now {
            let change = match self.seen.get(path) {
                None => Change::Added,
                Some(old) if same_content(old, seen) => continue,
                Some(_) => Change::Updated,
            };
            changes.push((path.clone(), change));
        }
        changes
    }
}

/// Whether two looks at a file saw the same content: same hash, or (without one: unreadable,
/// over the size limit) same stamp.
fn same_content(old: &Seen, new: &Seen) -> bool {
    match (old.hash, new.hash) {
        (Some(a), Some(b)) => a == b,
        _ => old.stamp == new.stamp,
    }
}

/// The content hash of a file within the size limit, read in a stream (never whole).
fn hash_file(path: &Path, stamp: Option<Stamp>, limits: &Limits) -> Option<blake3::Hash> {
    let (size, _) = stamp?;
    if size > limits.max_file_bytes {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(BufReader::new(file)).ok()?;
    Some(hasher.finalize())
}

fn stamps_of(found: &Discovery) -> Stamps {
    found
        .candidates
        .iter()
        .map(|p| {
            let s = stamp(p);
            (p.clone(), s)
        })
        .collect()
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}
