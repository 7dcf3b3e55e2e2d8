//! 收件记录: when each version of each return arrived, as `watch` saw it or the web intake
//! logged it ([`crate::intake_log`]). A file's modification time says nothing of that (copying a file from mail changes
//! it), so lateness is judged by this record when there is one, else by the form's 填报日期.
//!
//! The record is a CSV a clerk can open in Excel (UTF-8 with a byte-order mark): 文件 (the
//! path in the inbox, with `/`), 收到时间 (`2026-04-15 09:30:12`, local time) and 内容摘要 (the
//! BLAKE3 hash of the file's bytes). A file sent again with other content is a new version
//! with its own line; the same content keeps its first time, whatever its name or folder
//! (a return moved into a subfolder after the deadline did not arrive late).

use crate::os_error;
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The record's header line, which also tells a record of ours from any other CSV.
const HEADER: [&str; 3] = ["文件", "收到时间", "内容摘要"];
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Every version of every return seen arriving.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arrivals {
    /// (文件, 内容摘要) → 收到时间, and the lines in the order they were recorded.
    times: HashMap<(String, String), NaiveDateTime>,
    order: Vec<(String, String)>,
    /// 内容摘要 → the earliest 收到时间 under any name (looked up once per file a run reads).
    first: HashMap<String, NaiveDateTime>,
    /// 文件 → what the department decided on it in the web intake, as 报送情况 says it
    /// (from the intake log only; never saved in the CSV).
    reviews: HashMap<String, String>,
}

