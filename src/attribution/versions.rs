//! Which version of a unit's file counts: the latest 填报日期, then modification time, then
//! path; a return of another 调查阶段 than the one collected is set aside.
//!
//! When every readable file of a unit has an arrival time in the 收件记录 or the web intake's
//! 报送记录 ([`crate::arrivals::Arrivals`]), the one that arrived last counts, whatever its
//! 填报日期: a return the department sent back and the township corrected may well carry an
//! earlier 填报日期 (the first one was wrong), and the township sent it last to replace it.

use super::Placement;
use crate::check::FileReport;
use crate::form::Form;
use crate::issue::{Code, Issue};
use crate::schema::ORGANIZATIONS;
use crate::stage::{other_stage_issue, CollectedStage, SurveyStage};
use chrono::{NaiveDate, NaiveDateTime};
use std::cmp::Ordering;
use std::num::NonZeroU32;
use std::path::Path;

/// What decides between two files of one unit: its 调查阶段 first (another stage than the one
/// collected is in no choice), readable next, then the latest 填报日期 (then modification
/// time, then path: see [`choose_versions`]); and how many organizations it has, to tell a
/// replacement that drops most of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Version {
    pub readable: bool,
    pub filled_on: Option<NaiveDate>,
    /// The 调查阶段 the return states.
    pub stage: Option<SurveyStage>,
    pub organizations: u32,
    /// When it arrived, if a 收件记录 or the intake log says so ([`Version::arrived_at`]).
    pub arrived: Option<Arrived>,
}

/// An arrival time to the second, kept in four bytes (seconds since 2000-01-01, plus one; up
/// to the year 2136): every file of a national run keeps its [`Version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Arrived(NonZeroU32);

impl Arrived {
    pub fn new(at: NaiveDateTime) -> Arrived {
        let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)
            .expect("a date")
            .and_time(Default::default());
        let seconds = (at - epoch).num_seconds().clamp(0, i64::from(u32::MAX - 1));
        Arrived(NonZeroU32::MIN.saturating_add(seconds as u32))
    }
}

// Every file of a national run keeps one through pass 1: no path of its own.
const _: () = assert!(std::mem::size_of::<Version>() <= 16);

impl Version {
    pub fn of(report: &FileReport) -> Version {
        let form = report.form.as_ref();
        Version {
            readable: form.is_some(),
            filled_on: form.and_then(Form::filled_on),
            stage: form.and_then(Form::stage).and_then(SurveyStage::parse),
            organizations: form.map_or(0, |f| f.organizations.len() as u32),
            arrived: None,
        }
    }

    /// The same version, arrived at `at`.
    pub fn arrived_at(self, at: Option<NaiveDateTime>) -> Version {
        Version {
            arrived: at.map(Arrived::new),
            ..self
        }
    }
}

/// The stage each readable return states, for [`StageRule::decide`].
pub fn stated(versions: &[Version]) -> impl Iterator<Item = Option<SurveyStage>> + '_ {
    versions.iter().filter(|v| v.readable).map(|v| v.stage)
}

/// Whether a replacement with `after` organizations drops a large share of the `before` of the
/// return it replaces: it keeps fewer than half of them (a 补报 of one organization replacing a
/// whole return). One rule for both ledgers.
pub fn shrinks(before: u32, after: u32) -> bool {
    u64::from(after) * 2 < u64::from(before)
}

/// What version choice tells about one file, as an issue on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VersionNote {
    /// File `file` states another stage than the one collected (E406).
    OtherStage { file: u32, stated: SurveyStage },
    /// File `file`, with `after` organizations, replaced file `replaced` (its unit's latest
    /// before it), which had `before` (W407, see [`shrinks`]).
    Shrunk {
        file: u32,
        replaced: u32,
        before: u32,
        after: u32,
    },
}

impl VersionNote {
    /// The file the note is about.
    pub fn file(&self) -> u32 {
        match *self {
            VersionNote::OtherStage { file, .. } | VersionNote::Shrunk { file, .. } => file,
        }
    }

