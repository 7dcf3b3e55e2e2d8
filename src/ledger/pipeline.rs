//! The one ledger pipeline: `ledger`, `status`, `watch` and the tests run it, each with its
//! own [`LedgerSink`].
//!
//! 1. **Read** (parallel): every file found is read once, normalized and validated. Its report
//!    waits on disk ([`Spill`]), its organizations' key fingerprints go to the [`SeatIndex`],
//!    and what attribution needs of it (owner, 填报日期, 调查阶段) stays in memory. A file of
//!    more than `held_rows` records (2,000) is put away in parts as it is read
//!    ([`read_form_in_parts`]), so that no file is ever held whole.
//! 2. **Attribute**: units merged, the stage collected decided (a return of the other stage is
//!    set aside with E406), versions chosen (W407 on a replacement that drops most
//!    organizations), organizations two units claim grouped into findings, and the feedback
//!    files' names decided in file order, so they never depend on which thread is first.
//! 3. **Hand over** (parallel, kept in file order): each report (or part) read back,
//!    classified, given its findings, its feedback written; then, one at a time, counted in
//!    its unit's row, given its 文件清单 line (with its last part), and handed to the sink
//!    (unless superseded: a superseded file has its line only).
//! 4. **Assemble** the figures ([`Ledger`]), and `sink.finish` with them.
//!
//! Memory grows with the number of files (paths, placements, 文件清单 lines, units: about
//! 1 KB a file), not of organizations: the reports wait on disk and pass a few chunks at a
//! time. (The cross-unit findings stay in memory too: a few numbers per organization that two
//! units both list. And a file's feedback workbook is made from the whole file: with
//! `--feedback`, a file read in parts is put back together for it.)

use super::file_entry::{entry_of, other_entries, own_output_entry, FileEntry};
use super::file_list::FileList;
use super::model::{Ledger, Parts};
use super::spill::{Replay, Slot, Spill};
use super::unit_feedback::{self, FeedbackOutcome, FeedbackUnit};
use super::units::Units;
use super::{LedgerError, LedgerOptions};
use crate::attribution::shared::{self, Findings, Owners, SeatIndex};
use crate::attribution::{self, Owner, Placed, Placement, Placements, Version};
use crate::check::{classify_report, report_of, FileReport, Tally};
use crate::discover::Discovery;
use crate::form::Form;
use crate::issue::Issue;
use crate::output::FeedbackNames;
use crate::read::read_form_in_parts;
use crate::roster::Roster;
use crate::stage::CollectedStage;
use crate::status::{Expectation, FileSeen};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

/// Where the reports of a ledger go, one at a time, in file order: the workbook writer
/// ([`super::sink::Workbook`]), an in-memory [`super::sink::Collector`], or nothing
/// ([`super::sink::Discard`], for 报送情况 alone).
pub trait LedgerSink: Send {
    /// What the sink gives back when every file is in.
    type Done;

    /// How the progress bar names pass 2 for this sink.
    const PASS: Stage = Stage::Writing;

    /// The next file in the ledger: one that counts (`placement.counts()`, readable or not),
    /// or a return of another 调查阶段 whose issues alone are listed.
    ///
    /// A file of more than `held_rows` records comes in parts, one call each, one after
    /// another ([`read_form_in_parts`]): each a report of some of its rows, with the issues
    /// about them, the first with the file-level ones. Put together ([`FileReport::absorb`])
    /// they are the file's report.
    fn add(&mut self, report: FileReport, placement: &Placement) -> Result<(), LedgerError>;

    /// Every file is in; `ledger` holds the figures.
    fn finish(self, ledger: &Ledger) -> Result<Self::Done, LedgerError>;
}

/// A run's settings beyond [`LedgerOptions`].
pub struct RunOptions<'a> {
    pub expect: &'a Expectation,
    /// Where to write each unit's feedback workbook, if anywhere.
    pub feedback: Option<&'a Path>,
    /// Told when each stage starts and after each file (a progress bar).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// How far a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A stage starts with this many files.
    Start(Stage, usize),
    /// One more file of the stage is done.
    Done,
}

