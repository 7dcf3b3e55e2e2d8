//! 报送记录: the web intake's log of what arrived and what the department decided.
//!
//! `taizhang serve` keeps its whole state in the inbox: the stored files, and this log beside
//! them, `INBOX/报送记录.jsonl`, one JSON object a line, appended and never rewritten. A line is
//! either a submission (`"event":"submitted"`: who sent which file when, its size and BLAKE3
//! hash, how the check went, the reason given for sending it with errors) or a review
//! (`"event":"reviewed"`: 通过 or 退回 with a comment, by whom, when). A restart reads the log
//! and has everything back.
//!
//! `ledger`, `status` and `watch` read it too: the time a submission arrived decides whether
//! it was late (through [`crate::arrivals::Arrivals`], as `watch`'s 收件记录 does), and the
//! latest decision on a unit's current file shows in 报送情况.
//!
//! The server's own access log ([`ACCESS_LOG`]: who signed in, submitted, reviewed, downloaded
//! what, when) lies beside it in the same format; nothing reads it back.

use crate::arrivals::Arrivals;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The submissions log, in the inbox.
pub const LOG: &str = "报送记录.jsonl";
/// The server's access log, beside it.
pub const ACCESS_LOG: &str = "访问日志.jsonl";
/// The server's private folder in the inbox (uploads being checked, hashed access codes,
/// ledgers being built): hidden, so the ledger never walks into it.
pub const PRIVATE_DIR: &str = ".taizhang";
/// How times are written in the logs (local time).
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Submitted(Submitted),
    Reviewed(Reviewed),
}

/// A file a unit submitted, stored in the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    /// 1, 2, 3…: the submission's number, in the order they arrived.
    pub id: u64,
    pub unit_code: String,
    pub unit_name: String,
    /// The name of the file on the clerk's computer (shown only; never used as a path).
    pub original_name: String,
    /// Where it is stored, relative to the inbox, with `/`.
    pub stored: String,
    /// When it arrived, local time ([`TIME_FORMAT`]).
    pub arrived_at: String,
    pub size: u64,
    pub blake3: String,
    /// The check's one-line verdict, as `taizhang check` prints it.
    pub verdict: String,
    pub errors: usize,
    pub warnings: usize,
    /// Why it was sent despite its errors (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The department's decision on a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reviewed {
    pub id: u64,
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
    pub by: String,
    pub at: String,
}

/// 通过 or 退回.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    #[serde(rename = "通过")]
    Accepted,
    #[serde(rename = "退回")]
    Returned,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Decision::Accepted => "通过",
            Decision::Returned => "退回",
        }
    }
    pub fn parse(text: &str) -> Option<Decision> {
        match text.trim() {
            "通过" => Some(Decision::Accepted),
            "退回" => Some(Decision::Returned),
            _ => None,
        }
    }
}

/// Why the log could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("无法读取报送记录“{}”：{}", path.display(), crate::os_error::sentence(source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("无法写入“{}”：{}", path.display(), crate::os_error::sentence(source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The line was written but could not be synced to disk.
    #[error("已写入“{}”，但无法确认已存到磁盘：{}", path.display(), crate::os_error::sentence(source))]
    Sync {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Everything the log holds, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Log {
    pub events: Vec<Event>,
    /// Lines that are not events of ours (a line cut short when the machine lost power while
    /// writing it): counted, not fatal.
    pub unreadable_lines: usize,
}

impl Log {
    /// The log of `inbox`; an empty one when there is none.
    pub fn load(inbox: &Path) -> Result<Log, LogError> {
        let path = inbox.join(LOG);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
            Err(source) => return Err(LogError::Read { path, source }),
        };
        let mut log = Log::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str(line) {
                Ok(event) => log.events.push(event),
                Err(_) => log.unreadable_lines += 1,
            }
        }
        Ok(log)
    }

    pub fn submissions(&self) -> impl Iterator<Item = &Submitted> {
        self.events.iter().filter_map(|e| match e {
            Event::Submitted(s) => Some(s),
            Event::Reviewed(_) => None,
        })
    }

    /// The submissions of the unit of code `unit_code`, in order.
    pub fn submissions_of<'a>(&'a self, unit_code: &'a str) -> impl Iterator<Item = &'a Submitted> {
        self.submissions().filter(move |s| s.unit_code == unit_code)
    }

    /// The latest decision on submission `id`.
    pub fn review_of(&self, id: u64) -> Option<&Reviewed> {
        self.events.iter().rev().find_map(|e| match e {
            Event::Reviewed(r) if r.id == id => Some(r),
            _ => None,
        })
    }

    /// The number the next submission gets.
    pub fn next_id(&self) -> u64 {
        self.submissions().map(|s| s.id).max().unwrap_or(0) + 1
    }

    /// When each submitted content arrived, and the latest decision on each stored file.
    pub fn arrivals(&self) -> Arrivals {
        let mut arrivals = Arrivals::default();
        for s in self.submissions() {
            if let Ok(when) = NaiveDateTime::parse_from_str(&s.arrived_at, TIME_FORMAT) {
                arrivals.add(&s.stored, &s.blake3, when);
            }
            if let Some(review) = self.review_of(s.id) {
                let said = match review.comment.trim() {
                    "" => format!("网上报送审核：{}", review.decision.label()),
                    comment => format!("网上报送审核：{}（{comment}）", review.decision.label()),
                };
                arrivals.note_review(&s.stored, said);
            }
        }
        arrivals
    }
}

