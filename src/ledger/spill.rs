//! Pass 1's reports (read, normalized, validated), kept on disk until pass 2 classifies and
//! writes them, so each workbook is parsed once.
//!
//! The format is private to one run: written and read back by the same process, in a
//! temporary file removed when the run ends. Integers are LEB128 varints, strings their length
//! and UTF-8 bytes, and the schema's own strings (column keys, choices) their index in one
//! table. A report's path is not stored: pass 2 knows it.

use super::model::{FileEntry, FileStatus};
use crate::check::FileReport;
use crate::form::{Form, Record, SkipReason, SkippedRow, TableLocation};
use crate::issue::{Code, Issue, Severity, CODES};
use crate::normalize::Value;
use crate::rules::{Classification, PointScore, Tier, Veto};
use crate::schema::{Kind, COVERAGE, ORGANIZATIONS, UNIT_INFO};
use crate::stage::SurveyStage;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where one file's report lies in the spill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Where the record starts, in units of [`ALIGN`] bytes (records start aligned): eight
    /// bytes a slot, up to 64 GiB of spill.
    at: u32,
    /// Never empty (so an `Option<Slot>` takes no more room than a slot).
    len: NonZeroU32,
}

/// Records start at multiples of this many bytes.
const ALIGN: u64 = 16;

impl Slot {
    fn offset(self) -> u64 {
        u64::from(self.at) * ALIGN
    }
}

/// A slot per file, kept as two columns; a file's slot may be missing until it is set.
#[derive(Debug, Default)]
pub struct Slots {
    offsets: Vec<u32>,
    /// 0: no slot yet.
    lens: Vec<u32>,
}

impl Slots {
    pub fn with_capacity(files: usize) -> Slots {
        Slots {
            offsets: Vec::with_capacity(files),
            lens: Vec::with_capacity(files),
        }
    }

    /// `files` slots, none set.
    pub fn unset(files: usize) -> Slots {
        Slots {
            offsets: vec![0; files],
            lens: vec![0; files],
        }
    }

    pub fn push(&mut self, slot: Slot) {
        self.offsets.push(slot.at);
        self.lens.push(slot.len.get());
    }

    pub fn set(&mut self, i: usize, slot: Slot) {
        (self.offsets[i], self.lens[i]) = (slot.at, slot.len.get());
    }

    pub fn get(&self, i: usize) -> Option<Slot> {
        Some(Slot {
            at: self.offsets[i],
            len: NonZeroU32::new(self.lens[i])?,
        })
    }

    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }
}

/// The spill while pass 1 appends to it (from any thread).
pub struct Spill {
    out: Mutex<Appending>,
}

struct Appending {
    file: BufWriter<File>,
    len: u64,
}

impl Spill {
    /// A new spill in the system's temporary folder (unlinked at once: nothing is left behind).
    pub fn new() -> io::Result<Spill> {
        Spill::buffered(1 << 18)
    }

    /// A spill for small records (文件清单 lines), written through a smaller buffer.
    pub fn for_lines() -> io::Result<Spill> {
        Spill::buffered(1 << 16)
    }

    fn buffered(capacity: usize) -> io::Result<Spill> {
        Ok(Spill {
            out: Mutex::new(Appending {
                file: BufWriter::with_capacity(capacity, tempfile::tempfile()?),
                len: 0,
            }),
        })
    }

    /// Append one report; encoded on the calling thread, written under the lock.
    pub fn put(&self, report: &FileReport) -> io::Result<Slot> {
        self.put_bytes(&encode(report))
    }

    /// Append one 文件清单 line.
    pub fn put_entry(&self, entry: &FileEntry) -> io::Result<Slot> {
        let mut bytes = Vec::with_capacity(128);
        entry.put(&mut bytes);
        self.put_bytes(&bytes)
    }

    fn put_bytes(&self, bytes: &[u8]) -> io::Result<Slot> {
        let len = u32::try_from(bytes.len())
            .ok()
            .and_then(NonZeroU32::new)
            .ok_or_else(|| io::Error::other("暂存记录为空或超过 4 GiB"))?;
        let mut out = self.out.lock().expect("spill lock");
        let at =
            u32::try_from(out.len / ALIGN).map_err(|_| io::Error::other("暂存文件超过 64 GiB"))?;
        let padding = (ALIGN - u64::from(len.get()) % ALIGN) % ALIGN;
        out.file.write_all(bytes)?;
        out.file
            .write_all(&[0; ALIGN as usize][..padding as usize])?;
        out.len += u64::from(len.get()) + padding;
        Ok(Slot { at, len })
    }

