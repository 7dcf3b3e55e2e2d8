//! Which unit each returned file belongs to, which version of a unit's file counts, and which
//! organizations two units both claim.
//!
//! A file is tied to a roster unit by the 单位代码 it carries, else by its 填报单位, else by its
//! file name. A file that matches no unit, or whose code and name name two different units, is
//! reported with an issue rather than guessed at: a wrong guess would put one township's
//! figures under another's name. When a unit sent several files, the latest 填报日期 (then the
//! latest modification time) wins and the others are superseded whole: rows of two versions are
//! never merged, so a deleted organization does not come back from an older copy. A return of
//! another 调查阶段 than the one collected ([`crate::stage`]) takes no part in that choice: it
//! neither replaces nor is replaced, and counts nowhere.

mod names;
mod roster_match;
pub(crate) mod shared;
mod versions;

pub use names::{UnitId, UnitNames};
pub use roster_match::{by_file_name, find_name, place, unit_key};
pub use versions::{choose_versions, shrinks, shrunk_issue, stated, Version, VersionNote};

use crate::check::FileReport;
use crate::roster::{name_key, Roster};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

/// How a file was tied to its roster unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Code,
    Name,
    FileName,
}

impl Via {
    pub fn label(self) -> &'static str {
        match self {
            Via::Code => "单位代码",
            Via::Name => "填报单位",
            Via::FileName => "文件名",
        }
    }
}

/// Whose file it is: a roster unit (by index), or a unit known only from the file itself
/// (no roster, or a file the roster does not account for), by its place in [`UnitNames`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    Roster(u32),
    Unlisted(UnitId),
}

/// What attribution decided about one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub owner: Owner,
    /// How the roster unit was found; `None` for unlisted owners.
    pub via: Option<Via>,
    /// The index of the report that replaced this one, when it is an older version
    /// ([`NOT_SUPERSEDED`] when not: four bytes, not the eight of an `Option<u32>`).
    superseded_by: u32,
    /// The file's modification time, when the file system tells it.
    pub modified: Modified,
    /// A return of another 调查阶段 than the one collected: in no unit's version choice.
    other_stage: bool,
}

// Every file keeps one for the whole run (50,000 in a national one): kept small.
const _: () = assert!(std::mem::size_of::<Placement>() <= 24);

const NOT_SUPERSEDED: u32 = u32::MAX;

impl Placement {
    pub fn is_superseded(&self) -> bool {
        self.superseded_by != NOT_SUPERSEDED
    }

    /// Whether the file states another 调查阶段 than the one collected.
    pub fn is_other_stage(&self) -> bool {
        self.other_stage
    }

    /// Whether the file is its unit's return in the ledger (unless unreadable): neither
    /// superseded nor of another stage.
    pub fn counts(&self) -> bool {
        !self.is_superseded() && !self.other_stage
    }

    /// The index of the report that replaced this one, when it is an older version.
    pub fn superseded_by(&self) -> Option<u32> {
        self.is_superseded().then_some(self.superseded_by)
    }

    /// Mark this file replaced by report `newer` (`None`: not replaced).
    ///
    /// # Panics
    /// With a report index of `u32::MAX` (a run has fewer files).
    pub fn supersede(&mut self, newer: Option<u32>) {
        assert_ne!(newer, Some(NOT_SUPERSEDED), "a report index below u32::MAX");
        self.superseded_by = newer.unwrap_or(NOT_SUPERSEDED);
    }
}

/// A file's modification time to the nanosecond, in eight bytes: ordered as
/// `Option<SystemTime>` is (unknown first), for times from 1970 to 2554. Kept as two halves
/// (high first, so the order holds), aligned as a `u32`: a [`Placement`] has no padding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Modified([u32; 2]);

impl Modified {
    pub fn new(time: Option<SystemTime>) -> Modified {
        let nanos = time.map_or(0, |t| {
            let nanos = t
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            u64::try_from(nanos).unwrap_or(u64::MAX - 1) + 1
        });
        Modified([(nanos >> 32) as u32, nanos as u32])
    }

    pub fn time(self) -> Option<SystemTime> {
        let [high, low] = self.0;
        let nanos = (u64::from(high) << 32 | u64::from(low)).checked_sub(1)?;
        Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(nanos))
    }
}

/// Whose a file says it is, as [`place`] finds it on its own: a roster unit, or the code and
/// name of a unit known from the file only (not yet shared with other files of that unit).
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    Roster(usize),
    Unlisted { code: String, name: String },
}

/// One file placed on its own, before [`Placements::push`] gives its owner an id.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub claim: Claim,
    pub via: Option<Via>,
    pub modified: Option<SystemTime>,
}

/// What attribution decided about every file, in file order, and the names of the units the
/// roster does not know (each once, however many files it has). Reads as a slice of
/// [`Placement`]s.
#[derive(Debug, Clone, Default)]
pub struct Placements {
    list: Vec<Placement>,
    names: UnitNames,
}

impl Placements {
    pub fn with_capacity(files: usize) -> Placements {
        Placements {
            list: Vec::with_capacity(files),
            names: UnitNames::default(),
        }
    }

