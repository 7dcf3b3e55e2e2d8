//! Pass 1's reports (read, normalized, validated), kept on disk until pass 2 classifies and
//! writes them, so each workbook is parsed once.
//!
//! Each record is its serde encoding in postcard, appended to one temporary file removed
//! when the run ends, and read back by where it starts and how long it is. A report's path is
//! not stored: pass 2 knows it.

use crate::check::FileReport;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// Where one file's report lies in the spill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    at: u64,
    len: u32,
}

/// The spill while pass 1 appends to it (from any thread).
pub struct Spill {
    /// The file, and how long it is.
    out: Mutex<(BufWriter<File>, u64)>,
}

impl Spill {
    /// A new spill in the system's temporary folder (unlinked at once: nothing is left behind).
    pub fn new() -> io::Result<Spill> {
        let file = BufWriter::with_capacity(1 << 18, tempfile::tempfile()?);
        Ok(Spill {
            out: Mutex::new((file, 0)),
        })
    }

    /// Append one report: encoded on the calling thread, written under the lock.
    pub fn put<T: Serialize>(&self, record: &T) -> io::Result<Slot> {
        let bytes = postcard::to_extend(record, Vec::with_capacity(4096))
            .map_err(|e| io::Error::other(format!("无法暂存记录：{e}")))?;
        self.put_bytes(&bytes)
    }

    fn put_bytes(&self, bytes: &[u8]) -> io::Result<Slot> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("暂存记录超过 4 GiB"))?;
        let mut out = self.out.lock().expect("spill lock");
        let (file, at) = &mut *out;
        file.write_all(bytes)?;
        let slot = Slot { at: *at, len };
        *at += u64::from(len);
        Ok(slot)
    }

    /// Done appending: the records can be read back.
    pub fn replay(self) -> io::Result<Replay> {
        let (file, _) = self.out.into_inner().expect("spill lock");
        let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(Replay {
            file: Mutex::new(file),
        })
    }
}

/// The spill once pass 1 is over: records read back by slot (from any thread).
pub struct Replay {
    file: Mutex<File>,
}

impl Replay {
    /// The report stored in `slot` for the file at `path`.
    pub fn get(&self, slot: Slot, path: &Path) -> io::Result<FileReport> {
        let mut bytes = vec![0; slot.len as usize];
        {
            let mut file = self.file.lock().expect("spill lock");
            file.seek(SeekFrom::Start(slot.at))?;
            file.read_exact(&mut bytes)?;
        }
        let mut report: FileReport = decode(&bytes)?;
        report.path = path.to_path_buf();
        if let Some(form) = &mut report.form {
            form.path = path.to_path_buf();
        }
        Ok(report)
    }
}