    /// Done appending: the reports can be read back.
    pub fn replay(self) -> io::Result<Replay> {
        let out = self.out.into_inner().expect("spill lock");
        let file = out
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Replay {
            file: Mutex::new(file),
        })
    }
}

/// The spill once pass 1 is over: reports read back by slot (from any thread).
pub struct Replay {
    file: Mutex<File>,
}

impl Replay {
    /// The report stored in `slot` for the file at `path`.
    pub fn get(&self, slot: Slot, path: &Path) -> io::Result<FileReport> {
        decode(&self.bytes(slot)?, path)
    }

    /// The 文件清单 line stored in `slot`.
    pub fn entry(&self, slot: Slot) -> io::Result<FileEntry> {
        let bytes = self.bytes(slot)?;
        let mut input = Input { bytes: &bytes };
        let entry = FileEntry::take(&mut input)?;
        input.end(entry)
    }

    fn bytes(&self, slot: Slot) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; slot.len.get() as usize];
        let mut file = self.file.lock().expect("spill lock");
        file.seek(SeekFrom::Start(slot.offset()))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

/// One report as bytes.
pub fn encode(report: &FileReport) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    report.form.as_ref().map(FormFields).put(&mut out);
    report.failure.put(&mut out);
    report.classifications.put(&mut out);
    report.own_output.put(&mut out);
    out
}

/// The report [`encode`] gave `bytes` for, as the file at `path`.
pub fn decode(bytes: &[u8], path: &Path) -> io::Result<FileReport> {
    let mut input = Input { bytes };
    let form = <Option<FormFields<Form>> as Take>::take(&mut input)?.map(|FormFields(mut form)| {
        form.path = path.to_path_buf();
        form
    });
    let report = FileReport {
        path: path.to_path_buf(),
        form,
        failure: Take::take(&mut input)?,
        classifications: Take::take(&mut input)?,
        own_output: Take::take(&mut input)?,
    };
    input.end(report)
}

fn corrupt() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "临时文件内容损坏")
}

/// Bytes not yet decoded.
struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// `value`, decoded from every byte: a record with bytes left over is damaged.
    fn end<T>(self, value: T) -> io::Result<T> {
        match self.bytes.is_empty() {
            true => Ok(value),
            false => Err(corrupt()),
        }
    }
    fn byte(&mut self) -> io::Result<u8> {
        let (&b, rest) = self.bytes.split_first().ok_or_else(corrupt)?;
        self.bytes = rest;
        Ok(b)
    }
    fn slice(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(corrupt());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    /// A count of items that each take at least one byte: never more than the bytes left.
    fn count(&mut self) -> io::Result<usize> {
        let n = usize::try_from(u64::take(self)?).map_err(|_| corrupt())?;
        if n > self.bytes.len() {
            return Err(corrupt());
        }
        Ok(n)
    }
}

trait Put {
    fn put(&self, out: &mut Vec<u8>);
}

trait Take: Sized {
    fn take(input: &mut Input) -> io::Result<Self>;
}

impl Put for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        let mut v = *self;
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
}

impl Take for u64 {
    fn take(input: &mut Input) -> io::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = input.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }
}

/// Unsigned integers through `u64`, refused when they do not fit back.
macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Put for $t {
            fn put(&self, out: &mut Vec<u8>) {
                (*self as u64).put(out)
            }
        }
        impl Take for $t {
            fn take(input: &mut Input) -> io::Result<$t> {
                <$t>::try_from(u64::take(input)?).map_err(|_| corrupt())
            }
        }
    )*};
}
unsigned!(u8, u32, usize);

impl Put for i64 {
    fn put(&self, out: &mut Vec<u8>) {
        (((*self << 1) ^ (*self >> 63)) as u64).put(out) // zigzag: small magnitudes, few bytes
    }
}