/// The passes as a user sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every file read, normalized and validated.
    Reading,
    /// The files handed to the sink in order (written, for the workbook).
    Writing,
    /// For 报送情况 alone (`status`): each file rated, nothing written.
    Rating,
    /// The summary sheets written and the workbook compressed and saved (no files counted).
    Saving,
}

/// What a run gives back.
pub struct Finished<'a, D> {
    /// The figures (no reports: they went to the sink).
    pub ledger: Ledger<'a>,
    /// What the sink gave back.
    pub done: D,
    /// With a feedback folder: what happened to each unit's feedback file, in file order.
    pub feedback: Vec<FeedbackOutcome>,
}

/// Run the pipeline over the files `discovery` found in `inbox`, handing the reports to
/// `sink`.
pub fn run<'a, S: LedgerSink>(
    inbox: &Path,
    discovery: Discovery,
    options: &'a LedgerOptions,
    run: &RunOptions,
    mut sink: S,
) -> Result<Finished<'a, S::Done>, LedgerError> {
    let names = match run.feedback {
        Some(dir) => {
            crate::output::prepare_folder(dir)?;
            Some(FeedbackNames::new(dir))
        }
        None => None,
    };
    let progress = run.progress;
    progress(Progress::Start(Stage::Reading, discovery.candidates.len()));
    let spill = Spill::new().map_err(scratch)?;
    let index = Mutex::new(SeatIndex::new().map_err(scratch)?);
    let scanned = read_all(&discovery.candidates, inbox, options, run, (&spill, &index))?;
    let replay = spill.replay().map_err(scratch)?;
    let index = index.into_inner().expect("seat index lock");
    let plan = Plan::new(scanned, index, run.expect, replay)?;
    release_free_memory();
    progress(Progress::Start(S::PASS, plan.paths.len()));
    let mut gathered = plan.hand_over(inbox, options, names.as_ref(), &mut sink, progress)?;
    let mut feedback: Vec<FeedbackOutcome> = (std::mem::take(&mut gathered.feedback).into_iter())
        .map(|(_, f)| f)
        .collect();
    if let Some(names) = &names {
        feedback.extend(unit_feedback::remove_stale(names));
    }
    let ledger = plan.assemble(&discovery, inbox, options, run.expect, gathered);
    release_free_memory();
    if S::PASS == Stage::Writing {
        progress(Progress::Start(Stage::Saving, 0));
    }
    let done = sink.finish(&ledger)?;
    Ok(Finished {
        ledger,
        done,
        feedback,
    })
}

fn scratch(error: std::io::Error) -> LedgerError {
    LedgerError::Scratch { error }
}

/// What pass 1 keeps of every file but our own outputs (the attributed files), in order.
struct Scanned {
    paths: Vec<PathBuf>,
    placements: Placements,
    versions: Vec<Version>,
    /// Where each report waits for pass 2.
    slots: Vec<Vec<Part>>,
    /// The 文件清单 lines of our own outputs found in the inbox.
    own: Vec<FileEntry>,
    /// Of every file found (the number its seats were added under): its number among the
    /// attributed files, or [`UNSEATED`] (our own outputs, and a file whose read failed after
    /// some of its parts were put away).
    numbers: Vec<u32>,
}

/// A file whose seats in the [`SeatIndex`] are not to be used.
const UNSEATED: u32 = u32::MAX;

/// One file as a reader leaves it.
enum Found {
    Own(FileEntry),
    /// Placed, its version, its parts, and whether its seats in the index are its own.
    Attributed(Placed, Version, Vec<Part>, bool),
}

/// Where one part of a file's report waits: a file of more than `held_rows` records is read
/// and put away in parts ([`read_form_in_parts`]), so it is never held whole.
#[derive(Debug, Clone, Copy)]
struct Part {
    slot: Slot,
    /// The index of its first organization in the file's list.
    first: u32,
}

