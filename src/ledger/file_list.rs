//! 文件清单's lines: every file found in the inbox, in path order, and the counts the summary
//! and the reconciliation need.
//!
//! A county's lines are kept in memory. A streamed run writes each line to a temporary file
//! as its file goes past and keeps only where it lies (a national run has 50,000 lines of
//! about 300 bytes each in memory, 16 on disk); the lines are read back one at a time when
//! 文件清单 is written, last.

use super::file_entry::{FileEntry, FileStatus};
use super::spill::{Replay, Slot, Slots, Spill};
use std::io;

/// Every file's line, in path order.
pub struct FileList {
    lines: Lines,
    tally: Tally,
}

enum Lines {
    Memory(Vec<FileEntry>),
    Spilled { replay: Replay, slots: Vec<Slot> },
}

/// Files per status, and the rows of the files that count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub read: usize,
    pub failed: usize,
    pub ignored: usize,
    pub superseded: usize,
    /// Over the files that count (every file but the superseded ones).
    pub organizations: usize,
    pub coverage_rows: usize,
    /// Blank and 合计 rows skipped.
    pub skipped_rows: usize,
    /// Rows of sheets named like a table whose header is not found (E012), and data rows of
    /// hidden sheets that look like a table (E013).
    pub unread_rows: usize,
    /// The organizations of the superseded files (in no sheet).
    pub superseded_organizations: usize,
    /// Returns of another 调查阶段 than the one collected, and their organizations (in no
    /// sheet).
    pub other_stage: usize,
    pub other_stage_organizations: usize,
}

impl Tally {
    fn add(&mut self, entry: &FileEntry) {
        match entry.status {
            FileStatus::Read => self.read += 1,
            FileStatus::Failed => self.failed += 1,
            FileStatus::Ignored(_) => self.ignored += 1,
            FileStatus::Superseded(_) => {
                self.superseded += 1;
                self.superseded_organizations += entry.organizations;
                return;
            }
            FileStatus::OtherStage(_) => {
                self.other_stage += 1;
                self.other_stage_organizations += entry.organizations;
                return;
            }
        }
        self.organizations += entry.organizations;
        self.coverage_rows += entry.coverage_rows;
        self.skipped_rows += entry.blank_rows + entry.total_rows;
        self.unread_rows += entry.unread_rows;
    }

    pub fn files(&self) -> usize {
        self.read + self.failed + self.ignored + self.superseded + self.other_stage
    }
}

impl FileList {
    /// The lines kept in memory, put in path order.
    pub fn new(mut entries: Vec<FileEntry>) -> FileList {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let mut tally = Tally::default();
        entries.iter().for_each(|e| tally.add(e));
        FileList {
            lines: Lines::Memory(entries),
            tally,
        }
    }

    pub fn len(&self) -> usize {
        self.tally.files()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The lines in path order (a spilled line is read back when its turn comes).
    pub fn iter(&self) -> impl Iterator<Item = io::Result<FileEntry>> + '_ {
        let (memory, spilled) = match &self.lines {
            Lines::Memory(entries) => (Some(entries.iter().cloned().map(Ok)), None),
            Lines::Spilled { replay, slots } => {
                (None, Some(slots.iter().map(|&slot| replay.entry(slot))))
            }
        };
        memory
            .into_iter()
            .flatten()
            .chain(spilled.into_iter().flatten())
    }

    /// Every line at once (for a county's inbox: `watch`, tests).
    pub fn to_vec(&self) -> io::Result<Vec<FileEntry>> {
        self.iter().collect()
    }
}

/// The lines of a streamed run, written to disk as files go past, by position in the run's
/// list of attributed files.
pub struct SpilledLines {
    spill: Spill,
    slots: Slots,
    tally: Tally,
}

impl SpilledLines {
    /// Room for the lines of `files` attributed files.
    pub fn new(files: usize) -> io::Result<SpilledLines> {
        Ok(SpilledLines {
            spill: Spill::for_lines()?,
            slots: Slots::unset(files),
            tally: Tally::default(),
        })
    }

    /// The line of attributed file `i`.
    pub fn set(&mut self, i: usize, entry: &FileEntry) -> io::Result<()> {
        let slot = self.spill.put(entry)?;
        self.slots.set(i, slot);
        self.tally.add(entry);
        Ok(())
    }