impl Take for i64 {
    fn take(input: &mut Input) -> io::Result<i64> {
        let v = u64::take(input)?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

impl Put for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
}

impl Take for f64 {
    fn take(input: &mut Input) -> io::Result<f64> {
        let bytes: [u8; 8] = input.slice(8)?.try_into().map_err(|_| corrupt())?;
        Ok(f64::from_bits(u64::from_le_bytes(bytes)))
    }
}

impl Put for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
}

impl Take for bool {
    fn take(input: &mut Input) -> io::Result<bool> {
        match input.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt()),
        }
    }
}

fn put_text(text: &str, out: &mut Vec<u8>) {
    (text.len() as u64).put(out);
    out.extend_from_slice(text.as_bytes());
}

impl Put for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_text(self, out);
    }
}

impl Take for String {
    fn take(input: &mut Input) -> io::Result<String> {
        let n = input.count()?;
        let bytes = input.slice(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| corrupt())
    }
}

/// A schema string (column key, choice): its index in [`statics`], or 0 and the text for a
/// string the table lacks (none today; kept so that a new one cannot break a run).
impl Put for &'static str {
    fn put(&self, out: &mut Vec<u8>) {
        match statics().index.get(self) {
            Some(&i) => (i + 1).put(out),
            None => {
                0u32.put(out);
                put_text(self, out);
            }
        }
    }
}

impl Take for &'static str {
    fn take(input: &mut Input) -> io::Result<&'static str> {
        match u32::take(input)? {
            0 => Ok(leaked(String::take(input)?)),
            i => statics()
                .all
                .get(i as usize - 1)
                .copied()
                .ok_or_else(corrupt),
        }
    }
}

/// Every schema string a report may hold by reference, numbered.
struct Statics {
    all: Vec<&'static str>,
    index: HashMap<&'static str, u32>,
}

fn statics() -> &'static Statics {
    static STATICS: OnceLock<Statics> = OnceLock::new();
    STATICS.get_or_init(|| {
        let mut all = Vec::new();
        for sheet in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for column in sheet.columns {
                all.push(column.key);
                if let Kind::Choice(choices) = column.kind {
                    all.extend(choices.values);
                }
            }
        }
        let mut index = HashMap::new();
        for (i, s) in all.iter().enumerate() {
            index.entry(*s).or_insert(i as u32);
        }
        Statics { all, index }
    })
}

/// A string outside the schema table, made static once per distinct text.
fn leaked(text: String) -> &'static str {
    static LEAKED: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut leaked = LEAKED.get_or_init(Default::default).lock().expect("lock");
    if let Some(s) = leaked.get(&text) {
        return s;
    }
    let s: &'static str = Box::leak(text.clone().into_boxed_str());
    leaked.insert(text, s);
    s
}

impl<T: Put> Put for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
}

impl<T: Take> Take for Option<T> {
    fn take(input: &mut Input) -> io::Result<Option<T>> {
        match input.byte()? {
            0 => Ok(None),
            1 => T::take(input).map(Some),
            _ => Err(corrupt()),
        }
    }
}

impl<T: Put> Put for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (self.len() as u64).put(out);
        for v in self {
            v.put(out);
        }
    }
}

impl<T: Take> Take for Vec<T> {
    fn take(input: &mut Input) -> io::Result<Vec<T>> {
        let n = input.count()?;
        (0..n).map(|_| T::take(input)).collect()
    }
}

impl Put for NaiveDate {
    fn put(&self, out: &mut Vec<u8>) {
        i64::from(self.num_days_from_ce()).put(out);
    }
}

impl Take for NaiveDate {
    fn take(input: &mut Input) -> io::Result<NaiveDate> {
        let days = i32::try_from(i64::take(input)?).map_err(|_| corrupt())?;
        NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(corrupt)
    }
}

impl Put for Code {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u32).put(out);
    }
}

impl Take for Code {
    fn take(input: &mut Input) -> io::Result<Code> {
        let i = usize::take(input)?;
        CODES.get(i).map(|info| info.code).ok_or_else(corrupt)
    }
}

impl Put for Severity {
    fn put(&self, out: &mut Vec<u8>) {
        matches!(self, Severity::Warning).put(out);
    }
}

