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
pub mod shared;

pub use names::{NamesAway, UnitId, UnitNames};

use crate::check::FileReport;
use crate::form::Form;
use crate::issue::{Code, Issue};
use crate::roster::{code_key, name_key, Roster};
use crate::schema::{ORGANIZATIONS, UNIT_INFO};
use crate::stage::{other_stage_issue, CollectedStage, StageRule, SurveyStage};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;
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

    /// Put the names of the units the roster does not know on disk until
    /// [`Placements::names_back`]; meanwhile [`Placements::label`] knows roster units only,
    /// and [`NamesAway::get`] reads the others.
    pub fn put_names_away(&mut self) -> std::io::Result<NamesAway> {
        self.names.put_away()
    }

    pub fn names_back(&mut self, away: NamesAway) -> std::io::Result<()> {
        self.names = UnitNames::back(away)?;
        Ok(())
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
/// units; every stage collected (`upgrade`, which warns on stages itself). Issues found are
/// added to the reports' forms; the result is parallel to `reports`.
pub fn attribute(reports: &mut [FileReport], roster: Option<&Roster>) -> Placements {
    attribute_stage(reports, roster, None).0
}

/// [`attribute`], collecting the stage `rule` decides (every stage with `None`): returns of
/// another stage are set aside with E406. Gives the stage collected too.
pub fn attribute_stage(
    reports: &mut [FileReport],
    roster: Option<&Roster>,
    rule: Option<StageRule>,
) -> (Placements, Option<CollectedStage>) {
    let mut placements = Placements::with_capacity(reports.len());
    for report in reports.iter_mut() {
        placements.push(place(report, roster));
    }
    placements.seal();
    merge_unlisted(&mut placements);
    // Copied: the findings' messages name other files while issues are added to reports.
    let owned: Vec<std::path::PathBuf> = reports.iter().map(|r| r.path.clone()).collect();
    let paths: Vec<&Path> = owned.iter().map(|p| p.as_path()).collect();
    let versions: Vec<Version> = reports.iter().map(Version::of).collect();
    let collected = rule.map(|rule| rule.decide(stated(&versions)));
    let notes = choose_versions(&versions, |i| paths[i], &mut placements, collected.as_ref());
    for note in &notes {
        let issue = note.issue(|i| paths[i], collected.as_ref());
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
        let Ok(()) = findings.add_to(i, report, &owners);
        if let Some(form) = report.form.as_mut() {
            form.sort_issues();
        }
    }
    (placements, collected)
}

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

/// The unit key of a file without a roster unit: its code and name, else its file stem.
fn unlisted(report: &FileReport) -> Claim {
    let (code, name) = crate::ledger::model::unit_key(report);
    Claim::Unlisted {
        code: code_key(&code),
        name,
    }
}

/// Tie one file to its owner, adding an issue to its form when the roster cannot tell whose
/// it is. Depends on this file alone, so it can run while files are read.
pub fn place(report: &mut FileReport, roster: Option<&Roster>) -> Placed {
    let modified = std::fs::metadata(&report.path)
        .and_then(|m| m.modified())
        .ok();
    let (claim, via) = match roster {
        Some(roster) => match_roster(report, roster),
        None => (unlisted(report), None),
    };
    Placed {
        claim,
        via,
        modified,
    }
}

/// Match a file against the roster, adding an issue when it matches nothing or two units.
fn match_roster(report: &mut FileReport, roster: &Roster) -> (Claim, Option<Via>) {
    let by_file = by_file_name(&report.path, roster);
    let Some(form) = report.form.as_mut() else {
        return match by_file {
            Some(i) => (Claim::Roster(i), Some(Via::FileName)),
            None => (unlisted(report), None),
        };
    };
    let code = form.unit_code().map(code_key).unwrap_or_default();
    let name = form.unit_name().unwrap_or_default().to_string();
    let by_code = roster.by_code(&code);
    let by_name = find_name(&name, roster);
    let matched = match (by_code, by_name) {
        (Some(a), Some(b)) if a != b => {
            form.issues.push(conflict(roster, &code, &name, a, b));
            None
        }
        (Some(a), _) => Some((a, Via::Code)),
        (None, Some(b)) => Some((b, Via::Name)),
        (None, None) => by_file.map(|f| (f, Via::FileName)),
    };
    let Some((unit, via)) = matched else {
        if by_code.is_none() || by_name.is_none() {
            form.issues.push(not_in_roster(roster, &code, &name));
        }
        return (unlisted(report), None);
    };
    if via != Via::Code && !code.is_empty() {
        form.issues.push(code_differs(roster, unit, &code, via));
    }
    (Claim::Roster(unit), Some(via))
}

/// A roster unit named by `text`: exactly, else the single longest roster name inside it
/// ("中共白马镇委员会" → 白马镇).
pub fn find_name(text: &str, roster: &Roster) -> Option<usize> {
    if let Some(i) = roster.by_name(text) {
        return Some(i);
    }
    let text = name_key(text);
    if text.is_empty() {
        return None;
    }
    let mut found: Vec<(usize, usize)> = roster
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (i, name_key(&u.name)))
        .filter(|(_, n)| !n.is_empty() && text.contains(n.as_str()))
        .map(|(i, n)| (n.chars().count(), i))
        .collect();
    found.sort_unstable_by(|a, b| b.cmp(a));
    match found.as_slice() {
        [(len, i), rest @ ..] if rest.first().is_none_or(|(l, _)| l < len) => Some(*i),
        _ => None,
    }
}