/// One file being read, its parts put away as they come.
struct Reading<'a> {
    path: &'a Path,
    roster: Option<&'a Roster>,
    spill: &'a Spill,
    /// Where its organizations' seats go, under the number `candidate`.
    index: &'a Mutex<SeatIndex>,
    candidate: u32,
    parts: Vec<Part>,
    /// Organizations in the parts so far.
    organizations: u32,
    /// Decided on the first part, which holds the 单位信息.
    placed: Option<(Placed, Version)>,
    error: Option<std::io::Error>,
}

impl Reading<'_> {
    fn put(&mut self, mut report: FileReport) -> std::io::Result<()> {
        if self.placed.is_none() {
            let placed = attribution::place(&mut report, self.roster);
            self.placed = Some((placed, Version::of(&report)));
        }
        let first = self.organizations;
        if let Some(form) = &report.form {
            let mut index = self.index.lock().expect("seat index lock");
            for seat in shared::seats(self.candidate as usize, form) {
                let record = seat.record + first;
                index.add(shared::Seat { record, ..seat })?;
            }
            self.organizations += form.organizations.len() as u32;
        }
        let slot = self.spill.put(&report)?;
        self.parts.push(Part { slot, first });
        Ok(())
    }

    /// A part handed on while the file is read.
    fn put_part(&mut self, form: Form) {
        if self.error.is_none() {
            let report = report_of(self.path, Ok(form));
            self.error = self.put(report).err();
        }
    }
}

/// Pass 1 for one file: read, placed, its report put away in the spill.
fn read_one(
    (candidate, path): (usize, &Path),
    inbox: &Path,
    options: &LedgerOptions,
    roster: Option<&Roster>,
    (spill, index): (&Spill, &Mutex<SeatIndex>),
) -> std::io::Result<Found> {
    let mut reading = Reading {
        path,
        roster,
        spill,
        index,
        candidate: candidate as u32,
        parts: Vec::new(),
        organizations: 0,
        placed: None,
        error: None,
    };
    let mut on_part = |form| reading.put_part(form);
    let read = read_form_in_parts(path, &options.check.limits, Some(&mut on_part));
    let report = report_of(path, read);
    if report.own_output {
        return Ok(Found::Own(own_output_entry(inbox, &report)));
    }
    let seated = report.form.is_some() || reading.parts.is_empty();
    if !seated {
        // Failed part-way: the parts put away are not the file's.
        (reading.parts, reading.organizations, reading.placed) = (Vec::new(), 0, None);
    }
    if let Some(error) = reading.error.take() {
        return Err(error);
    }
    reading.put(report)?;
    let (placed, mut version) = reading.placed.expect("the first part placed");
    version.organizations = reading.organizations;
    Ok(Found::Attributed(placed, version, reading.parts, seated))
}

/// Files read between two hand-overs of their results to this thread (see [`read_all`]).
const READ_CHUNK: usize = 256;

/// Pass 1: every file read and placed, its report and its organizations' keys put away.
fn read_all(
    candidates: &[PathBuf],
    inbox: &Path,
    options: &LedgerOptions,
    run: &RunOptions,
    store: (&Spill, &Mutex<SeatIndex>),
) -> Result<Scanned, LedgerError> {
    let roster = run.expect.roster.as_ref();
    let mut scanned = Scanned {
        paths: Vec::with_capacity(candidates.len()),
        placements: Placements::with_capacity(candidates.len()),
        versions: Vec::with_capacity(candidates.len()),
        slots: Vec::with_capacity(candidates.len()),
        own: Vec::new(),
        numbers: Vec::with_capacity(candidates.len()),
    };
    for (start, chunk) in (0..).step_by(READ_CHUNK).zip(candidates.chunks(READ_CHUNK)) {
        let found: Vec<std::io::Result<Found>> = (start..start + chunk.len())
            .into_par_iter()
            .zip(chunk)
            .map(|(candidate, path)| {
                let found = read_one((candidate, path), inbox, options, roster, store);
                (run.progress)(Progress::Done);
                found
            })
            .collect();
        // Kept here, on one thread, and what the readers allocated freed: a survivor left among
        // the pages of the grids they parsed would keep its page resident to the end.
        for (path, found) in chunk.iter().zip(found) {
            match found.map_err(scratch)? {
                Found::Own(entry) => {
                    scanned.own.push(entry);
                    scanned.numbers.push(UNSEATED);
                }
                Found::Attributed(placed, version, parts, seated) => {
                    let number = scanned.paths.len() as u32;
                    scanned.numbers.push(if seated { number } else { UNSEATED });
                    scanned.paths.push(path.clone());
                    scanned.placements.push(placed);
                    scanned.versions.push(version);
                    scanned.slots.push(parts);
                }
            }
        }
        release_free_memory();
    }
    Ok(scanned)
}

