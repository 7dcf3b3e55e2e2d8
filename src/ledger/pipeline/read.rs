//! Pass 1: every file read once, in parallel; its report put away in the spill (in parts
//! when it is long), its seats in the index.

use super::{release_free_memory, scratch, Progress, RunOptions};
use crate::arrivals::Arrivals;
use crate::attribution::shared::{self, SeatIndex};
use crate::attribution::{self, Placed, Placements, Version};
use crate::check::{report_of, FileReport};
use crate::form::Form;
use crate::ledger::file_entry::{own_output_entry, FileEntry};
use crate::ledger::spill::{Slot, Spill};
use crate::ledger::{LedgerError, LedgerOptions};
use crate::read::read_form_in_parts;
use crate::roster::Roster;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What pass 1 keeps of every file but our own outputs (the attributed files), in order.
pub(super) struct Scanned {
    pub(super) paths: Vec<PathBuf>,
    pub(super) placements: Placements,
    pub(super) versions: Vec<Version>,
    /// Where each report waits for pass 2.
    pub(super) slots: Slots,
    /// The 文件清单 lines of our own outputs found in the inbox.
    pub(super) own: Vec<FileEntry>,
    /// Of every file found (the number its seats were added under): its number among the
    /// attributed files, or [`UNSEATED`] (our own outputs, and a file whose read failed after
    /// some of its parts were put away).
    pub(super) numbers: Vec<u32>,
}

/// A file whose seats in the [`SeatIndex`] are not to be used.
pub(super) const UNSEATED: u32 = u32::MAX;

/// One file as a reader leaves it.
enum Found {
    Own(FileEntry),
    /// Placed, its version, its parts, and whether its seats in the index are its own.
    Attributed(Placed, Version, Vec<Part>, bool),
}

/// Where one part of a file's report waits: a file of more than `held_rows` records is read
/// and put away in parts ([`read_form_in_parts`]), so it is never held whole.
#[derive(Debug, Clone, Copy)]
pub(super) struct Part {
    pub(super) slot: Slot,
    /// The index of its first organization in the file's list.
    pub(super) first: u32,
}

/// Where every attributed file's parts wait, in one list: what a reader thread allocated is
/// not kept (a small survivor among the pages of the grids it parsed would keep its page
/// resident: 2,000 files kept 14 MB more).
pub(super) struct Slots {
    parts: Vec<Part>,
    /// Where each file's parts start in `parts`, and where the last one's end.
    starts: Vec<u32>,
}

impl Slots {
    fn with_capacity(files: usize) -> Slots {
        let mut starts = Vec::with_capacity(files + 1);
        starts.push(0);
        Slots {
            parts: Vec::with_capacity(files),
            starts,
        }
    }

    fn push(&mut self, parts: &[Part]) {
        self.parts.extend_from_slice(parts);
        self.starts.push(self.parts.len() as u32);
    }

    /// The parts of attributed file `i`.
    pub(super) fn of(&self, i: usize) -> &[Part] {
        &self.parts[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
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
    /// When files arrived, if a record or the intake log says so (then its version's
    /// arrival is looked up: see [`crate::attribution::Version`]).
    arrivals: Option<&'a Arrivals>,
    max_file_bytes: u64,
}

impl Reading<'_> {
    fn put(&mut self, mut report: FileReport) -> std::io::Result<()> {
        if self.placed.is_none() {
            let placed = attribution::place(&mut report, self.roster);
            let version = Version::of(&report).arrived_at(self.arrival());
            self.placed = Some((placed, version));
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

    /// When the file's content arrived, if there is a record of arrivals and the file is
    /// within the size any file is read at (as pass 2 looks it up).
    fn arrival(&self) -> Option<chrono::NaiveDateTime> {
        let arrivals = self.arrivals?;
        if std::fs::metadata(self.path).ok()?.len() > self.max_file_bytes {
            return None;
        }
        arrivals.arrival(&crate::arrivals::hash_file(self.path).ok()?)
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
    (roster, arrivals): (Option<&Roster>, Option<&Arrivals>),
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
        arrivals,
        max_file_bytes: options.check.limits.max_file_bytes,
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
pub(super) fn read_all(
    candidates: &[PathBuf],
    inbox: &Path,
    options: &LedgerOptions,
    run: &RunOptions,
    store: (&Spill, &Mutex<SeatIndex>),
) -> Result<Scanned, LedgerError> {
    let known = (run.expect.roster.as_ref(), run.expect.arrivals.as_ref());
    let mut scanned = Scanned {
        paths: Vec::with_capacity(candidates.len()),
        placements: Placements::with_capacity(candidates.len()),
        versions: Vec::with_capacity(candidates.len()),
        slots: Slots::with_capacity(candidates.len()),
        own: Vec::new(),
        numbers: Vec::with_capacity(candidates.len()),
    };
    for (start, chunk) in (0..).step_by(READ_CHUNK).zip(candidates.chunks(READ_CHUNK)) {
        let found: Vec<std::io::Result<Found>> = (start..start + chunk.len())
            .into_par_iter()
            .zip(chunk)
            .map(|(candidate, path)| {
                let found = read_one((candidate, path), inbox, options, known, store);
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
                    scanned.slots.push(&parts);
                }
            }
        }
        release_free_memory();
    }
    Ok(scanned)
}
