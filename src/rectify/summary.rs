//! What `taizhang rectify` prints: a short Chinese summary, or the `--format json` document
//! (its keys are a contract: README, tests).

use super::track::{Counts, Outcome, Tracking, UnitLine};
use serde::Serialize;

/// The `--format json` document.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub output: String,
    pub as_of: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub files: Files,
    pub issues: IssueCounts,
    pub units: Vec<UnitLine>,
}

/// Every file found, by what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct Files {
    pub found: usize,
    pub read: usize,
    pub superseded: usize,
    pub unplaced: usize,
    pub not_form: usize,
    pub failed: usize,
    pub ignored: usize,
    /// Each superseded file and the one that replaced it.
    pub replaced: Vec<Replaced>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Replaced {
    pub file: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueCounts {
    pub error: usize,
    pub warning: usize,
}

impl Summary {
    pub fn of(tracking: &Tracking, output: &std::path::Path) -> Summary {
        let count = |o| tracking.files.iter().filter(|f| f.outcome == o).count();
        let errors = tracking
            .issues
            .iter()
            .filter(|i| i.issue.is_error())
            .count();
        Summary {
            output: output.display().to_string(),
            as_of: tracking.as_of.to_string(),
            counts: tracking.total.clone(),
            files: Files {
                found: tracking.files.len(),
                read: count(Outcome::Read),
                superseded: count(Outcome::Superseded),
                unplaced: count(Outcome::Unplaced),
                not_form: count(Outcome::NotTheForm),
                failed: count(Outcome::Failed),
                ignored: count(Outcome::Ignored),
                replaced: (tracking.files.iter())
                    .filter(|f| f.outcome == Outcome::Superseded)
                    .map(|f| Replaced {
                        file: f.file.clone(),
                        note: f.note.clone(),
                    })
                    .collect(),
            },
            issues: IssueCounts {
                error: errors,
                warning: tracking.issues.len() - errors,
            },
            units: tracking.units.clone(),
        }
    }

    /// The summary in Chinese, a line each.
    pub fn to_text(&self) -> String {
        let c = &self.counts;
        let f = &self.files;
        let mut text = format!("已生成整改跟踪表：{}\n", self.output);
        text.push_str(&format!(
            "统计日期：{}\n应整改党组织：{} 个（已完成 {}，推进中 {}，未启动 {}，未报送进展 {}），其中逾期 {} 个\n",
            self.as_of, c.organizations, c.done, c.in_progress, c.not_started, c.no_report, c.overdue
        ));
        if let Some(changed) = c.changed {
            text.push_str(&format!("较上次有变化：{changed} 个党组织\n"));
        }
        text.push_str(&format!(
            "文件：共 {} 个，已读取 {}，已被替代 {}，未计入 {}，不是整改进展表 {}，读取失败 {}，已忽略 {}\n",
            f.found, f.read, f.superseded, f.unplaced, f.not_form, f.failed, f.ignored
        ));
        for replaced in &f.replaced {
            text.push_str(&format!("  {}：{}\n", replaced.file, replaced.note));
        }
        text.push_str(&format!(
            "问题：错误 {} 个，警告 {} 个（见“校验问题”表）\n",
            self.issues.error, self.issues.warning
        ));
        text
    }
}
