//! Consolidation: checked files → per-unit and county figures, and the file inventory.
//!
//! Nothing here writes; the sheet writers read these structs.

pub use super::file_list::FileList;
pub use super::units::{Parts, UnitList, Units};

use crate::attribution::{self, Owner, Placements};
use crate::check::FileReport;
use crate::discover::{Discovery, FilePaths};
use crate::form::{Form, SkipReason};
use crate::roster::Roster;
use crate::rules::{Rules, Tier};
use crate::schema::{cov, org, COVERAGE_MODES, DEVELOPMENT};
use crate::stage::{CollectedStage, SurveyStage};
use crate::status::{self, Expectation, FileSeen, StatusReport};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Counts of organizations per tier: one slot per rated tier, then 待定.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TierCounts {
    pub rated: Vec<usize>,
    pub pending: usize,
}

impl TierCounts {
    fn new(tiers: usize) -> TierCounts {
        TierCounts {
            rated: vec![0; tiers],
            pending: 0,
        }
    }
    pub fn add(&mut self, tier: Tier) {
        match tier {
            Tier::Rated(i) => self.rated[i] += 1,
            Tier::Pending => self.pending += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.rated.iter().sum::<usize>() + self.pending
    }
    fn merge(&mut self, other: &TierCounts) {
        for (a, b) in self.rated.iter_mut().zip(&other.rated) {
            *a += b;
        }
        self.pending += other.pending;
    }
}

/// 两新组织 coverage counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageCounts {
    pub total: usize,
    pub organized: usize,
    pub above_scale: usize,
    pub above_scale_organized: usize,
    /// Rows per 覆盖方式, in the order of [`COVERAGE_MODES`]; rows without one are not counted.
    pub by_mode: Vec<usize>,
}

impl CoverageCounts {
    fn new() -> CoverageCounts {
        CoverageCounts {
            by_mode: vec![0; COVERAGE_MODES.values.len()],
            ..CoverageCounts::default()
        }
    }
    fn add_form(&mut self, form: &Form) {
        for record in &form.coverage {
            let organized = record.bool(cov::HAS_PARTY_ORG) == Some(true);
            let above = record.bool(cov::ABOVE_SCALE) == Some(true);
            self.total += 1;
            self.organized += organized as usize;
            self.above_scale += above as usize;
            self.above_scale_organized += (above && organized) as usize;
            if let Some(mode) = record.choice(cov::COVERAGE) {
                if let Some(i) = COVERAGE_MODES.values.iter().position(|m| *m == mode) {
                    self.by_mode[i] += 1;
                }
            }
        }
    }
    fn merge(&mut self, other: &CoverageCounts) {
        self.total += other.total;
        self.organized += other.organized;
        self.above_scale += other.above_scale;
        self.above_scale_organized += other.above_scale_organized;
        for (a, b) in self.by_mode.iter_mut().zip(&other.by_mode) {
            *a += b;
        }
    }
    /// 建党率, as a fraction; `None` when there is no row.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.organized, self.total)
    }
    /// 规模以上建党率.
    pub fn above_scale_rate(&self) -> Option<f64> {
        ratio(self.above_scale_organized, self.above_scale)
    }
}

pub fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// One unit's (or the county's) figures.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSummary {
    pub code: String,
    pub name: String,
    pub files: usize,
    pub tiers: TierCounts,
    pub errors: usize,
    pub warnings: usize,
    pub coverage: CoverageCounts,
    /// With a roster: the unit's 报送情况 ("未报送", "已报送（通过）", "不在花名册").
    pub submission: Option<&'static str>,
}

impl UnitSummary {
    pub(super) fn new(code: String, name: String, tiers: usize) -> UnitSummary {
        UnitSummary {
            code,
            name,
            files: 0,
            tiers: TierCounts::new(tiers),
            errors: 0,
            warnings: 0,
            coverage: CoverageCounts::new(),
            submission: None,
        }
    }

    pub fn organizations(&self) -> usize {
        self.tiers.total()
    }

    pub(super) fn add_report(&mut self, report: &FileReport, cross: &mut Cross) {
        self.files += 1;
        self.errors += report.errors();
        self.warnings += report.warnings();
        let Some(form) = &report.form else { return };
        for (record, c) in form.organizations.iter().zip(&report.classifications) {
            self.tiers.add(c.tier);
            cross.add(c.tier, record.choice(org::DEVELOPMENT));
        }
        self.coverage.add_form(form);
    }

