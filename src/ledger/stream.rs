//! The ledger of a whole province or country in little memory: two passes over the inbox.
//!
//! Which file of a unit counts (the latest 填报日期) and which organizations two units both
//! claim must be known before the first row is written, since both change rows of 台账明细
//! and 校验问题. So:
//!
//! 1. **Scan** (parallel): read, normalize and validate every file, keep its owner and
//!    填报日期, spill each organization's key fingerprints to disk ([`SeatIndex`]) and the
//!    report itself ([`Spill`]): no workbook is parsed twice.
//! 2. Attribute: merge units, decide the 调查阶段 collected and set the other stage's returns
//!    aside (E406), choose versions (W407 on a replacement that drops most organizations),
//!    group the fingerprints bucket by bucket into the cross-unit findings (a few per file at
//!    most), give every unit its row of counters.
//! 3. **Stream**: read the reports of the files that count back from the spill on the rayon
//!    pool, classify them, put the cross-unit findings on each, and hand them, in file order
//!    and a bounded number at a time, to two writer threads (台账明细; the other lists, the
//!    per-unit counts and the 文件清单 lines, which go to disk). The superseded files are read
//!    back too, for their 文件清单 line only; a return of the other stage goes through pass 2
//!    for its 校验问题 rows and 文件清单 line, its organizations written nowhere. Then the
//!    summary sheets, and the workbook is saved atomically.
//!
//! What stays in memory grows with the number of files, not of organizations: through pass 2
//! about 45 bytes a file (its placement, 24; where its report and its 文件清单 line lie,
//! 8 + 8; its unit's row, 4). The paths, the names of the units the roster does not know,
//! the cross-unit findings and the 文件清单's order wait on disk ([`crate::scratch`]) and
//! are read back one at a time; the per-unit counters wait on disk until the summary is
//! written. With feedback, each file that counts also holds its feedback file's name, decided
//! in file order before pass 2 (`Plan::feedback_names`) so the names never depend on which
//! task finishes first.
//!
//! The output equals what [`super::Ledger::build_with`] + [`super::write`] give for the same
//! inbox (the in-memory path the tests use): same attribution, same row writers.

use super::file_list::SpilledLines;
use super::model::{entry_of, other_entries, own_output_entry, FileEntry, Ledger, Parts};
use super::rows::Line;
use super::spill::{Replay, Slot, Slots, Spill};
use super::unit_feedback::{FeedbackOutcome, FeedbackUnit};
use super::units::UnitsOnDisk;
use super::writer::{LedgerWriter, OtherRows};
use super::{LedgerError, LedgerOptions};
use crate::attribution::shared::{self, FindingsAway, Owners, SeatIndex};
use crate::attribution::{self, NamesAway, Owner, Placed, Placements, Version};
use crate::check::{classify_report, read_file, FileReport};
use crate::discover::{self, Discovery, FilePaths, PathList};
use crate::issue::Issue;
use crate::output::{FeedbackNames, Kind};
use crate::roster::Roster;
use crate::scratch::Pieces;
use crate::stage::{CollectedStage, StageRule};
use crate::status::{Expectation, FileSeen, StatusReport};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

/// What a streamed run gives back besides the workbook.
pub struct Streamed<'a> {
    /// The figures (no reports: they were dropped once written).
    pub ledger: Ledger<'a>,
    /// With `feedback`: what happened to each unit's feedback file, in file order.
    pub feedback: Vec<FeedbackOutcome>,
}

/// A streamed run's settings beyond [`LedgerOptions`].
pub struct StreamOptions<'a> {
    pub expect: &'a Expectation,
    /// Where to write each unit's feedback workbook, if anywhere.
    pub feedback: Option<&'a Path>,
    /// Told when each stage starts and after each file (a progress bar).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// How far a streamed run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A stage starts with this many files.
    Start(Stage, usize),
    /// One more file of the stage is done.
    Done,
}

/// The two passes as a user sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Pass 1: every file read, normalized and validated.
    Reading,
    /// Pass 2: the files that count written, the superseded ones listed.
    Writing,
    /// For 报送情况 alone (`status`): each file's report read back and rated, nothing written.
    Rating,
    /// The summary sheets written and the workbook compressed and saved (no files counted).
    Saving,
}

/// What pass 1 keeps: per attributed file (every file read but our own outputs), in
/// discovery order, its placement, version and spilled report.
struct Scanned {
    placements: Placements,
    versions: Vec<Version>,
    /// Where each report (read, validated, placed) waits for pass 2.
    slots: Slots,
    /// The candidates that are our own outputs, in order.
    own_at: Vec<u32>,
    /// The lines of our own outputs found in the inbox.
    own: Vec<FileEntry>,
}