impl Take for Severity {
    fn take(input: &mut Input) -> io::Result<Severity> {
        Ok(match bool::take(input)? {
            false => Severity::Error,
            true => Severity::Warning,
        })
    }
}

impl Put for SkipReason {
    fn put(&self, out: &mut Vec<u8>) {
        let byte: u8 = match self {
            SkipReason::Blank => 0,
            SkipReason::Total => 1,
            SkipReason::Unread => 2,
            SkipReason::Hidden => 3,
        };
        byte.put(out);
    }
}

impl Take for SkipReason {
    fn take(input: &mut Input) -> io::Result<SkipReason> {
        Ok(match u8::take(input)? {
            0 => SkipReason::Blank,
            1 => SkipReason::Total,
            2 => SkipReason::Unread,
            3 => SkipReason::Hidden,
            _ => return Err(corrupt()),
        })
    }
}

impl Put for Tier {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Tier::Pending => 0u64.put(out),
            Tier::Rated(i) => (*i as u64 + 1).put(out),
        }
    }
}

impl Take for Tier {
    fn take(input: &mut Input) -> io::Result<Tier> {
        Ok(match usize::take(input)? {
            0 => Tier::Pending,
            i => Tier::Rated(i - 1),
        })
    }
}

impl Put for Value {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Value::Text(t) => {
                out.push(0);
                t.put(out);
            }
            Value::Int(i) => {
                out.push(1);
                i.put(out);
            }
            Value::Number(n) => {
                out.push(2);
                n.put(out);
            }
            Value::Bool(b) => {
                out.push(3);
                b.put(out);
            }
            Value::Date(d) => {
                out.push(4);
                d.put(out);
            }
            Value::Choice(c) => {
                out.push(5);
                c.put(out);
            }
        }
    }
}

impl Take for Value {
    fn take(input: &mut Input) -> io::Result<Value> {
        Ok(match input.byte()? {
            0 => Value::Text(Take::take(input)?),
            1 => Value::Int(Take::take(input)?),
            2 => Value::Number(Take::take(input)?),
            3 => Value::Bool(Take::take(input)?),
            4 => Value::Date(Take::take(input)?),
            5 => Value::Choice(Take::take(input)?),
            _ => return Err(corrupt()),
        })
    }
}

/// A struct as its fields in order. The struct literal in `take` names every field, so a
/// field added to the type and not here does not compile.
macro_rules! fields {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Put for $ty {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$field.put(out);)*
            }
        }
        impl Take for $ty {
            fn take(input: &mut Input) -> io::Result<$ty> {
                Ok($ty { $($field: Take::take(input)?,)* })
            }
        }
    };
}

fields!(Record {
    row,
    table,
    values,
    invalid
});
fields!(TableLocation {
    sheet,
    header_row,
    columns
});
fields!(SkippedRow { sheet, row, reason });
fields!(Issue {
    severity,
    code,
    sheet,
    cell,
    row,
    field,
    value,
    message
});
fields!(PointScore { name, points, max });
fields!(Veto { field, reason });
fields!(Classification {
    points,
    total,
    tier,
    vetoes,
    blocking,
    trail
});

impl Put for FileStatus {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            FileStatus::Read => 0u8.put(out),
            FileStatus::Failed => 1u8.put(out),
            FileStatus::Ignored(why) => {
                2u8.put(out);
                why.put(out);
            }
            FileStatus::Superseded(by) => {
                3u8.put(out);
                by.put(out);
            }
            FileStatus::OtherStage(SurveyStage::Baseline) => 4u8.put(out),
            FileStatus::OtherStage(SurveyStage::YearEnd) => 5u8.put(out),
        }
    }
}

impl Take for FileStatus {
    fn take(input: &mut Input) -> io::Result<FileStatus> {
        Ok(match u8::take(input)? {
            0 => FileStatus::Read,
            1 => FileStatus::Failed,
            2 => FileStatus::Ignored(Take::take(input)?),
            3 => FileStatus::Superseded(Take::take(input)?),
            4 => FileStatus::OtherStage(SurveyStage::Baseline),
            5 => FileStatus::OtherStage(SurveyStage::YearEnd),
            _ => return Err(corrupt()),
        })
    }
}