    pub(super) fn merge(&mut self, other: &UnitSummary) {
        self.files += other.files;
        self.tiers.merge(&other.tiers);
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.coverage.merge(&other.coverage);
    }
}

/// 双分类 of the whole ledger: per tier (rated, then 待定) the count per 发展等次 (好, 中, 差,
/// 未填). Kept once, not per unit: only the county's table is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Cross {
    pub rows: Vec<Vec<usize>>,
}

impl Cross {
    pub fn new(tiers: usize) -> Cross {
        Cross {
            rows: vec![vec![0; DEVELOPMENT.values.len() + 1]; tiers + 1],
        }
    }

    fn add(&mut self, tier: Tier, development: Option<&str>) {
        let row = match tier {
            Tier::Rated(i) => i,
            Tier::Pending => self.rows.len() - 1,
        };
        let dev = development
            .and_then(|d| DEVELOPMENT.values.iter().position(|v| *v == d))
            .unwrap_or(DEVELOPMENT.values.len());
        self.rows[row][dev] += 1;
    }
}

/// What became of one file found in the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileStatus {
    Read,
    Failed,
    /// Why, in words.
    Ignored(String),
    /// An older file of a unit that sent a newer one (the path of which is held, relative to
    /// the inbox). Read, but nothing of it is in the ledger.
    Superseded(String),
    /// A return stating another 调查阶段 (held) than the one collected. Read, but nothing of
    /// it is in the ledger but its issues (E406 among them).
    OtherStage(SurveyStage),
}

impl FileStatus {
    pub fn label(&self) -> &'static str {
        match self {
            FileStatus::Read => "已读取",
            FileStatus::Failed => "读取失败",
            FileStatus::Ignored(_) => "已忽略",
            FileStatus::Superseded(_) => "已被替代",
            FileStatus::OtherStage(_) => "阶段不符",
        }
    }
}

/// One line of 文件清单.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the inbox.
    pub path: String,
    pub status: FileStatus,
    pub detail: String,
    pub unit_code: String,
    pub unit_name: String,
    pub organizations: usize,
    /// Rows of 两新组织覆盖.
    pub coverage_rows: usize,
    pub blank_rows: usize,
    pub total_rows: usize,
    /// Rows of sheets named like a table whose header is not found (E012), and data rows of
    /// hidden sheets that look like a table (E013).
    pub unread_rows: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// The consolidated ledger: units in a stable order, the county total, and every file.
pub struct Ledger<'a> {
    pub rules: &'a Rules,
    pub inbox: PathBuf,
    /// The reports that count: every readable file not superseded, and the unreadable ones.
    pub reports: Vec<FileReport>,
    /// Whose each of `reports` is, parallel to it.
    pub placements: Placements,
    pub roster: Option<Roster>,
    pub units: UnitList,
    pub county: UnitSummary,
    /// 双分类 of the county.
    pub cross: Cross,
    pub files: FileList,
    /// 报送情况, when a roster was given.
    pub status: Option<StatusReport>,
    /// The 调查阶段 collected (`None`: every stage, as [`Ledger::build`] without a rule).
    pub stage: Option<CollectedStage>,
}