/// What is decided between the passes (`'r`: the roster's).
struct Plan<'r> {
    roster: Option<&'r Roster>,
    /// Of each attributed file.
    paths: Vec<PathBuf>,
    placements: Placements,
    slots: Vec<Vec<Part>>,
    replay: Replay,
    own: Vec<FileEntry>,
    /// Organizations two units claim.
    findings: Findings,
    /// Per attributed file: whether it was read.
    readable: Vec<bool>,
    /// The owners with a readable file that counts (for the names of feedback files).
    readable_owners: HashSet<Owner>,
    /// The 调查阶段 collected.
    stage: CollectedStage,
    /// Whether units the roster does not name count in the 合计.
    count_unlisted: bool,
    /// When the returns arrived, if recorded.
    arrivals: Option<&'r crate::arrivals::Arrivals>,
    /// Version choice's issues (E406, W407), by file: usually a few.
    notes: Vec<(u32, Issue)>,
}

impl<'r> Plan<'r> {
    fn new(
        scanned: Scanned,
        index: SeatIndex,
        expect: &'r Expectation,
        replay: Replay,
    ) -> Result<Plan<'r>, LedgerError> {
        let roster = expect.roster.as_ref();
        let Scanned {
            paths,
            mut placements,
            versions,
            slots,
            own,
            numbers,
        } = scanned;
        placements.seal();
        attribution::merge_unlisted(&mut placements);
        let stage = expect.stage.decide(attribution::stated(&versions));
        let path = |i: usize| paths[i].as_path();
        let notes = attribution::choose_versions(&versions, path, &mut placements, Some(&stage));
        let notes = (notes.iter())
            .map(|note| (note.file(), note.issue(path, Some(&stage))))
            .collect();
        let readable: Vec<bool> = versions.iter().map(|v| v.readable).collect();
        let owners = Owners {
            placements: &placements,
            paths: &paths,
            roster,
        };
        let renumber = |candidate: u32| {
            let number = *numbers.get(candidate as usize)?;
            (number != UNSEATED).then_some(number)
        };
        let findings = index.find_all(&owners, renumber).map_err(scratch)?;
        let readable_owners = (readable.iter().zip(placements.iter()))
            .filter(|(&readable, p)| readable && p.counts())
            .map(|(_, p)| p.owner)
            .collect();
        Ok(Plan {
            roster,
            paths,
            placements,
            slots,
            replay,
            own,
            findings,
            readable,
            readable_owners,
            stage,
            count_unlisted: expect.count_unlisted,
            arrivals: expect.arrivals.as_ref(),
            notes,
        })
    }

    /// Pass 2: every attributed file prepared on the rayon pool a chunk at a time, handed on
    /// in 汇总's unit order ([`Units::hand_over_order`]) on a thread of its own, which takes
    /// one chunk while the next is prepared.
    fn hand_over<S: LedgerSink>(
        &self,
        inbox: &Path,
        options: &LedgerOptions,
        names: Option<&FeedbackNames>,
        sink: &mut S,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Gathered, LedgerError> {
        let assigned = match names {
            Some(names) => self.feedback_names(names),
            None => Vec::new(),
        };
        let gathered = Gathered::new(self, options);
        let order = gathered.units.hand_over_order();
        let parts = |&i: &usize| (0..self.slots[i].len()).map(move |p| (i, p));
        let order: Vec<(usize, usize)> = order.iter().flat_map(parts).collect();
        // Measured on the province set (2 cores): 4 files a thread as fast as 8 or 32, in
        // 17 MiB against 23 and 46.
        let chunk = rayon::current_num_threads() * 4;
        let (to_sink, arrived) = mpsc::sync_channel::<Vec<std::io::Result<Prepared>>>(1);
        let mut gathered = std::thread::scope(|scope| {
            let taker = scope.spawn(move || {
                let mut gathered = gathered;
                for prepared in arrived.into_iter().flatten() {
                    let prepared = prepared.map_err(scratch)?;
                    let last = prepared.last;
                    gathered.take(self, inbox, prepared, sink)?;
                    if last {
                        progress(Progress::Done);
                    }
                }
                Ok::<Gathered, LedgerError>(gathered)
            });
            // A full part of a long file (`held_rows` records) weighs as 4 files: `threads` of
            // them are a chunk.
            let weight = |&(i, _): &(usize, usize)| match self.slots[i].len() {
                1 => 1,
                _ => 4,
            };
            let mut rest = &order[..];
            while !rest.is_empty() {
                let mut sum = 0;
                let fits = |item: &&(usize, usize)| {
                    sum += weight(item);
                    sum <= chunk
                };
                let n = rest.iter().take_while(fits).count().max(1);
                let (parts, tail) = rest.split_at(n);
                rest = tail;
                let prepared = (parts.par_iter())
                    .map(|&(i, p)| {
                        let feedback = names.zip(assigned.get(i).and_then(Option::as_deref));
                        self.prepare((i, p), options, feedback)
                    })
                    .collect();
                if to_sink.send(prepared).is_err() {
                    break; // the taker stopped on an error, returned below
                }
            }
            drop(to_sink);
            taker.join().expect("the ledger's writer thread")
        })?;
        gathered.in_file_order();
        Ok(gathered)
    }

    /// Pass 2 for part `p` of file `i`: read back and classified; when the file counts, given
    /// its findings and notes, and with its first part, its feedback written.
    fn prepare(
        &self,
        (i, p): (usize, usize),
        options: &LedgerOptions,
        feedback: Option<(&FeedbackNames, &str)>,
    ) -> std::io::Result<Prepared> {
        let report = self.part((i, p), options)?;
        let placement = &self.placements[i];
        let first = p == 0;
        let feedback = match feedback {
            Some((names, name)) if first && placement.counts() => {
                // A file read in parts is put back together for its feedback workbook, which
                // lays out its whole content anyway.
                let whole;
                let report = match self.slots[i].len() {
                    1 => &report,
                    _ => {
                        whole = self.whole(i, options)?;
                        &whole
                    }
                };
                let limits = &options.check.limits;
                self.feedback_unit(i).write(report, limits, names, name)
            }
            _ => None,
        };
        // Only for a file that counts, and within the size any file is read at.
        let arrived = (self.arrivals)
            .filter(|_| first && placement.counts())
            .and_then(|arrivals| {
                let size = std::fs::metadata(&self.paths[i]).ok()?.len();
                if size > options.check.limits.max_file_bytes {
                    return None;
                }
                arrivals.arrival(&crate::arrivals::hash_file(&self.paths[i]).ok()?)
            });
        Ok(Prepared {
            index: i,
            part: p,
            last: p + 1 == self.slots[i].len(),
            report,
            feedback,
            arrived,
        })
    }

    /// Part `p` of file `i` read back and classified; when the file is not superseded, given
    /// the findings on its organizations and (the first part) the version choice's notes.
    fn part(&self, (i, p): (usize, usize), options: &LedgerOptions) -> std::io::Result<FileReport> {
        let Part { slot, first } = self.slots[i][p];
        let mut report = self.replay.get(slot, &self.paths[i])?;
        classify_report(&mut report, &options.check);
        if !self.placements[i].is_superseded() {
            (self.findings).add_to_part(i, first, &mut report, &self.owners());
            if let Some(form) = report.form.as_mut() {
                let start = self.notes.partition_point(|(file, _)| (*file as usize) < i);
                let notes =
                    (self.notes[start..].iter()).take_while(|(file, _)| *file as usize == i);
                let notes = notes.filter(|_| p == 0);
                form.issues.extend(notes.map(|(_, issue)| issue.clone()));
                form.sort_issues();
            }
        }
        Ok(report)
    }

    /// File `i`'s report put back together from its parts.
    fn whole(&self, i: usize, options: &LedgerOptions) -> std::io::Result<FileReport> {
        let mut whole = self.part((i, 0), options)?;
        for p in 1..self.slots[i].len() {
            whole.absorb(self.part((i, p), options)?);
        }
        Ok(whole)
    }

    fn owners(&self) -> Owners<'_> {
        Owners {
            placements: &self.placements,
            paths: &self.paths,
            roster: self.roster,
        }
    }

    /// Whose file attributed file `i` is, for its feedback.
    fn feedback_unit(&self, i: usize) -> FeedbackUnit {
        let owner = self.placements[i].owner;
        FeedbackUnit {
            owner,
            label: self.placements.label(&owner, self.roster),
            readable_sibling: self.readable_owners.contains(&owner),
            with_roster: self.roster.is_some(),
        }
    }

    /// The feedback file name of each attributed file that counts (`None` for the others),
    /// decided here in file order ([`FeedbackNames::assign`]).
    fn feedback_names(&self, names: &FeedbackNames) -> Vec<Option<String>> {
        let counting = || (0..self.paths.len()).filter(|&i| self.placements[i].counts());
        let stems: Vec<String> = counting()
            .map(|i| self.feedback_unit(i).stem(&self.paths[i], self.readable[i]))
            .collect();
        let mut assigned = vec![None; self.paths.len()];
        for (i, name) in counting().zip(names.assign(stems)) {
            assigned[i] = Some(name);
        }
        assigned
    }

    /// The ledger's figures from what pass 2 gathered.
    fn assemble<'a>(
        self,
        discovery: &Discovery,
        inbox: &Path,
        options: &'a LedgerOptions,
        expect: &Expectation,
        gathered: Gathered,
    ) -> Ledger<'a> {
        let mut lines: Vec<FileEntry> = (gathered.lines.into_iter()).map(|(_, l)| l).collect();
        lines.extend(self.own);
        lines.extend(other_entries(inbox, discovery));
        let parts = Parts {
            roster: self.roster.cloned(),
            units: gathered.units,
            files: FileList::new(lines),
            seen: (gathered.seen.into_iter()).map(|(_, s)| s).collect(),
        };
        let rules = &options.check.rules;
        Ledger::assemble(rules, inbox, (expect, self.stage), parts, self.placements)
    }
}