    /// Add the next file's placement.
    pub fn push(&mut self, placed: Placed) {
        let owner = match placed.claim {
            Claim::Roster(i) => {
                Owner::Roster(u32::try_from(i).expect("a roster under 4 billion units"))
            }
            Claim::Unlisted { code, name } => Owner::Unlisted(self.names.intern(&code, &name)),
        };
        self.list.push(Placement {
            owner,
            via: placed.via,
            superseded_by: NOT_SUPERSEDED,
            modified: Modified::new(placed.modified),
            other_stage: false,
        });
    }

    pub fn names(&self) -> &UnitNames {
        &self.names
    }

    /// Every file is placed: give back the room kept for more.
    pub fn seal(&mut self) {
        self.list.shrink_to_fit();
        self.names.seal();
    }

    /// Keep the placements of the files `keep` says.
    pub fn retain(&mut self, keep: impl FnMut(&Placement) -> bool) {
        self.list.retain(keep);
    }

    /// The placements and the unit names apart.
    pub fn into_parts(self) -> (Vec<Placement>, UnitNames) {
        (self.list, self.names)
    }

    /// The (code, name) `owner` stands for: the roster's, else the file's own.
    pub fn label(&self, owner: &Owner, roster: Option<&Roster>) -> (String, String) {
        match (owner, roster) {
            (Owner::Roster(i), Some(r)) => {
                let unit = &r.units[*i as usize];
                (unit.code.clone(), unit.name.clone())
            }
            (Owner::Unlisted(unit), _) => {
                let (code, name) = self.names.get(*unit);
                (code.to_string(), name.to_string())
            }
            (Owner::Roster(_), None) => Default::default(),
        }
    }
}

impl std::ops::Deref for Placements {
    type Target = [Placement];
    fn deref(&self) -> &[Placement] {
        &self.list
    }
}

impl<'a> IntoIterator for &'a Placements {
    type Item = &'a Placement;
    type IntoIter = std::slice::Iter<'a, Placement>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl std::ops::DerefMut for Placements {
    fn deref_mut(&mut self) -> &mut [Placement] {
        &mut self.list
    }
}

/// Attribute every report, choose among resubmissions, and flag organizations claimed by two
/// units, every 调查阶段 collected (`upgrade`, which warns on stages itself; the ledger's
/// pipeline does the same steps file by file). Issues found are added to the reports' forms;
/// the result is parallel to `reports`.
pub fn attribute(reports: &mut [FileReport], roster: Option<&Roster>) -> Placements {
    let mut placements = Placements::with_capacity(reports.len());
    for report in reports.iter_mut() {
        placements.push(place(report, roster));
    }
    placements.seal();
    merge_unlisted(&mut placements);
    let paths: Vec<PathBuf> = reports.iter().map(|r| r.path.clone()).collect();
    let versions: Vec<Version> = reports.iter().map(Version::of).collect();
    let notes = choose_versions(&versions, |i| &paths[i], &mut placements, None);
    for note in &notes {
        let issue = note.issue(|i| &paths[i], None);
        if let Some(form) = reports[note.file() as usize].form.as_mut() {
            form.issues.push(issue);
        }
    }
    let owners = shared::Owners {
        placements: &placements,
        paths: &paths,
        roster,
    };
    let seats = reports
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.form.as_ref().map(|f| (i, f)))
        .flat_map(|(i, form)| shared::seats(i, form))
        .collect();
    let findings = owners.find_all(seats);
    for (i, report) in reports.iter_mut().enumerate() {
        findings.add_to(i, report, &owners);
        if let Some(form) = report.form.as_mut() {
            form.sort_issues();
        }
    }
    placements
}

/// Without a roster, a file with only a name joins the file with a code and the same name.
pub fn merge_unlisted(placements: &mut Placements) {
    let names = &placements.names;
    let name_only =
        |p: &Placement| matches!(p.owner, Owner::Unlisted(u) if names.code(u).is_empty());
    if !placements.iter().any(name_only) {
        return; // the usual inbox: every file carries its code
    }
    // By name, the owner with a code (the last one, as a map filled in order keeps).
    let coded: HashMap<String, Owner> = placements
        .iter()
        .filter_map(|p| match p.owner {
            Owner::Unlisted(u) if !names.code(u).is_empty() => {
                Some((name_key(names.name(u)), p.owner))
            }
            _ => None,
        })
        .collect();
    let joins: Vec<(usize, Owner)> = placements
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.owner {
            Owner::Unlisted(u) if names.code(u).is_empty() => {
                coded.get(&name_key(names.name(u))).map(|&owner| (i, owner))
            }
            _ => None,
        })
        .collect();
    for (i, owner) in joins {
        placements.list[i].owner = owner;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn modification_times_keep_their_order_and_value() {
        let at = |secs: u64, nanos: u32| SystemTime::UNIX_EPOCH + Duration::new(secs, nanos);
        let times = [
            None,
            Some(at(0, 0)),
            Some(at(1_700_000_000, 1)),
            Some(at(1_700_000_000, 2)),
        ];
        let stamps: Vec<Modified> = times.iter().map(|&t| Modified::new(t)).collect();
        assert!(stamps.windows(2).all(|w| w[0] < w[1]));
        let back: Vec<Option<SystemTime>> = stamps.iter().map(|m| m.time()).collect();
        assert_eq!(back, times);
    }
}