impl<'a> Ledger<'a> {
    /// Consolidate checked reports without a roster. `reports` must be in discovery order.
    pub fn build(
        rules: &'a Rules,
        inbox: &Path,
        discovery: &Discovery,
        reports: Vec<FileReport>,
    ) -> Ledger<'a> {
        Ledger::build_with(
            rules,
            inbox,
            discovery,
            reports,
            &Expectation::new(None, None, None),
        )
    }

    /// Consolidate checked reports against what is expected: files are attributed to roster
    /// units, older versions superseded, and every roster unit listed, even without a file.
    pub fn build_with(
        rules: &'a Rules,
        inbox: &Path,
        discovery: &Discovery,
        reports: Vec<FileReport>,
        expect: &Expectation,
    ) -> Ledger<'a> {
        let roster = expect.roster.clone();
        let (own_outputs, mut reports): (Vec<FileReport>, Vec<FileReport>) =
            reports.into_iter().partition(|r| r.own_output);
        let (placements, stage) =
            attribution::attribute_stage(&mut reports, roster.as_ref(), Some(expect.stage));
        let seen: Vec<FileSeen> = reports.iter().map(FileSeen::of).collect();
        let paths: Vec<&Path> = reports.iter().map(|r| r.path.as_path()).collect();
        let mut files: Vec<FileEntry> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let Ok(entry) = entry_of(inbox, r, (i, &placements), roster.as_ref(), &paths);
                entry
            })
            .collect();
        files.extend(other_entries(inbox, discovery, &own_outputs));
        let files = FileList::new(files);
        let readable: Vec<bool> = reports.iter().map(|r| r.form.is_some()).collect();
        let tiers = rules.tier_names().len();
        let mut units = Units::new(roster.as_ref(), tiers, &placements, &readable);
        for (i, (report, placement)) in reports.iter().zip(placements.iter()).enumerate() {
            if placement.counts() {
                units.add(i, report);
            } else if placement.is_other_stage() {
                units.add_uncounted(report);
            }
        }
        let parts = Parts {
            roster,
            units,
            files,
            seen,
        };
        let mut ledger =
            Ledger::assemble(rules, inbox, expect, parts, placements.clone()).collected(stage);
        ledger.reports = reports
            .into_iter()
            .zip(placements.iter())
            .filter(|(_, p)| !p.is_superseded())
            .map(|(r, _)| r)
            .collect();
        let mut placements = placements;
        placements.retain(|p| !p.is_superseded());
        ledger.placements = placements;
        ledger
    }

    /// The ledger's figures from what was gathered file by file; `placements` is parallel to
    /// `parts.seen` (every file but our own outputs), and the names of the units the roster
    /// does not know are taken from it. No reports are kept.
    pub fn assemble(
        rules: &'a Rules,
        inbox: &Path,
        expect: &Expectation,
        parts: Parts,
        placements: Placements,
    ) -> Ledger<'a> {
        let Parts {
            roster,
            units,
            files,
            seen,
        } = parts;
        let status = roster
            .as_ref()
            .map(|r| status::build(r, expect, inbox, &seen, &placements));
        let (units, county, cross) = units.finish(status.as_ref(), placements);
        Ledger {
            rules,
            inbox: inbox.to_path_buf(),
            reports: Vec::new(),
            placements: Placements::default(),
            roster,
            units,
            county,
            cross,
            files,
            status,
            stage: None,
        }
    }

    /// The ledger and its 报送情况 state the 调查阶段 collected.
    pub fn collected(mut self, stage: Option<CollectedStage>) -> Ledger<'a> {
        self.stage = stage;
        if let Some(status) = self.status.as_mut() {
            status.stage = stage;
        }
        self
    }

    /// The path of a file as shown in the ledger: relative to the inbox.
    pub fn display_path(&self, path: &Path) -> String {
        relative(&self.inbox, path)
    }

    pub fn read_files(&self) -> usize {
        self.files.tally().read
    }
    pub fn failed_files(&self) -> usize {
        self.files.tally().failed
    }
    pub fn ignored_files(&self) -> usize {
        self.files.tally().ignored
    }
    pub fn superseded_files(&self) -> usize {
        self.files.tally().superseded
    }
}

/// A path as shown in the ledger: relative to the inbox.
pub fn relative(inbox: &Path, path: &Path) -> String {
    relative_text(inbox, path).into_owned()
}

/// [`relative`], borrowed when the path is valid UTF-8.
pub fn relative_text<'p>(inbox: &Path, path: &'p Path) -> std::borrow::Cow<'p, str> {
    path.strip_prefix(inbox).unwrap_or(path).to_string_lossy()
}

/// The 文件清单 line of attributed file `i`; `paths` are those of every attributed file, for
/// the name of the file that superseded it.
pub fn entry_of<P: FilePaths + ?Sized>(
    inbox: &Path,
    report: &FileReport,
    (i, placements): (usize, &Placements),
    roster: Option<&Roster>,
    paths: &P,
) -> Result<FileEntry, P::Error> {
    let mut entry = report_entry(inbox, report);
    let placement = &placements[i];
    if let (Owner::Roster(_), Some(via)) = (placement.owner, placement.via) {
        (entry.unit_code, entry.unit_name) = placements.label(&placement.owner, roster);
        if via != crate::attribution::Via::Code {
            prepend(
                &mut entry.detail,
                format!("按{}对应到花名册单位", via.label()),
            );
        }
    }
    if let Some(newer) = placement.superseded_by() {
        let newer = relative(inbox, &paths.path(newer as usize)?);
        prepend(
            &mut entry.detail,
            format!("已被 {newer} 替代（同一单位以填报日期、其次修改时间较新的文件为准），本文件不计入台账"),
        );
        entry.status = FileStatus::Superseded(newer);
    }
    let stated = report.form.as_ref().and_then(Form::stage);
    if let Some(stated) = stated
        .and_then(SurveyStage::parse)
        .filter(|_| placement.is_other_stage())
    {
        prepend(
            &mut entry.detail,
            format!(
                "调查阶段为“{}”，与本次汇总的阶段不符，本文件不计入台账，也不替代该单位的报表",
                stated.label()
            ),
        );
        entry.status = FileStatus::OtherStage(stated);
    }
    Ok(entry)
}