/// Why a 收件记录 could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ArrivalsError {
    #[error("无法读取收件记录“{path}”：{}", os_error::sentence(source))]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("“{path}”不是本程序的收件记录（第一行应为“文件,收到时间,内容摘要”），请换一个文件名")]
    NotARecord { path: String },
    #[error("收件记录“{path}”第 {line} 行：{what}")]
    Line {
        path: String,
        line: usize,
        what: String,
    },
    #[error("无法保存收件记录“{path}”：{}", os_error::sentence(source))]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl Arrivals {
    /// The record at `path`; an empty one when there is no file yet.
    pub fn load(path: &Path) -> Result<Arrivals, ArrivalsError> {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Arrivals::default()),
            Err(source) => {
                return Err(ArrivalsError::Read {
                    path: shown,
                    source,
                })
            }
        };
        let text = String::from_utf8(bytes).map_err(|_| ArrivalsError::NotARecord {
            path: shown.clone(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = records.next().and_then(Result::ok);
        if header.as_ref().is_none_or(|h| h.iter().ne(HEADER)) {
            return Err(ArrivalsError::NotARecord { path: shown });
        }
        let mut arrivals = Arrivals::default();
        for (i, record) in records.enumerate() {
            let line = i + 2;
            let bad = |what: &str| ArrivalsError::Line {
                path: shown.clone(),
                line,
                what: what.to_string(),
            };
            let record = record.map_err(|_| bad("不是有效的 CSV 行"))?;
            let [file, time, hash] = [0, 1, 2].map(|k| record.get(k).unwrap_or_default());
            let when = NaiveDateTime::parse_from_str(time, TIME_FORMAT)
                .map_err(|_| bad(&format!("收到时间“{time}”应写成 2026-04-15 09:30:12")))?;
            if file.is_empty() || hash.len() != 64 {
                return Err(bad("文件或内容摘要不完整"));
            }
            arrivals.add(file, hash, when);
        }
        Ok(arrivals)
    }

    /// When content `hash` first arrived, under any name.
    pub fn arrival(&self, hash: &str) -> Option<NaiveDateTime> {
        self.first.get(hash).copied()
    }

    /// Note that this version of `file` arrived at `when`, unless it is already known;
    /// whether it was new.
    pub fn add(&mut self, file: &str, hash: &str, when: NaiveDateTime) -> bool {
        let key = (file.to_string(), hash.to_string());
        if self.times.contains_key(&key) {
            return false;
        }
        self.times.insert(key.clone(), when);
        let first = self.first.entry(hash.to_string()).or_insert(when);
        *first = (*first).min(when);
        self.order.push(key);
        true
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every line of `other` added to this record (the intake log's beside a 收件记录).
    pub fn merge(&mut self, other: &Arrivals) {
        for key in &other.order {
            self.add(&key.0, &key.1, other.times[key]);
        }
        for (file, said) in &other.reviews {
            self.reviews.insert(file.clone(), said.clone());
        }
    }

    /// Note the department's decision on `file` (relative to the inbox, with `/`).
    pub fn note_review(&mut self, file: &str, said: String) {
        self.reviews.insert(file.to_string(), said);
    }

    /// The department's decision on `file` (relative to the inbox, `/` or `\\`), in words.
    pub fn review(&self, file: &str) -> Option<&str> {
        self.reviews
            .get(&file.replace('\\', "/"))
            .map(String::as_str)
    }

    /// Write the record to `path` atomically (a temporary file beside it, then renamed), with
    /// the lines another writer put there since it was read kept. An existing file there must
    /// be a record of ours.
    pub fn save(&mut self, path: &Path) -> Result<(), ArrivalsError> {
        let shown = path.display().to_string();
        self.merge(&Arrivals::load(path)?);
        let write = |source| ArrivalsError::Write {
            path: shown.clone(),
            source,
        };
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let mut temp = tempfile::Builder::new()
            .prefix(crate::output::TEMP_PREFIX)
            .suffix(crate::output::TEMP_SUFFIX)
            .tempfile_in(folder.unwrap_or(Path::new(".")))
            .map_err(write)?;
        let mut text = String::from("\u{feff}");
        let mut out = csv::Writer::from_writer(Vec::new());
        let lines = std::iter::once(HEADER.map(str::to_string)).chain(self.order.iter().map(
            |(file, hash)| {
                let when = self.times[&(file.clone(), hash.clone())];
                [
                    file.clone(),
                    when.format(TIME_FORMAT).to_string(),
                    hash.clone(),
                ]
            },
        ));
        for line in lines {
            out.write_record(&line).map_err(|e| write(e.into()))?;
        }
        let bytes = out.into_inner().map_err(|e| write(e.into_error()))?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        temp.write_all(text.as_bytes()).map_err(write)?;
        temp.persist(path).map_err(|e| write(e.error))?;
        Ok(())
    }
}

/// The BLAKE3 hash of a file's bytes, read in a stream, as the record writes it.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::io::BufReader::new(file))?;
    Ok(hasher.finalize().to_hex().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, TIME_FORMAT).unwrap()
    }

    #[test]
    fn a_record_reads_back_what_was_saved_and_keeps_first_times() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("收件记录.csv");
        let mut arrivals = Arrivals::load(&path).unwrap();
        assert!(arrivals.is_empty());
        let hash = "a".repeat(64);
        assert!(arrivals.add("乡镇/白马镇.xlsx", &hash, at("2026-04-14 09:30:00")));
        assert!(!arrivals.add("乡镇/白马镇.xlsx", &hash, at("2026-04-16 10:00:00")));
        assert!(arrivals.add(
            "乡镇/白马镇.xlsx",
            &"b".repeat(64),
            at("2026-04-16 10:00:00")
        ));
        arrivals.save(&path).unwrap();
        let back = Arrivals::load(&path).unwrap();
        assert_eq!(back, arrivals);
        assert_eq!(back.arrival(&hash), Some(at("2026-04-14 09:30:00")));
        // Moved into another folder later: the same content, arrived when it first did.
        arrivals.add("白马镇.xlsx", &hash, at("2026-04-20 08:00:00"));
        assert_eq!(arrivals.arrival(&hash), Some(at("2026-04-14 09:30:00")));
        // Another writer's line since it was read is kept when it is saved again.
        let mut other = Arrivals::load(&path).unwrap();
        other.add("龙泉镇.xlsx", &"c".repeat(64), at("2026-04-15 10:00:00"));
        other.save(&path).unwrap();
        arrivals.save(&path).unwrap();
        let merged = Arrivals::load(&path).unwrap();
        assert!(merged.arrival(&"c".repeat(64)).is_some(), "kept");
        assert!(merged.arrival(&"b".repeat(64)).is_some(), "ours");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("\u{feff}文件,收到时间,内容摘要\n"),
            "{text}"
        );
    }

    #[test]
    fn another_csv_is_never_taken_for_a_record_nor_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名单.csv");
        std::fs::write(&path, "姓名,电话\n张三,123\n").unwrap();
        let error = Arrivals::load(&path).unwrap_err().to_string();
        assert!(error.contains("不是本程序的收件记录"), "{error}");
        assert!(Arrivals::default().save(&path).is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "姓名,电话\n张三,123\n"
        );
        std::fs::write(&path, "文件,收到时间,内容摘要\n白马镇.xlsx,昨天,abc\n").unwrap();
        let error = Arrivals::load(&path).unwrap_err().to_string();
        assert!(error.contains("第 2 行"), "{error}");
    }
}