fields!(FileEntry {
    path,
    status,
    detail,
    unit_code,
    unit_name,
    organizations,
    coverage_rows,
    blank_rows,
    total_rows,
    unread_rows,
    errors,
    warnings
});

/// A form without its path (the report's, given back by [`decode`]).
struct FormFields<F>(F);

impl Put for FormFields<&Form> {
    fn put(&self, out: &mut Vec<u8>) {
        let Form {
            path: _,
            unit,
            template_version,
            organizations,
            org_table,
            org_continued,
            coverage,
            coverage_table,
            coverage_continued,
            skipped,
            issues,
        } = self.0;
        unit.put(out);
        template_version.put(out);
        organizations.put(out);
        org_table.put(out);
        org_continued.put(out);
        coverage.put(out);
        coverage_table.put(out);
        coverage_continued.put(out);
        skipped.put(out);
        issues.put(out);
    }
}

impl Take for FormFields<Form> {
    fn take(input: &mut Input) -> io::Result<FormFields<Form>> {
        Ok(FormFields(Form {
            path: PathBuf::new(),
            unit: Take::take(input)?,
            template_version: Take::take(input)?,
            organizations: Take::take(input)?,
            org_table: Take::take(input)?,
            org_continued: Take::take(input)?,
            coverage: Take::take(input)?,
            coverage_table: Take::take(input)?,
            coverage_continued: Take::take(input)?,
            skipped: Take::take(input)?,
            issues: Take::take(input)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_file, CheckOptions};

    fn samples() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/摸底");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        paths
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
        let mut out = Vec::new();
        record.put(&mut out);
        let back = Record::take(&mut Input { bytes: &out }).expect("take");
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
    fn a_string_outside_the_schema_table_still_comes_back() {
        let mut out = Vec::new();
        let outside: &'static str = "不在表中的字段";
        assert!(!statics().index.contains_key(outside));
        outside.put(&mut out);
        "org_code".put(&mut out);
        let mut input = Input { bytes: &out };
        assert_eq!(<&str>::take(&mut input).unwrap(), outside);
        assert_eq!(<&str>::take(&mut input).unwrap(), "org_code");
        assert!(input.bytes.is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn value() -> impl Strategy<Value = Value> {
            let choices = statics().all.clone();
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
                proptest::sample::select(choices).prop_map(Value::Choice),
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
            (
                0..CODES.len(),
                any::<String>(),
                proptest::option::of(any::<String>()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(proptest::sample::select(statics().all.clone())),
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
                prop_assert_eq!(decode(&bytes, path).unwrap(), report);
            }
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let options = CheckOptions::default();
        let path = &samples()[0];
        let bytes = encode(&check_file(path, &options));
        assert!(decode(&bytes, path).is_ok());
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], path).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, path).is_err());
        // A length claiming more than there is, at the start: no huge allocation.
        let mut claim = vec![1u8];
        u64::MAX.put(&mut claim);
        assert!(decode(&claim, path).is_err());
    }

    #[test]
    fn records_start_aligned_and_a_spill_past_64_gib_is_an_error() {
        let spill = Spill::for_lines().unwrap();
        let entry = |path: &str| FileEntry {
            path: path.to_string(),
            status: FileStatus::Read,
            detail: String::new(),
            unit_code: String::new(),
            unit_name: String::new(),
            organizations: 1,
            coverage_rows: 0,
            blank_rows: 0,
            total_rows: 0,
            unread_rows: 0,
            errors: 0,
            warnings: 0,
        };
        let first = spill.put_entry(&entry("a.xlsx")).unwrap();
        let second = spill.put_entry(&entry("bb/c.xlsx")).unwrap();
        assert_eq!(first.offset(), 0);
        assert_eq!(second.offset() % ALIGN, 0);
        assert!(second.offset() >= u64::from(first.len.get()));
        spill.out.lock().unwrap().len = (u64::from(u32::MAX) + 1) * ALIGN;
        let past = spill.put_entry(&entry("d.xlsx")).unwrap_err();
        assert!(past.to_string().contains("64 GiB"), "{past}");
        // What was put before is still read back.
        let replay = spill.replay().unwrap();
        assert_eq!(replay.entry(second).unwrap().path, "bb/c.xlsx");
    }
}