/// The lines of files that were not attributed: ignored ones and our own outputs.
pub fn other_entries(
    inbox: &Path,
    discovery: &Discovery,
    own_outputs: &[FileReport],
) -> Vec<FileEntry> {
    let mut entries = Vec::new();
    for ignored in &discovery.ignored {
        entries.push(FileEntry {
            path: relative(inbox, &ignored.path),
            status: FileStatus::Ignored(ignored.reason.to_string()),
            detail: ignored.reason.to_string(),
            ..empty_entry()
        });
    }
    for (path, why) in &discovery.unlisted {
        entries.push(FileEntry {
            path: relative(inbox, path),
            status: FileStatus::Ignored("无法访问".to_string()),
            detail: format!("无法访问：{why}"),
            ..empty_entry()
        });
    }
    entries.extend(own_outputs.iter().map(|own| own_output_entry(inbox, own)));
    entries
}

fn prepend(detail: &mut String, text: String) {
    *detail = if detail.is_empty() {
        text
    } else {
        format!("{text}；{detail}")
    };
}

/// The line of a ledger or feedback workbook of ours found in the inbox.
pub fn own_output_entry(inbox: &Path, own: &FileReport) -> FileEntry {
    FileEntry {
        path: relative(inbox, &own.path),
        status: FileStatus::Ignored("本程序生成的台账或反馈表".to_string()),
        detail: own
            .issues()
            .first()
            .map(|i| i.message.clone())
            .unwrap_or_default(),
        ..empty_entry()
    }
}

fn empty_entry() -> FileEntry {
    FileEntry {
        path: String::new(),
        status: FileStatus::Read,
        detail: String::new(),
        unit_code: String::new(),
        unit_name: String::new(),
        organizations: 0,
        coverage_rows: 0,
        blank_rows: 0,
        total_rows: 0,
        unread_rows: 0,
        errors: 0,
        warnings: 0,
    }
}

pub fn report_entry(inbox: &Path, report: &FileReport) -> FileEntry {
    let (unit_code, unit_name) = attribution::unit_key(report);
    let base = FileEntry {
        path: relative(inbox, &report.path),
        unit_code,
        unit_name,
        errors: report.errors(),
        warnings: report.warnings(),
        ..empty_entry()
    };
    match &report.form {
        None => FileEntry {
            status: FileStatus::Failed,
            detail: report
                .issues()
                .first()
                .map(|i| i.message.clone())
                .unwrap_or_default(),
            ..base
        },
        Some(form) => {
            let count = |reason| form.skipped.iter().filter(|s| s.reason == reason).count();
            let (blank_rows, total_rows) = (count(SkipReason::Blank), count(SkipReason::Total));
            let (unread, hidden) = (count(SkipReason::Unread), count(SkipReason::Hidden));
            let mut detail = skipped_detail(blank_rows, total_rows);
            for (rows, what, code) in [
                (unread, "表头无法识别、", "E012"),
                (hidden, "隐藏工作表中", "E013"),
            ] {
                if rows > 0 {
                    let sep = if detail.is_empty() { "" } else { "；" };
                    detail += &format!("{sep}{what}未读取的行 {rows} 行（见问题清单 {code}）");
                }
            }
            let unread_rows = unread + hidden;
            FileEntry {
                organizations: form.organizations.len(),
                coverage_rows: form.coverage.len(),
                blank_rows,
                total_rows,
                unread_rows,
                detail,
                ..base
            }
        }
    }
}

fn skipped_detail(blank: usize, total: usize) -> String {
    match (blank, total) {
        (0, 0) => String::new(),
        (b, 0) => format!("跳过空行 {b} 行"),
        (0, t) => format!("跳过合计行 {t} 行"),
        (b, t) => format!("跳过空行 {b} 行、合计行 {t} 行"),
    }
}
