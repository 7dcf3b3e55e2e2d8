//! The lines of 文件清单: what became of each file found in the inbox, built from its report
//! and its attribution.

use crate::attribution::{self, Owner, Placements};
use crate::check::{FileReport, Tally};
use crate::discover::Discovery;
use crate::form::{Form, SkipReason};
use crate::roster::Roster;
use crate::stage::SurveyStage;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
pub fn entry_of(
    inbox: &Path,
    (report, tally): (&FileReport, &Tally),
    (i, placements): (usize, &Placements),
    roster: Option<&Roster>,
    paths: &[PathBuf],
) -> FileEntry {
    let mut entry = report_entry(inbox, report, tally);
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
        let newer = relative(inbox, &paths[newer as usize]);
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
    entry
}

/// The lines of files that were not attributed: ignored ones and our own outputs.
pub fn other_entries(inbox: &Path, discovery: &Discovery) -> Vec<FileEntry> {
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

/// The line of `report`, the file's figures in `tally` (its parts' when it has several).
pub fn report_entry(inbox: &Path, report: &FileReport, tally: &Tally) -> FileEntry {
    let (unit_code, unit_name) = attribution::unit_key(report);
    let base = FileEntry {
        path: relative(inbox, &report.path),
        unit_code,
        unit_name,
        errors: tally.errors,
        warnings: tally.warnings,
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
        Some(_) => {
            let count = |reason| tally.skipped(reason);
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
                organizations: tally.organizations,
                coverage_rows: tally.coverage_rows,
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
