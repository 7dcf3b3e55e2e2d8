//! 文件清单's lines: every file found in the inbox, in path order, and the counts the summary
//! and the reconciliation need.
//! A national run's 50,000 lines take about 15 MB.

use super::file_entry::{FileEntry, FileStatus};

/// Every file's line, in path order.
pub struct FileList {
    lines: Vec<FileEntry>,
    tally: Tally,
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
            lines: entries,
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

    /// The lines in path order.
    pub fn lines(&self) -> &[FileEntry] {
        &self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn lines_come_in_path_order_and_the_tally_counts_each_status() {
        let list = FileList::new(vec![
            line("b/2.xlsx", FileStatus::Read, 10),
            line("a.xlsx", FileStatus::Superseded("c.xlsx".into()), 7),
            line("c.xlsx", FileStatus::Failed, 0),
            line("b/1.doc", FileStatus::Ignored("不是表格文件".into()), 0),
        ]);
        let order: Vec<&str> = list.lines().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(order, ["a.xlsx", "b/1.doc", "b/2.xlsx", "c.xlsx"]);
        let tally = list.tally();
        assert_eq!((tally.read, tally.failed, tally.ignored), (1, 1, 1));
        assert_eq!((tally.superseded, tally.superseded_organizations), (1, 7));
        // The superseded file's rows are in no sheet: not counted with the others.
        assert_eq!((tally.organizations, tally.skipped_rows), (10, 6));
        assert_eq!(list.len(), 4);
    }
}