/// The record that is all of `bytes`: one with bytes left over is damaged.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> io::Result<T> {
    match postcard::take_from_bytes(bytes) {
        Ok((record, [])) => Ok(record),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "临时文件内容损坏",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_file, CheckOptions};
    use crate::form::{Form, Record};
    use crate::issue::{Issue, CODES};
    use crate::normalize::Value;
    use crate::rules::{Classification, Tier};
    use crate::schema::{Kind, ORGANIZATIONS};
    use chrono::NaiveDate;
    use std::path::PathBuf;

    fn samples() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/摸底");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        paths
    }

    /// `record` as the spill's bytes.
    fn encode<T: Serialize>(record: &T) -> Vec<u8> {
        postcard::to_stdvec(record).expect("encode")
    }

    /// The report in `bytes`, as the file at `path`.
    fn decode_report(bytes: &[u8], path: &Path) -> io::Result<FileReport> {
        let spill = Spill::new()?;
        let slot = spill.put_bytes(bytes)?;
        spill.replay()?.get(slot, path)
    }

    /// Every choice of 党组织情况.
    fn choices() -> Vec<&'static str> {
        let kinds = ORGANIZATIONS.columns.iter().map(|c| c.kind);
        let choices = kinds.filter_map(|kind| match kind {
            Kind::Choice(choices) => Some(choices.values),
            _ => None,
        });
        choices.flatten().copied().collect()
    }

    #[test]
    fn every_sample_report_comes_back_equal() {
        let options = CheckOptions::default();
        let spill = Spill::new().expect("spill");
        let reports: Vec<FileReport> = samples().iter().map(|p| check_file(p, &options)).collect();
        assert!(reports.iter().any(|r| r.form.is_some()));
        assert!(reports.iter().any(|r| !r.classifications.is_empty()));
        let slots: Vec<Slot> = reports.iter().map(|r| spill.put(r).expect("put")).collect();
        let replay = spill.replay().expect("replay");
        // Read back out of order, as pass 2's workers do.
        for (report, slot) in reports.iter().zip(&slots).rev() {
            let back = replay.get(*slot, &report.path).expect("get");
            assert_eq!(&back, report, "{}", report.path.display());
        }
    }

    #[test]
    fn values_of_every_kind_and_edge_numbers_come_back() {
        let mut record = Record::new(7, 8);
        record.values = vec![
            Some(Value::Text("白马镇 <&> \"党支部\"".into())),
            Some(Value::Int(i64::MIN)),
            Some(Value::Int(-1)),
            Some(Value::Number(-0.0)),
            Some(Value::Number(f64::MAX)),
            Some(Value::Bool(true)),
            Some(Value::Date(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap())),
            Some(Value::Choice("党总支")),
        ];
        record.invalid = u64::MAX;
        let back: Record = decode(&encode(&record)).expect("decode");
        assert_eq!(back, record);
        assert_eq!(
            back.values[3]
                .as_ref()
                .and_then(Value::as_number)
                .map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
    }

    #[test]
    fn schema_strings_come_back_and_others_are_refused_not_leaked() {
        let classification = Classification {
            points: Vec::new(),
            total: None,
            tier: Tier::Pending,
            vetoes: Vec::new(),
            blocking: vec!["org_code", "secretary"],
            trail: Vec::new(),
            deductions: vec!["funding"],
            decided: None,
        };
        let back: Classification = decode(&encode(&classification)).expect("decode");
        assert_eq!(back, classification);
        let mut issue = Issue::file(CODES[0].code, "说明");
        issue.field = Some("不在表中的字段");
        assert!(postcard::to_stdvec(&issue).is_err());
        let spill = Spill::new().unwrap();
        assert!(spill.put(&issue).is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = Value> {
            prop_oneof![
                any::<String>().prop_map(Value::Text),
                any::<i64>().prop_map(Value::Int),
                any::<f64>()
                    .prop_filter("a number", |n| !n.is_nan())
                    .prop_map(Value::Number),
                any::<bool>().prop_map(Value::Bool),
                (-700_000i32..3_000_000)
                    .prop_filter_map("a date", NaiveDate::from_num_days_from_ce_opt)
                    .prop_map(Value::Date),
                proptest::sample::select(choices()).prop_map(Value::Choice),
            ]
        }

        fn record() -> impl Strategy<Value = Record> {
            (
                any::<u32>(),
                any::<u32>(),
                proptest::collection::vec(proptest::option::of(value()), 0..40),
                any::<u64>(),
            )
                .prop_map(|(row, table, values, invalid)| Record {
                    row,
                    table,
                    values,
                    invalid,
                })
        }

        fn issue() -> impl Strategy<Value = Issue> {
            let keys: Vec<&'static str> = ORGANIZATIONS.columns.iter().map(|c| c.key).collect();
            (
                0..CODES.len(),
                any::<String>(),
                proptest::option::of(any::<String>()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(proptest::sample::select(keys)),
                proptest::option::of(any::<String>()),
                any::<String>(),
            )
                .prop_map(|(code, sheet, cell, row, field, value, message)| Issue {
                    severity: CODES[code].severity,
                    code: CODES[code].code,
                    sheet,
                    cell,
                    row,
                    field,
                    value,
                    message,
                })
        }

        proptest! {
            /// Whatever a form holds comes back the same, and the bytes end where it ends.
            #[test]
            fn any_form_comes_back_equal(
                organizations in proptest::collection::vec(record(), 0..8),
                coverage in proptest::collection::vec(record(), 0..4),
                issues in proptest::collection::vec(issue(), 0..8),
                unit in proptest::collection::vec(proptest::option::of(value()), 0..12),
                template_version in proptest::option::of(any::<String>()),
            ) {
                let path = Path::new("某镇.xlsx");
                let report = FileReport {
                    path: path.to_path_buf(),
                    form: Some(Form {
                        path: path.to_path_buf(),
                        unit,
                        template_version,
                        organizations,
                        coverage,
                        issues,
                        ..Form::default()
                    }),
                    failure: None,
                    classifications: Vec::new(),
                    own_output: false,
                };
                let bytes = encode(&report);
                prop_assert_eq!(decode_report(&bytes, path).unwrap(), report);
            }
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let options = CheckOptions::default();
        let path = &samples()[0];
        let bytes = encode(&check_file(path, &options));
        assert!(decode_report(&bytes, path).is_ok());
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode_report(&bytes[..cut], path).is_err(), "cut at {cut}");
        }
        assert!(decode::<FileReport>(&[]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_report(&longer, path).is_err());
        // A length claiming more than there is, at the start: no huge allocation.
        let mut claim = vec![1u8];
        claim.extend(encode(&u64::MAX));
        assert!(decode_report(&claim, path).is_err());
    }
}
