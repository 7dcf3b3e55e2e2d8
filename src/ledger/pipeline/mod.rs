//! The one ledger pipeline: `ledger`, `status`, `watch` and the tests run it, each with its
//! own [`LedgerSink`].
//!
//! 1. **Read** (parallel): every file found is read once, normalized and validated. Its report
//!    waits on disk ([`Spill`]), its organizations' key fingerprints go to the [`SeatIndex`],
//!    and what attribution needs of it (owner, 填报日期, 调查阶段) stays in memory. A file of
//!    more than `held_rows` records (2,000) is put away in parts as it is read
//!    ([`crate::read::read_form_in_parts`]), so that no file is ever held whole.
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

mod plan;
mod read;

use super::model::Ledger;
use super::spill::Spill;
use super::unit_feedback::{self, FeedbackOutcome};
use super::{LedgerError, LedgerOptions};
use crate::attribution::shared::SeatIndex;
use crate::attribution::Placement;
use crate::check::FileReport;
use crate::discover::Discovery;
use crate::output::FeedbackNames;
use crate::status::Expectation;
use plan::Plan;
use read::read_all;
use std::path::Path;
use std::sync::Mutex;

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
    /// another ([`crate::read::read_form_in_parts`]): each a report of some of its rows, with the issues
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