/// Append `event` to the log of `inbox`: one write of one line, flushed to disk before this
/// returns (the caller holds the lock that keeps two writers apart).
pub fn append(inbox: &Path, event: &Event) -> Result<(), LogError> {
    append_line(&inbox.join(LOG), event)
}

/// Append one JSON line to `path` (the submissions or the access log) and sync it.
pub fn append_line<T: Serialize>(path: &Path, value: &T) -> Result<(), LogError> {
    append_line_with(path, value, true)
}

/// Append one JSON line to `path`, synced to disk before it returns when `sync` (the
/// submissions log: a line lost would be a submission lost; not the access log).
///
/// A failed sync after a whole line was written is [`LogError::Sync`]: the line is most
/// likely in the file, and what it records must not be undone.
pub fn append_line_with<T: Serialize>(path: &Path, value: &T, sync: bool) -> Result<(), LogError> {
    let mut line = serde_json::to_string(value).expect("a log line serializes");
    line.push('\n');
    let write = |source| LogError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(write)?;
    // A line cut short by a power cut must not swallow this one: start on a line of its own.
    if !ends_a_line(&mut file).map_err(write)? {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes()).map_err(write)?;
    if !sync {
        return Ok(());
    }
    file.sync_data().map_err(|source| LogError::Sync {
        path: path.to_path_buf(),
        source,
    })
}

/// Whether `file` is empty or ends with a line break.
fn ends_a_line(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The arrivals the log of `inbox` records, merged into `arrivals` (a 收件记录 given with
/// `--arrivals`), or `None` when there is neither.
pub fn with_log(inbox: &Path, arrivals: Option<Arrivals>) -> Result<Option<Arrivals>, LogError> {
    if !inbox.join(LOG).is_file() {
        return Ok(arrivals);
    }
    let mut merged = arrivals.unwrap_or_default();
    merged.merge(&Log::load(inbox)?.arrivals());
    Ok(Some(merged))
}

/// Whether `name` is one of the log files, which the ledger lists as the tool's own files.
pub fn is_log_name(name: &str) -> bool {
    name == LOG || name == ACCESS_LOG
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_reads_back_its_events_and_skips_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let submitted = Submitted {
            id: 1,
            unit_code: "511101003".into(),
            unit_name: "白马镇".into(),
            original_name: "白马镇.xlsx".into(),
            stored: "511101003/x.xlsx".into(),
            arrived_at: "2026-04-14 09:30:00".into(),
            size: 10,
            blake3: "a".repeat(64),
            verdict: "通过".into(),
            errors: 0,
            warnings: 0,
            reason: None,
        };
        append(dir.path(), &Event::Submitted(submitted.clone())).unwrap();
        let review = Reviewed {
            id: 1,
            decision: Decision::Returned,
            comment: "请补齐书记手机号".into(),
            by: "组织部".into(),
            at: "2026-04-14 10:00:00".into(),
        };
        append(dir.path(), &Event::Reviewed(review.clone())).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(LOG))
            .unwrap()
            .write_all(b"{\"event\":\"subm")
            .unwrap();
        // The next event after a torn line is whole.
        append(dir.path(), &Event::Reviewed(review.clone())).unwrap();
        let log = Log::load(dir.path()).unwrap();
        assert_eq!(log.unreadable_lines, 1);
        assert_eq!(log.events.len(), 3);
        assert_eq!(log.submissions().next(), Some(&submitted));
        assert_eq!(log.review_of(1), Some(&review));
        assert_eq!(log.next_id(), 2);
        let arrivals = log.arrivals();
        assert!(arrivals.arrival(&"a".repeat(64)).is_some());
        assert_eq!(
            arrivals.review("511101003/x.xlsx"),
            Some("网上报送审核：退回（请补齐书记手机号）")
        );
        let text = std::fs::read_to_string(dir.path().join(LOG)).unwrap();
        assert!(text.contains("\"decision\":\"退回\""), "{text}");
    }
}