/// One part of a file (usually the whole) in pass 2, ready to be handed on.
struct Prepared {
    index: usize,
    part: usize,
    /// Whether it is the file's last part.
    last: bool,
    report: FileReport,
    feedback: Option<FeedbackOutcome>,
    /// When the file arrived, by the 收件记录 (when there is one and it knows this version).
    arrived: Option<chrono::NaiveDateTime>,
}

/// What pass 2 gathers file by file, each with the file's index (put back in file order by
/// [`Gathered::in_file_order`]).
struct Gathered {
    units: Units,
    /// Every attributed file's 文件清单 line.
    lines: Vec<(usize, FileEntry)>,
    /// With a roster, what 报送情况 needs of each attributed file (empty without).
    seen: Vec<(usize, FileSeen)>,
    feedback: Vec<(usize, FeedbackOutcome)>,
    /// A file read in parts while its parts come: its first part without its lists, and the
    /// figures so far.
    open: Option<(FileReport, Tally, Option<chrono::NaiveDateTime>)>,
}

impl Gathered {
    fn new(plan: &Plan, options: &LedgerOptions) -> Gathered {
        let tiers = options.check.rules.tier_names().len();
        Gathered {
            units: Units::new(
                plan.roster,
                tiers,
                &plan.placements,
                &plan.readable,
                plan.count_unlisted,
            ),
            lines: Vec::with_capacity(plan.paths.len()),
            seen: Vec::new(),
            feedback: Vec::new(),
            open: None,
        }
    }