    /// The issue for the note's file; `path` gives a file's path (its name is shown).
    ///
    /// # Panics
    /// For an [`VersionNote::OtherStage`] note without a stage collected (none is made).
    pub fn issue<'p>(
        &self,
        path: impl Fn(usize) -> &'p Path,
        collected: Option<&CollectedStage>,
    ) -> Issue {
        match *self {
            VersionNote::OtherStage { stated, .. } => {
                other_stage_issue(stated, collected.expect("a stage is collected"))
            }
            VersionNote::Shrunk {
                file,
                replaced,
                before,
                after,
            } => {
                let name = |i: u32| {
                    let path = path(i as usize);
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                };
                shrunk_issue(&name(file), &name(replaced), before, after)
            }
        }
    }
}

/// W407 on `file`, which replaced `replaced` with far fewer organizations.
pub fn shrunk_issue(file: &str, replaced: &str, before: u32, after: u32) -> Issue {
    Issue::sheet(
        Code::ShrunkReplacement,
        ORGANIZATIONS.name,
        format!(
            "本文件 {file} 只有 {after} 个党组织，却替代了同一单位的 {replaced}（{before} 个党组织），台账中该单位只剩 {after} 个；如果只是补报部分党组织，请把全部党组织填在同一份报表中重新报送",
        ),
    )
}

/// Mark the readable files that state another stage than `collected` (E406 notes, in file
/// order): they take part in no version choice.
fn set_aside_other_stages(
    versions: &[Version],
    placements: &mut [Placement],
    collected: &CollectedStage,
) -> Vec<VersionNote> {
    let mut notes = Vec::new();
    for (i, (version, placement)) in versions.iter().zip(placements.iter_mut()).enumerate() {
        let other = |&s: &SurveyStage| version.readable && !collected.admits(Some(s));
        if let Some(stated) = version.stage.filter(other) {
            placement.other_stage = true;
            notes.push(VersionNote::OtherStage {
                file: i as u32,
                stated,
            });
        }
    }
    notes
}

/// Per owner, the readable file with the latest 填报日期, then modification time, then path
/// (`path` of a file) wins, or, when every one of the owner's files has an arrival time, the
/// one that arrived last (then the same order); the other readable files are superseded by it. Unreadable files
/// are never chosen and never superseded: they stay visible as failures. With a stage
/// `collected`, a readable file stating another stage is set aside first (never chosen, never
/// superseded). Gives the notes to add to the files, in file order.
pub fn choose_versions<'p>(
    versions: &[Version],
    path: impl Fn(usize) -> &'p Path,
    placements: &mut [Placement],
    collected: Option<&CollectedStage>,
) -> Vec<VersionNote> {
    let mut notes = match collected {
        Some(collected) => set_aside_other_stages(versions, placements, collected),
        None => Vec::new(),
    };
    // The readable files grouped by owner: sorted, not mapped, so no owner is copied (a
    // national run has tens of thousands).
    let mut readable: Vec<u32> = (0..placements.len() as u32)
        .filter(|&i| versions[i as usize].readable && !placements[i as usize].other_stage)
        .collect();
    readable.sort_by(|&a, &b| {
        placements[a as usize]
            .owner
            .cmp(&placements[b as usize].owner)
    });
    let key = |i: u32| {
        let i = i as usize;
        (versions[i].filled_on, placements[i].modified, path(i))
    };
    let mut superseded = Vec::new();
    for files in
        readable.chunk_by(|&a, &b| placements[a as usize].owner == placements[b as usize].owner)
    {
        // One order for the whole unit, so the choice does not depend on the files' order.
        let all_arrived = files
            .iter()
            .all(|&i| versions[i as usize].arrived.is_some());
        let arrived = |i: u32| versions[i as usize].arrived.filter(|_| all_arrived);
        let newer = |a: &&u32, b: &&u32| -> Ordering {
            (arrived(**a).cmp(&arrived(**b))).then_with(|| key(**a).cmp(&key(**b)))
        };
        let Some(&winner) = files.iter().max_by(newer) else {
            continue;
        };
        superseded.extend(files.iter().filter(|&&i| i != winner).map(|&i| (i, winner)));
        let older = files.iter().filter(|&&i| i != winner);
        if let Some(&replaced) = older.max_by(newer) {
            let (before, after) = (
                versions[replaced as usize].organizations,
                versions[winner as usize].organizations,
            );
            if shrinks(before, after) {
                notes.push(VersionNote::Shrunk {
                    file: winner,
                    replaced,
                    before,
                    after,
                });
            }
        }
    }
    for (i, winner) in superseded {
        placements[i as usize].supersede(Some(winner));
    }
    notes.sort_by_key(VersionNote::file);
    notes
}