/// One file as a worker of pass 1 leaves it.
enum Found {
    Own(FileEntry),
    Attributed(Placed, Version, Slot),
}

/// Discover `inbox`, scan, attribute and stream the ledger to `output`.
pub fn run<'a>(
    inbox: &Path,
    output: &Path,
    options: &'a LedgerOptions,
    stream: &StreamOptions,
) -> Result<Streamed<'a>, LedgerError> {
    let discovery = discover::discover(inbox, &options.exclude);
    run_found(inbox, discovery, output, options, stream)
}

/// [`run`] over files already found (`watch` leaves its feedback folder out of them).
pub fn run_found<'a>(
    inbox: &Path,
    mut discovery: Discovery,
    output: &Path,
    options: &'a LedgerOptions,
    stream: &StreamOptions,
) -> Result<Streamed<'a>, LedgerError> {
    super::check_inbox(inbox)?;
    let inputs = options.inputs.clone().folder(inbox, "收件文件夹中的文件");
    crate::output::prepare(output, Kind::Ledger, options.force, &inputs)?;
    let names = match stream.feedback {
        Some(dir) => {
            crate::output::prepare_folder(dir)?;
            Some(FeedbackNames::new(dir))
        }
        None => None,
    };
    let candidates = std::mem::take(&mut discovery.candidates);
    let progress = stream.progress;
    let mut plan = read_and_plan(candidates, inbox, options, stream.expect, progress)?;
    let units = plan
        .units(options.check.rules.tier_names().len())
        .map_err(scratch)?;
    plan.put_names_away().map_err(scratch)?;
    progress(Progress::Start(Stage::Writing, plan.paths.len()));
    let mut writer = LedgerWriter::new(&options.check.rules, inbox, options.sheet_rows)?;
    let (mut gathered, mut feedback) =
        plan.stream(inbox, options, stream, names.as_ref(), &mut writer, units)?;
    if let Some(names) = &names {
        feedback.extend(super::unit_feedback::remove_stale(names));
    }
    plan.superseded(inbox, options, &mut gathered, progress)?;
    let ledger = plan.assemble(&discovery, inbox, options, stream.expect, gathered)?;
    release_free_memory();
    progress(Progress::Start(Stage::Saving, 0));
    unless_panicked(|| writer.finish(&ledger, output, options.force))?;
    Ok(Streamed { ledger, feedback })
}

/// 报送情况 of `inbox` against `expect`'s roster (`None` without one), in little memory: pass 1
/// and the plan as for the ledger, then each report read back and rated for its unit's state;
/// no workbook is written. Equals the status of [`super::Ledger::build_with`].
pub fn status(
    inbox: &Path,
    options: &LedgerOptions,
    expect: &Expectation,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Option<StatusReport>, LedgerError> {
    let Some(roster) = expect.roster.as_ref() else {
        return Ok(None);
    };
    super::check_inbox(inbox)?;
    let candidates = discover::discover(inbox, &options.exclude).candidates;
    let plan = read_and_plan(candidates, inbox, options, expect, progress)?;
    progress(Progress::Start(Stage::Rating, plan.paths.len()));
    let seen = (0..plan.paths.len())
        .into_par_iter()
        .map(|i| {
            let prepared = plan.prepare(i, options, None)?;
            progress(Progress::Done);
            Ok(FileSeen::of(&prepared.report))
        })
        .collect::<std::io::Result<Vec<FileSeen>>>()
        .map_err(scratch)?;
    let mut report = crate::status::build(roster, expect, inbox, &seen, &plan.placements);
    report.stage = Some(plan.stage);
    Ok(Some(report))
}

/// Pass 1 over the files found, and what is decided before pass 2 (the ledger's and
/// `status`'s): every file read once, its report spilled, attribution done.
fn read_and_plan<'r>(
    candidates: PathList,
    inbox: &Path,
    options: &LedgerOptions,
    expect: &'r Expectation,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Plan<'r>, LedgerError> {
    let roster = expect.roster.as_ref();
    let mut index = SeatIndex::new().map_err(scratch)?;
    let spill = Spill::new().map_err(scratch)?;
    progress(Progress::Start(Stage::Reading, candidates.len()));
    let scanned = scan(
        &candidates,
        inbox,
        options,
        roster,
        &mut index,
        &spill,
        progress,
    )?;
    let replay = spill.replay().map_err(scratch)?;
    let plan = Plan::new(candidates, scanned, index, (roster, expect.stage), replay)?;
    release_free_memory();
    Ok(plan)
}

/// Give the pages of freed memory back to the system.
///
/// glibc's malloc keeps freed pages inside its heaps: the grids and reports of pass 2 are
/// allocated on the rayon threads and freed on the writer thread, between small long-lived
/// allocations (placements, per-unit counters), so the holes they leave are never at a heap's
/// top and are never trimmed. Measured (heaptrack): 3,000 forms peaked at 11 MiB of live
/// heap for 59 MiB of RSS; without trimming, RSS grew by about 6 KiB a file (390 MiB at
/// 50,000 forms, 161 MiB with it); a county's 30 forms peak at 11.9 MiB, 13.1 MiB without.
/// `malloc_trim(0)` releases the free pages of every arena.
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

fn scratch(error: std::io::Error) -> LedgerError {
    LedgerError::Scratch { error }
}

/// Run a part that writes sheets, a panic in it made the error it stands for.
///
/// rust_xlsxwriter's constant-memory sheets `expect` every write to their temporary file, so a
/// full disk panics the writer thread (and, before this, the run, with no word a clerk could
/// act on). Such a panic is the temporary-file error it is: its message carries the system's
/// error code, and the run ends with the same message as any other temporary file's failure.
fn unless_panicked<T>(part: impl FnOnce() -> Result<T, LedgerError>) -> Result<T, LedgerError> {
    let was = WRITING.replace(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(part));
    WRITING.set(was);
    result.unwrap_or_else(|payload| Err(scratch(panic_error(payload.as_ref()))))
}

thread_local! {
    /// Whether this thread is in [`unless_panicked`], whose panics are reported as errors.
    static WRITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keep the default panic message (English, with a backtrace) for panics that end the
/// program; a writer's panic that [`unless_panicked`] turns into an error says nothing more
/// than that error. For the binary's `main`, before any thread starts.
pub fn quiet_writer_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !WRITING.get() {
            default(info);
        }
    }));
}