/// A roster unit named by the file name: a roster code among its digit runs, else a name.
pub fn by_file_name(path: &Path, roster: &Roster) -> Option<usize> {
    let stem = path.file_stem()?.to_string_lossy();
    let stem = name_key(&stem);
    let by_code = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .find_map(|part| roster.by_code(part));
    by_code.or_else(|| find_name(&stem, roster))
}

fn unit_label(roster: &Roster, i: usize) -> String {
    let unit = &roster.units[i];
    format!("{}（{}）", unit.name, unit.code)
}

fn roster_name(roster: &Roster) -> String {
    roster.path.file_name().map_or_else(
        || roster.path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}

fn conflict(roster: &Roster, code: &str, name: &str, by_code: usize, by_name: usize) -> Issue {
    Issue::sheet(
        Code::UnitConflict,
        UNIT_INFO.name,
        format!(
            "单位代码“{code}”在花名册中是 {}，填报单位“{name}”却是 {}；本文件未计入任何单位，请核对后重新报送",
            unit_label(roster, by_code),
            unit_label(roster, by_name)
        ),
    )
}

fn not_in_roster(roster: &Roster, code: &str, name: &str) -> Issue {
    let shown = |s: &str| {
        if s.is_empty() {
            "（未填）".to_string()
        } else {
            format!("“{s}”")
        }
    };
    Issue::sheet(
        Code::UnitNotInRoster,
        UNIT_INFO.name,
        format!(
            "单位代码{}、填报单位{}和文件名都对应不到花名册 {} 中的单位；本文件未计入任何单位，请核对单位代码，或把该单位补入花名册",
            shown(code),
            shown(name),
            roster_name(roster)
        ),
    )
}

fn code_differs(roster: &Roster, unit: usize, code: &str, via: Via) -> Issue {
    Issue::sheet(
        Code::UnitCodeNotInRoster,
        UNIT_INFO.name,
        format!(
            "单位代码“{code}”不在花名册中；已按{}计入 {}，请把单位代码改为“{}”",
            via.label(),
            unit_label(roster, unit),
            roster.units[unit].code
        ),
    )
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
/// (`path` of a file) wins; the other readable files are superseded by it. Unreadable files
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
    let key = |i: usize| (versions[i].filled_on, placements[i].modified, path(i));
    let mut superseded = Vec::new();
    for files in
        readable.chunk_by(|&a, &b| placements[a as usize].owner == placements[b as usize].owner)
    {
        let Some(&winner) = files.iter().max_by_key(|&&i| key(i as usize)) else {
            continue;
        };
        superseded.extend(files.iter().filter(|&&i| i != winner).map(|&i| (i, winner)));
        let older = files.iter().filter(|&&i| i != winner);
        if let Some(&replaced) = older.max_by_key(|&&i| key(i as usize)) {
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
