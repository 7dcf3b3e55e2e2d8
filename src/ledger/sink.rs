//! The three [`LedgerSink`]s: the ledger workbook ([`Workbook`]), the reports kept in memory
//! ([`Collector`], for a county's inbox: tests), and nothing ([`Discard`], for 报送情况 alone).

use super::model::Ledger;
use super::pipeline::{LedgerSink, Stage};
use super::writer::{unless_panicked, LedgerWriter};
use super::{LedgerError, LedgerOptions};
use crate::attribution::Placement;
use crate::check::FileReport;
use crate::output::{Inputs, Kind};
use std::path::{Path, PathBuf};

/// The ledger workbook at `output`: rows appended report by report, the summary sheets at the
/// end, saved atomically.
pub struct Workbook {
    writer: LedgerWriter,
    output: PathBuf,
    force: bool,
}

impl Workbook {
    /// A ledger of `inbox` to be saved at `output`; fails, before any work, when `output` may
    /// not be written ([`crate::output::prepare`]).
    pub fn new(inbox: &Path, output: &Path, options: &LedgerOptions) -> Result<Self, LedgerError> {
        let inputs: Inputs = options.inputs.clone().folder(inbox, "收件文件夹中的文件");
        crate::output::prepare(output, Kind::Ledger, options.force, &inputs)?;
        Ok(Workbook {
            writer: LedgerWriter::new(&options.check, inbox, options.sheet_rows)?,
            output: output.to_path_buf(),
            force: options.force,
        })
    }
}

impl LedgerSink for Workbook {
    type Done = ();

    fn add(&mut self, report: FileReport, placement: &Placement) -> Result<(), LedgerError> {
        unless_panicked(|| self.writer.add(report, placement.counts()))
    }

    fn finish(self, ledger: &Ledger) -> Result<(), LedgerError> {
        let Workbook {
            writer,
            output,
            force,
        } = self;
        unless_panicked(|| writer.finish(ledger, &output, force))
    }
}

/// Every report handed over, in memory, with its placement (a county's inbox: tests); the
/// parts of a long file put back together.
#[derive(Default)]
pub struct Collector {
    pub files: Vec<(FileReport, Placement)>,
}

impl LedgerSink for Collector {
    type Done = Vec<(FileReport, Placement)>;

    fn add(&mut self, report: FileReport, placement: &Placement) -> Result<(), LedgerError> {
        match self.files.last_mut() {
            // The next part of the same file.
            Some((last, _)) if last.path == report.path => last.absorb(report),
            _ => self.files.push((report, placement.clone())),
        }
        Ok(())
    }

    fn finish(self, _: &Ledger) -> Result<Self::Done, LedgerError> {
        Ok(self.files)
    }
}

/// Nothing kept: the figures alone (`status`).
pub struct Discard;

impl LedgerSink for Discard {
    type Done = ();
    const PASS: Stage = Stage::Rating;

    fn add(&mut self, _: FileReport, _: &Placement) -> Result<(), LedgerError> {
        Ok(())
    }

    fn finish(self, _: &Ledger) -> Result<(), LedgerError> {
        Ok(())
    }
}