    /// Every line set, with `others` (files that were not attributed), in path order:
    /// `order` has the attributed files in the order of their paths, and `path` gives an
    /// attributed file's path as its line shows it (to place the other lines among them).
    pub fn finish(
        mut self,
        mut others: Vec<FileEntry>,
        order: &[u32],
        path: impl Fn(usize) -> io::Result<String>,
    ) -> io::Result<FileList> {
        others.sort_by(|a, b| a.path.cmp(&b.path));
        // Each other line goes after the attributed files whose paths are not greater.
        let mut at = Vec::with_capacity(others.len());
        for entry in &others {
            let (mut low, mut high) = (0, order.len());
            while low < high {
                let middle = (low + high) / 2;
                if path(order[middle] as usize)? <= entry.path {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            at.push(low);
        }
        let mut slots = Vec::with_capacity(order.len() + others.len());
        let mut pending = others.iter().zip(at).peekable();
        for position in 0..=order.len() {
            while let Some((entry, _)) = pending.next_if(|&(_, at)| at == position) {
                slots.push(self.spill.put(entry)?);
                self.tally.add(entry);
            }
            if let Some(&i) = order.get(position) {
                let slot = self.slots.get(i as usize);
                slots.push(slot.ok_or_else(|| io::Error::other("文件清单缺少一个文件"))?);
            }
        }
        Ok(FileList {
            lines: Lines::Spilled {
                replay: self.spill.replay()?,
                slots,
            },
            tally: self.tally,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::file_entry::relative_text;
    use super::*;
    use std::path::Path;
    use std::path::PathBuf;

    fn line(path: &str, status: FileStatus, organizations: usize) -> FileEntry {
        FileEntry {
            path: path.to_string(),
            status,
            detail: format!("说明 {path}"),
            unit_code: "5101".to_string(),
            unit_name: "白马镇".to_string(),
            organizations,
            coverage_rows: 2,
            blank_rows: 1,
            total_rows: 1,
            unread_rows: 0,
            errors: 3,
            warnings: 4,
        }
    }

    #[test]
    fn spilled_lines_come_back_in_path_order_with_the_same_tally() {
        let inbox = Path::new("/收件");
        let owned: Vec<PathBuf> = ["b/2.xlsx", "a.xlsx", "c.xlsx"]
            .iter()
            .map(|p| inbox.join(p))
            .collect();
        let paths: Vec<&Path> = owned.iter().map(PathBuf::as_path).collect();
        let attributed = [
            line("b/2.xlsx", FileStatus::Read, 10),
            line("a.xlsx", FileStatus::Superseded("c.xlsx".into()), 7),
            line("c.xlsx", FileStatus::Failed, 0),
        ];
        let others = vec![line(
            "b/1.doc",
            FileStatus::Ignored("不是表格文件".to_string()),
            0,
        )];
        let mut spilled = SpilledLines::new(paths.len()).unwrap();
        for i in [2, 0, 1] {
            spilled.set(i, &attributed[i]).unwrap();
        }
        let order = [1, 0, 2]; // a.xlsx, b/2.xlsx, c.xlsx
        let path = |i: usize| Ok(relative_text(inbox, paths[i]).into_owned());
        let spilled = spilled.finish(others.clone(), &order, path).unwrap();
        let mut all = attributed.to_vec();
        all.extend(others);
        let memory = FileList::new(all);
        assert_eq!(spilled.to_vec().unwrap(), memory.to_vec().unwrap());
        let order: Vec<String> = spilled.iter().map(|e| e.unwrap().path).collect();
        assert_eq!(order, ["a.xlsx", "b/1.doc", "b/2.xlsx", "c.xlsx"]);
        assert_eq!(spilled.tally(), memory.tally());
        let tally = spilled.tally();
        assert_eq!((tally.read, tally.failed, tally.ignored), (1, 1, 1));
        assert_eq!((tally.superseded, tally.superseded_organizations), (1, 7));
        assert_eq!((tally.organizations, tally.skipped_rows), (10, 6));
        assert_eq!(spilled.len(), 4);
    }

    #[test]
    fn a_line_never_set_is_an_error_not_a_gap() {
        let inbox = Path::new("/收件");
        let (a, b) = (inbox.join("a.xlsx"), inbox.join("b.xlsx"));
        let paths = [a.as_path(), b.as_path()];
        let mut spilled = SpilledLines::new(2).unwrap();
        spilled
            .set(0, &line("a.xlsx", FileStatus::Read, 1))
            .unwrap();
        let path = |i: usize| Ok(relative_text(inbox, paths[i]).into_owned());
        assert!(spilled.finish(Vec::new(), &[0, 1], path).is_err());
    }
}
