//! Between the passes and pass 2: what attribution decides, then every file (or part of one)
//! prepared in parallel and handed to the sink in order.

use super::read::{Part, Scanned, Slots, UNSEATED};
use super::{release_free_memory, scratch, LedgerSink, Progress, TRIM_EVERY};
use crate::attribution::shared::{Findings, Owners, SeatIndex};
use crate::attribution::{self, Owner, Placements};
use crate::check::{classify_report, FileReport, Tally};
use crate::decisions::Applied;
use crate::discover::Discovery;
use crate::form::Form;
use crate::issue::Issue;
use crate::ledger::file_entry::{entry_of, other_entries, FileEntry};
use crate::ledger::file_list::FileList;
use crate::ledger::model::{Ledger, Parts};
use crate::ledger::spill::Replay;
use crate::ledger::unit_feedback::{FeedbackOutcome, FeedbackUnit};
use crate::ledger::units::Units;
use crate::ledger::{LedgerError, LedgerOptions};
use crate::output::FeedbackNames;
use crate::roster::Roster;
use crate::stage::CollectedStage;
use crate::status::{Expectation, FileSeen};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// What is decided between the passes (`'r`: the roster's).
pub(super) struct Plan<'r> {
    roster: Option<&'r Roster>,
    /// Of each attributed file.
    pub(super) paths: Vec<PathBuf>,
    placements: Placements,
    slots: Slots,
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
    /// The organizations the department's decisions were applied to.
    decided: Applied,
}

impl<'r> Plan<'r> {
    pub(super) fn new(
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
            decided: Applied::default(),
        })
    }

    /// Pass 2: every attributed file (a long one part by part) prepared on the rayon pool a
    /// chunk at a time, handed on in 汇总's unit order ([`Units::hand_over_order`]) on a thread
    /// of its own, which takes one chunk while the next is prepared.
    pub(super) fn hand_over<S: LedgerSink>(
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
        let parts = |&i: &usize| (0..self.slots.of(i).len()).map(move |p| (i, p));
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
            let weight = |&(i, _): &(usize, usize)| match self.slots.of(i).len() {
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
                let report = match self.slots.of(i).len() {
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
            last: p + 1 == self.slots.of(i).len(),
            report,
            feedback,
            arrived,
        })
    }

    /// Part `p` of file `i` read back and classified; when the file is not superseded, given
    /// the findings on its organizations and (the first part) the version choice's notes.
    fn part(&self, (i, p): (usize, usize), options: &LedgerOptions) -> std::io::Result<FileReport> {
        let Part { slot, first } = self.slots.of(i)[p];
        let mut report = self.replay.get(slot, &self.paths[i])?;
        classify_report(&mut report, &options.check);
        if let Some(decisions) = options.decisions.as_deref() {
            if self.placements[i].counts() {
                let (code, name) = self
                    .placements
                    .label(&self.placements[i].owner, self.roster);
                let unit = (i, (code.as_str(), name.as_str()));
                (self.decided).apply(decisions, &options.check.rules, unit, &mut report);
            }
        }
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
        for p in 1..self.slots.of(i).len() {
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
    pub(super) fn assemble<'a>(
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
        let decided = (options.decisions.as_deref()).map(|d| self.decided.outcome(d));
        let mut ledger =
            Ledger::assemble(rules, inbox, (expect, self.stage), parts, self.placements);
        ledger.decisions = decided;
        ledger
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
pub(super) struct Gathered {
    units: Units,
    /// Every attributed file's 文件清单 line.
    lines: Vec<(usize, FileEntry)>,
    /// With a roster, what 报送情况 needs of each attributed file (empty without).
    seen: Vec<(usize, FileSeen)>,
    pub(super) feedback: Vec<(usize, FeedbackOutcome)>,
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