/// The I/O error a writer's panic message tells of ("…: Os { code: 28, kind: StorageFull, … }"),
/// else the message itself.
fn panic_error(payload: &(dyn std::any::Any + Send)) -> std::io::Error {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("写出工作表时程序出错");
    let code = ["code: ", "os error "].iter().find_map(|marker| {
        let (_, rest) = text.split_once(marker)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    match code {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::other(text.to_string()),
    }
}

/// Pass 1: every file read and placed, its report and its organizations' keys spilled.
fn scan(
    paths: &PathList,
    inbox: &Path,
    options: &LedgerOptions,
    roster: Option<&Roster>,
    index: &mut SeatIndex,
    spill: &Spill,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Scanned, LedgerError> {
    let index = Mutex::new(index);
    let n = paths.len();
    let mut scanned = Scanned {
        placements: Placements::with_capacity(n),
        versions: Vec::with_capacity(n),
        slots: Slots::with_capacity(n),
        own_at: Vec::new(),
        own: Vec::new(),
    };
    for start in (0..n).step_by(SCAN_CHUNK) {
        let found: Vec<Result<Found, std::io::Error>> = (start..n.min(start + SCAN_CHUNK))
            .into_par_iter()
            .map(|i| {
                let mut report = read_file(&paths.get(i), &options.check.limits);
                progress(Progress::Done);
                if report.own_output {
                    return Ok(Found::Own(own_output_entry(inbox, &report)));
                }
                let placement = attribution::place(&mut report, roster);
                if let Some(form) = &report.form {
                    let seats: Vec<shared::Seat> = shared::seats(i, form).collect();
                    let mut index = index.lock().expect("seat index lock");
                    seats.into_iter().try_for_each(|s| index.add(s))?;
                }
                let slot = spill.put(&report)?;
                Ok(Found::Attributed(placement, Version::of(&report), slot))
            })
            .collect();
        // Copied here, on this one thread, rather than moved: what the workers allocated
        // sits between the pages of the grids they parsed, and each small survivor would
        // keep its page resident to the end (measured on 50,000 files: the run peaked in
        // this pass at 258 MiB; with the copies, at 111 MiB when the workbook is saved).
        for (j, found) in found.into_iter().enumerate() {
            match found.map_err(scratch)? {
                Found::Own(entry) => {
                    scanned.own_at.push((start + j) as u32);
                    scanned.own.push(entry.clone());
                }
                Found::Attributed(placement, version, slot) => {
                    scanned.placements.push(placement);
                    scanned.versions.push(version);
                    scanned.slots.push(slot);
                }
            }
        }
        release_free_memory();
    }
    Ok(scanned)
}

/// Files read by pass 1 between two copies of their results (see [`scan`]).
const SCAN_CHUNK: usize = 256;

/// What is decided between the passes (`'r`: the roster's and the discovery list's).
struct Plan<'r> {
    roster: Option<&'r Roster>,
    placements: Placements,
    /// Of each attributed file, relative to the inbox.
    paths: Attributed,
    /// Per attributed file, where its report is in the spill.
    slots: Slots,
    replay: Replay,
    own: Vec<FileEntry>,
    /// Cross-unit findings, by file, waiting on disk.
    findings: FindingsAway,
    /// Per attributed file: whether it was read.
    readable: Vec<bool>,
    /// Per attributed file: whether its owner has a readable file that counts (names of
    /// feedback files).
    readable_sibling: Vec<bool>,
    /// The names of the placements' units while they wait on disk (pass 2).
    names_away: Option<NamesAway>,
    /// The 调查阶段 collected.
    stage: CollectedStage,
    /// Version choice's issues (E406, W407), by file: usually a few.
    notes: Vec<(u32, Issue)>,
}

impl<'r> Plan<'r> {
    fn new(
        candidates: PathList,
        scanned: Scanned,
        index: SeatIndex,
        (roster, rule): (Option<&'r Roster>, StageRule),
        replay: Replay,
    ) -> Result<Plan<'r>, LedgerError> {
        let Scanned {
            mut placements,
            versions,
            slots,
            own_at,
            own,
        } = scanned;
        placements.seal();
        attribution::merge_unlisted(&mut placements);
        let path = |i| candidates.relative(candidate(&own_at, i));
        let stage = rule.decide(attribution::stated(&versions));
        let notes = attribution::choose_versions(&versions, path, &mut placements, Some(&stage));
        let notes = (notes.iter())
            .map(|note| (note.file(), note.issue(path, Some(&stage))))
            .collect();
        let readable: Vec<bool> = versions.iter().map(|v| v.readable).collect();
        drop(versions);
        let paths = Attributed::new(candidates, own_at).map_err(scratch)?;
        let owners = Owners {
            placements: &placements,
            paths: &paths,
            roster,
        };
        let findings = index
            .find_all(&owners, |d| paths.of_candidate(d as usize) as u32)
            .and_then(|found| found.put_away(&owners))
            .map_err(scratch)?;
        let readable_owners: HashSet<&Owner> = readable
            .iter()
            .zip(&placements)
            .filter(|(&readable, p)| readable && p.counts())
            .map(|(_, p)| &p.owner)
            .collect();
        let readable_sibling = placements
            .iter()
            .map(|p| readable_owners.contains(&p.owner))
            .collect();
        drop(readable_owners);
        Ok(Plan {
            roster,
            placements,
            paths,
            slots,
            replay,
            own,
            findings,
            readable,
            readable_sibling,
            names_away: None,
            stage,
            notes,
        })
    }

    /// The per-unit counters of the files that count, each file given its unit's row.
    fn units(&self, tiers: usize) -> std::io::Result<UnitsOnDisk> {
        UnitsOnDisk::new(self.roster, tiers, &self.placements, &self.readable)
    }

    /// The code and name `owner` stands for ([`Placements::label`]), the names of units the
    /// roster does not know read back from disk while they are there.
    fn label(&self, owner: &Owner) -> std::io::Result<(String, String)> {
        match (owner, &self.names_away) {
            (Owner::Unlisted(unit), Some(away)) => away.get(*unit),
            _ => Ok(self.placements.label(owner, self.roster)),
        }
    }

    /// Put the names of the units the roster does not know on disk for pass 2, which reads
    /// one only for a unit's feedback file (the cross-unit findings were written out before).
    fn put_names_away(&mut self) -> std::io::Result<()> {
        self.names_away = Some(self.placements.put_names_away()?);
        Ok(())
    }

    /// The report pass 1 made of attributed file `i` (read and placed, not classified).
    fn report(&self, i: usize) -> std::io::Result<FileReport> {
        let slot = self.slots.get(i);
        let slot = slot.ok_or_else(|| std::io::Error::other("暂存的报表缺少一个文件"))?;
        self.replay.get(slot, &self.paths.full(i)?)
    }

    /// Pass 2 for file `i`: read back, classified, given its cross-unit findings, its feedback
    /// written.
    fn prepare(
        &self,
        i: usize,
        options: &LedgerOptions,
        feedback: Option<(&FeedbackNames, &str)>,
    ) -> std::io::Result<Prepared> {
        let mut report = self.report(i)?;
        classify_report(&mut report, &options.check.rules);
        self.findings.add_to(i, &mut report)?;
        if let Some(form) = report.form.as_mut() {
            let start = self.notes.partition_point(|(file, _)| (*file as usize) < i);
            let notes = self.notes[start..]
                .iter()
                .take_while(|(file, _)| *file as usize == i);
            form.issues.extend(notes.map(|(_, issue)| issue.clone()));
            form.sort_issues();
        }
        // A return of another stage gets no feedback file: it would take its unit's name.
        let feedback = feedback.filter(|_| self.placements[i].counts());
        let outcome = match feedback {
            Some((names, name)) => {
                let unit = self.feedback_unit(i)?;
                unit.write(&report, &options.check.limits, names, name)
            }
            None => None,
        };
        Ok(Prepared {
            index: i,
            report,
            feedback: outcome,
        })
    }

    /// Whose file attributed file `i` is, for its feedback.
    fn feedback_unit(&self, i: usize) -> std::io::Result<FeedbackUnit> {
        let owner = self.placements[i].owner;
        Ok(FeedbackUnit {
            owner,
            label: self.label(&owner)?,
            readable_sibling: self.readable_sibling[i],
            with_roster: self.roster.is_some(),
        })
    }

    /// The feedback file names of pass 2's files (empty for a return of another stage), in file order, decided here, before
    /// any is written: the tasks of pass 2 finish in whatever order, and the same inbox must
    /// give the same names ([`FeedbackNames::assign`]).
    fn feedback_names(&self, names: &FeedbackNames) -> std::io::Result<Vec<String>> {
        let mut stems = Vec::new();
        for i in (0..self.paths.len()).filter(|&i| self.placements[i].counts()) {
            let path = self.paths.full(i)?;
            stems.push(self.feedback_unit(i)?.stem(&path, self.readable[i]));
        }
        // Aligned with pass 2's files; a return of another stage gets no name (and no file).
        let mut assigned = names.assign(stems).into_iter();
        Ok((0..self.paths.len())
            .filter(|&i| !self.placements[i].is_superseded())
            .map(|i| match self.placements[i].counts() {
                true => assigned.next().unwrap_or_default(),
                false => String::new(),
            })
            .collect())
    }

    /// Pass 2 over the files that count: each file prepared as a task on the rayon pool as
    /// soon as one is free, the writer on its own thread taking them back in file order.
    ///
    /// A file is let in only against a permit the writer returns once it has written a file,
    /// so at most `window` reports are being prepared or wait for their turn (and at most
    /// [`OTHERS_QUEUE`] more between the two writer threads): memory stays bounded however
    /// many files there are, and no worker waits for a slower neighbour (as fixed windows of
    /// files would make it).
    fn stream(
        &self,
        inbox: &Path,
        options: &LedgerOptions,
        stream: &StreamOptions,
        names: Option<&FeedbackNames>,
        writer: &mut LedgerWriter,
        units: UnitsOnDisk,
    ) -> Result<(Gathered, Vec<FeedbackOutcome>), LedgerError> {
        let current = (0..self.paths.len()).filter(|&i| !self.placements[i].is_superseded());
        let assigned = match names {
            Some(names) => self.feedback_names(names).map_err(scratch)?,
            None => Vec::new(),
        };
        let window = (rayon::current_num_threads() * 4).max(8);
        let (permits, permit_back) = mpsc::sync_channel::<()>(window);
        let (done, arrived) = mpsc::channel::<(usize, std::io::Result<Prepared>)>();
        std::thread::scope(|scope| {
            let writer_thread = scope.spawn(move || {
                let files = Arrivals {
                    arrived,
                    permit_back,
                    waiting: BTreeMap::new(),
                    next: 0,
                };
                unless_panicked(|| self.consume(files, writer, inbox, units, stream.progress))
            });
            rayon::in_place_scope(|tasks| {
                for (k, i) in current.enumerate() {
                    if !acquire(&permits) {
                        break; // the writer stopped on an error
                    }
                    let done = done.clone();
                    let feedback = names.map(|names| (names, assigned[k].as_str()));
                    tasks.spawn(move |_| {
                        let prepared = self.prepare(i, options, feedback);
                        done.send((k, prepared)).ok();
                    });
                }
            });
            drop(done);
            writer_thread.join().expect("the ledger writer thread")
        })
    }

    /// The writer thread: 台账明细's rows out, then each report handed to a second writer
    /// thread ([`Plan::gather`]) for the other lists and the figures.
    ///
    /// 台账明细 is most of the writing, and one sheet is written by one thread; everything
    /// else a report needs once its turn has come runs beside it.
    fn consume(
        &self,
        files: Arrivals,
        writer: &mut LedgerWriter,
        inbox: &Path,
        units: UnitsOnDisk,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(Gathered, Vec<FeedbackOutcome>), LedgerError> {
        let (mut detail, mut others) = writer.split();
        let (to_others, arrived) = mpsc::sync_channel::<(usize, Prepared, Line)>(OTHERS_QUEUE);
        std::thread::scope(|scope| {
            let others_thread = scope.spawn(move || {
                unless_panicked(|| self.gather(arrived, &mut others, inbox, units, progress))
            });
            let written = (|| {
                for (done, prepared) in files {
                    let prepared = prepared.map_err(scratch)?;
                    let line = match self.placements[prepared.index].counts() {
                        true => detail.add(&prepared.report)?,
                        false => detail.line(&prepared.report),
                    };
                    if to_others.send((done, prepared, line)).is_err() {
                        break; // the other thread stopped on an error, returned below
                    }
                }
                Ok(())
            })();
            drop(to_others);
            let gathered = others_thread
                .join()
                .expect("the ledger's second writer thread");
            written.and(gathered)
        })
    }

    /// The second writer thread: 后进整改, 两新明细 and 校验问题 rows out, per-unit counts added,
    /// 文件清单 lines spilled, reports dropped.
    fn gather(
        &self,
        arrived: mpsc::Receiver<(usize, Prepared, Line)>,
        others: &mut OtherRows,
        inbox: &Path,
        units: UnitsOnDisk,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(Gathered, Vec<FeedbackOutcome>), LedgerError> {
        let mut gathered = Gathered::new(self, units).map_err(scratch)?;
        let mut feedback = Vec::new();
        let mut written = Vec::new();
        for (done, prepared, line) in arrived {
            let (i, report) = (prepared.index, prepared.report);
            if self.placements[i].counts() {
                others.add(&report, &line)?;
                gathered.units.add(i, &report).map_err(scratch)?;
            } else {
                others.add_issues(&report, &line)?;
                gathered.units.add_uncounted(&report);
            }
            gathered.line(self, inbox, i, &report).map_err(scratch)?;
            feedback.extend(prepared.feedback);
            written.push(report);
            progress(Progress::Done);
            if written.len() == DROP_EVERY {
                // Freeing reports is work the writer threads need not do.
                let reports = std::mem::take(&mut written);
                rayon::spawn(move || drop(reports));
            }
            if done % TRIM_EVERY == 0 {
                release_free_memory();
            }
        }
        Ok((gathered, feedback))
    }

    /// The 文件清单 lines and status of the superseded files, read back and classified one at a
    /// time; no rows written.
    fn superseded(
        &self,
        inbox: &Path,
        options: &LedgerOptions,
        gathered: &mut Gathered,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(), LedgerError> {
        for i in (0..self.paths.len()).filter(|&i| self.placements[i].is_superseded()) {
            let mut report = self.report(i).map_err(scratch)?;
            classify_report(&mut report, &options.check.rules);
            gathered.line(self, inbox, i, &report).map_err(scratch)?;
            progress(Progress::Done);
        }
        Ok(())
    }

    /// The ledger's figures: every attributed file's line and status, from pass 2 (files that
    /// count) or from [`Plan::superseded`].
    fn assemble<'a>(
        self,
        discovery: &Discovery,
        inbox: &Path,
        options: &'a LedgerOptions,
        expect: &Expectation,
        gathered: Gathered,
    ) -> Result<Ledger<'a>, LedgerError> {
        let Plan {
            roster,
            mut placements,
            paths,
            mut own,
            slots,
            replay,
            findings,
            readable,
            readable_sibling,
            names_away,
            stage,
            notes,
        } = self;
        // What pass 2 needed goes before the per-unit counters come back into memory.
        drop((slots, replay, findings, readable, readable_sibling, notes));
        let every = "every attributed file went through pass 2";
        let seen: Vec<FileSeen> = gathered.seen.into_iter().map(|s| s.expect(every)).collect();
        own.extend(other_entries(inbox, discovery, &[]));
        let order = paths.order().map_err(scratch)?;
        let files = (gathered.lines)
            .finish(own, &order, |i| paths.shown(i))
            .map_err(scratch)?;
        drop((order, paths));
        release_free_memory();
        // Only the summary names the units: their names come back once the paths are gone.
        if let Some(away) = names_away {
            placements.names_back(away).map_err(scratch)?;
        }
        let parts = Parts {
            roster: roster.cloned(),
            units: gathered.units.load().map_err(scratch)?,
            files,
            seen,
        };
        let ledger = Ledger::assemble(&options.check.rules, inbox, expect, parts, placements);
        Ok(ledger.collected(Some(stage)))
    }
}

/// The paths of the attributed files: the candidates found but our own outputs (a few at
/// most). From the end of attribution to the 文件清单 they wait on disk: pass 2 reads each
/// file's once, and another's only to name it in a cross-unit finding.
struct Attributed {
    root: PathBuf,
    /// Each candidate's path after the root.
    parts: Pieces,
    /// The candidates that are our own outputs, in order.
    own: Vec<u32>,
    /// The attributed files in the order of their paths (the 文件清单's), as `u32`s.
    order: Pieces,
}

impl Attributed {
    /// The candidates but `own`, put on disk, and their order.
    fn new(candidates: PathList, own: Vec<u32>) -> std::io::Result<Attributed> {
        let shown = |i: u32| {
            candidates
                .relative(candidate(&own, i as usize))
                .to_string_lossy()
        };
        let mut order: Vec<u32> = (0..(candidates.len() - own.len()) as u32).collect();
        order.sort_by(|&a, &b| shown(a).cmp(&shown(b)));
        let order: Vec<u8> = order.iter().flat_map(|i| i.to_le_bytes()).collect();
        let order = Pieces::new(&order, vec![order.len() as u32])?;
        let (root, bytes, ends) = candidates.into_parts();
        let parts = Pieces::new(&bytes, ends)?;
        Ok(Attributed {
            root,
            parts,
            own,
            order,
        })
    }

    /// The attributed files in the order of their paths.
    fn order(&self) -> std::io::Result<Vec<u32>> {
        let bytes = self.order.get(0)?;
        let each = bytes.chunks_exact(4);
        Ok(each
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// The path of attributed file `i` as its 文件清单 line shows it.
    fn shown(&self, i: usize) -> std::io::Result<String> {
        Ok(self.relative(i)?.to_string_lossy().into_owned())
    }

    /// The attributed file that candidate `d` (not one of our own outputs) is.
    fn of_candidate(&self, d: usize) -> usize {
        d - self.own.partition_point(|&own| (own as usize) < d)
    }

    /// The path of attributed file `i` as found.
    fn full(&self, i: usize) -> std::io::Result<PathBuf> {
        Ok(self.root.join(self.relative(i)?))
    }

    /// Relative to the inbox.
    fn relative(&self, i: usize) -> std::io::Result<PathBuf> {
        let part = self.parts.get(candidate(&self.own, i))?;
        Ok(discover::path_from_part(part))
    }
}

impl FilePaths for Attributed {
    type Error = std::io::Error;

    fn len(&self) -> usize {
        self.parts.len() - self.own.len()
    }

    /// Relative to the inbox.
    fn path(&self, i: usize) -> std::io::Result<Cow<'_, Path>> {
        self.relative(i).map(Cow::Owned)
    }
}

/// The candidate that attributed file `i` is, `own` being the candidates that are our own
/// outputs, in order.
fn candidate(own: &[u32], i: usize) -> usize {
    let mut d = i;
    for &own in own {
        if own as usize <= d {
            d += 1;
        } else {
            break;
        }
    }
    d
}

/// How many files pass between two [`release_free_memory`] calls.
const TRIM_EVERY: usize = 256;

/// How many written reports the writer hands to the pool to free at once.
const DROP_EVERY: usize = 8;

/// How many reports may wait between the two writer threads.
const OTHERS_QUEUE: usize = 8;

/// Take a permit to start one more file; false once the writer is gone.
///
/// Called from a worker of the pool (a caller's `install`), blocking would take that worker
/// from the files it waits for (with one thread: forever), so it runs their tasks meanwhile.
fn acquire(permits: &mpsc::SyncSender<()>) -> bool {
    loop {
        match permits.try_send(()) {
            Ok(()) => return true,
            Err(mpsc::TrySendError::Disconnected(())) => return false,
            Err(mpsc::TrySendError::Full(())) => match rayon::yield_now() {
                None => return permits.send(()).is_ok(),
                Some(rayon::Yield::Executed) => {}
                Some(rayon::Yield::Idle) => {
                    std::thread::sleep(std::time::Duration::from_micros(200))
                }
            },
        }
    }
}

/// Files as they arrive from the pool, given out in file order; each one given out returns a
/// permit, so one more file may start.
struct Arrivals {
    arrived: mpsc::Receiver<(usize, std::io::Result<Prepared>)>,
    permit_back: mpsc::Receiver<()>,
    /// Files prepared before their turn, by position.
    waiting: BTreeMap<usize, std::io::Result<Prepared>>,
    next: usize,
}

impl Iterator for Arrivals {
    /// (how many files were given out with this one, the file).
    type Item = (usize, std::io::Result<Prepared>);

    fn next(&mut self) -> Option<Self::Item> {
        let prepared = loop {
            if let Some(p) = self.waiting.remove(&self.next) {
                break p;
            }
            // Ends when every task has sent its file (or the producer stopped).
            let (k, p) = self.arrived.recv().ok()?;
            self.waiting.insert(k, p);
        };
        self.next += 1;
        self.permit_back.recv().ok();
        Some((self.next, prepared))
    }
}

/// One file of pass 2, ready for the writer.
struct Prepared {
    index: usize,
    report: FileReport,
    feedback: Option<FeedbackOutcome>,
}

/// What the second writer thread gathers: per-unit counts and 文件清单 lines.
struct Gathered {
    units: UnitsOnDisk,
    /// The 文件清单 line of each attributed file, by index, set as files are written.
    lines: SpilledLines,
    /// With a roster, what 报送情况 needs of each attributed file (empty without).
    seen: Vec<Option<FileSeen>>,
}

impl Gathered {
    fn new(plan: &Plan, units: UnitsOnDisk) -> std::io::Result<Gathered> {
        let n = plan.paths.len();
        let with_roster = plan.roster.is_some();
        Ok(Gathered {
            units,
            lines: SpilledLines::new(n)?,
            seen: vec![None; if with_roster { n } else { 0 }],
        })
    }

    /// The line (and, with a roster, the status) of attributed file `i`.
    fn line(
        &mut self,
        plan: &Plan,
        inbox: &Path,
        i: usize,
        report: &FileReport,
    ) -> std::io::Result<()> {
        let entry = entry_of(
            inbox,
            report,
            (i, &plan.placements),
            plan.roster,
            &plan.paths,
        )?;
        self.lines.set(i, &entry)?;
        if plan.roster.is_some() {
            self.seen[i] = Some(FileSeen::of(report));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_panic_on_a_full_disk_is_the_temporary_file_error() {
        let full = std::io::Error::from_raw_os_error(28);
        let failed = unless_panicked::<()>(|| panic!("Couldn't write to xlsx file: {full:?}"));
        let Err(LedgerError::Scratch { error }) = failed else {
            panic!("not a temporary-file error: {failed:?}");
        };
        assert_eq!(error.kind(), std::io::ErrorKind::StorageFull);
        let message = LedgerError::Scratch { error }.to_string();
        assert!(message.contains("磁盘空间不足"), "{message}");
        let Err(LedgerError::Scratch { error }) =
            unless_panicked::<()>(|| panic!("something else"))
        else {
            panic!("not a temporary-file error");
        };
        assert_eq!(error.to_string(), "something else");
        assert!(unless_panicked(|| Ok(7)).is_ok_and(|n| n == 7));
    }

    #[test]
    fn attributed_files_skip_our_own_outputs_wherever_they_are() {
        let root = Path::new("/收件箱");
        let mut candidates = PathList::new(root);
        for name in [
            "a.xlsx",
            "台账.xlsx",
            "b.xlsx",
            "c.xlsx",
            "旧台账.xlsx",
            "d.xlsx",
        ] {
            candidates.push(&root.join(name));
        }
        let paths = Attributed::new(candidates, vec![1, 4]).unwrap();
        let names: Vec<PathBuf> = (0..paths.len())
            .map(|i| paths.relative(i).unwrap())
            .collect();
        let expected = ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"].map(PathBuf::from);
        assert_eq!(names, expected);
        assert_eq!(paths.full(3).unwrap(), root.join("d.xlsx"));
        let back: Vec<usize> = [0, 2, 3, 5].map(|d| paths.of_candidate(d)).to_vec();
        assert_eq!(back, [0, 1, 2, 3]);
        assert_eq!(paths.order().unwrap(), [0, 1, 2, 3]);
        assert_eq!(paths.shown(1).unwrap(), "b.xlsx");
    }

    #[test]
    fn attributed_files_are_ordered_by_their_paths_as_shown() {
        let root = Path::new("/收件箱");
        let mut candidates = PathList::new(root);
        // As a walk finds them: a folder's files before the files beside it.
        for name in ["a/2.xlsx", "a/10.xlsx", "台账.xlsx", "a.xlsx", "B.xlsx"] {
            candidates.push(&root.join(name));
        }
        let paths = Attributed::new(candidates, vec![2]).unwrap();
        let shown: Vec<String> = (paths.order().unwrap().iter())
            .map(|&i| paths.shown(i as usize).unwrap())
            .collect();
        assert_eq!(shown, ["B.xlsx", "a.xlsx", "a/10.xlsx", "a/2.xlsx"]);
    }
}