    /// Count a part of file `prepared.index` (usually the whole), make the file's line with its
    /// last, and hand the report to `sink`.
    fn take<S: LedgerSink>(
        &mut self,
        plan: &Plan,
        inbox: &Path,
        prepared: Prepared,
        sink: &mut S,
    ) -> Result<(), LedgerError> {
        let Prepared {
            index: i,
            part,
            last,
            report,
            feedback,
            arrived,
        } = prepared;
        let placement = &plan.placements[i];
        if placement.counts() {
            self.units.add(i, &report, part == 0);
        } else if placement.is_other_stage() {
            self.units.add_uncounted(&report);
        }
        let tally = Tally::of(&report);
        match (part, last) {
            (0, true) => self.file_done(plan, inbox, i, (&report, tally), arrived),
            (0, false) => self.open = Some((without_lists(&report), tally, arrived)),
            (_, _) => {
                let (first, mut sum, arrived) = self.open.take().expect("the file's first part");
                sum.add(&tally);
                match last {
                    true => self.file_done(plan, inbox, i, (&first, sum), arrived),
                    false => self.open = Some((first, sum, arrived)),
                }
            }
        }
        self.feedback.extend(feedback.map(|f| (i, f)));
        if i % TRIM_EVERY == 0 {
            release_free_memory();
        }
        match placement.is_superseded() {
            true => Ok(()),
            false => sink.add(report, placement),
        }
    }

    /// File `i` is all in: its line and what 报送情况 needs of it, from `report` (its first
    /// part) and the figures of all its parts.
    fn file_done(
        &mut self,
        plan: &Plan,
        inbox: &Path,
        i: usize,
        (report, tally): (&FileReport, Tally),
        arrived: Option<chrono::NaiveDateTime>,
    ) {
        let at = (i, &plan.placements);
        let line = entry_of(inbox, (report, &tally), at, plan.roster, &plan.paths);
        self.lines.push((i, line));
        if plan.roster.is_some() {
            let seen = FileSeen {
                arrived,
                ..FileSeen::of(report, &tally)
            };
            self.seen.push((i, seen));
        }
    }
}

/// A report's first part as kept until its last has come: its 单位信息 and issues.
fn without_lists(report: &FileReport) -> FileReport {
    let form = report.form.as_ref().map(|form| Form {
        organizations: Vec::new(),
        coverage: Vec::new(),
        skipped: Vec::new(),
        ..form.clone()
    });
    FileReport {
        path: report.path.clone(),
        form,
        failure: report.failure.clone(),
        classifications: Vec::new(),
        own_output: report.own_output,
    }
}

impl Gathered {
    /// Lines, status and feedback back in file order, whatever order the files came in.
    fn in_file_order(&mut self) {
        self.lines.sort_by_key(|(i, _)| *i);
        self.seen.sort_by_key(|(i, _)| *i);
        self.feedback.sort_by_key(|(i, _)| *i);
    }
}

/// How many files pass between two [`release_free_memory`] calls.
const TRIM_EVERY: usize = 256;

/// Give the pages of freed memory back to the system.
///
/// glibc's malloc keeps freed pages inside its heaps: the grids and reports are allocated on
/// the rayon threads and freed on another, between small long-lived allocations, so the holes
/// they leave are never at a heap's top and are never trimmed. Measured (heaptrack): 3,000
/// forms peaked at 11 MiB of live heap for 59 MiB of RSS; without trimming, RSS grew by about
/// 6 KiB a file. `malloc_trim(0)` releases the free pages of every arena.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim only returns unused pages of glibc's own heaps to the system;
        // it takes no pointers and is thread-safe (it locks each arena).
        unsafe {
            malloc_trim(0);
        }
    }
}
