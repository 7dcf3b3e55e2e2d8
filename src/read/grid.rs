//! A workbook opened behind the guard, and its sheets as bounded grids of cells, or row by row.
//!
//! A sheet's first rows (`Limits::held_rows`, 2 000) are read into a [`Grid`], where its
//! header and 单位信息 are looked for. A list that ends within them (every form a county sees) is then taken from
//! that grid; a longer one is read again row by row ([`Workbook::rows`]), never held whole.

use super::guard::{self, Format, Limits};
use super::ReadError;
use crate::cellref;
use calamine::{Cell, Data, Range, Reader, SheetType, SheetVisible, Sheets};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// The fewest rows of a sheet held in memory: where its header ([`super::locate`]: 15 rows)
/// and its 单位信息 ([`super::unit_info`]: 41 rows) are looked for.
pub const MIN_HELD_ROWS: u32 = 41;

/// One row of a sheet, as [`Workbook::rows`] hands it on.
pub struct Row {
    /// 0-based, as in the original file.
    pub index: u32,
    /// (absolute column, value) of its non-empty cells, by column.
    cells: Vec<(u32, Data)>,
}

impl Row {
    /// The cell in column `col`; empty when there is none.
    pub fn get(&self, col: u32) -> &Data {
        match self.cells.binary_search_by_key(&col, |(c, _)| *c) {
            Ok(i) => &self.cells[i].1,
            Err(_) => &EMPTY,
        }
    }

    /// Whether the row holds nothing but blanks (spaces count as blank).
    pub fn is_blank(&self) -> bool {
        self.cells
            .iter()
            .all(|(_, value)| crate::normalize::is_blank(value))
    }

    /// Hand this row to `on` and become the next, empty.
    fn hand_on(&mut self, on: &mut impl FnMut(&Row)) {
        self.cells.sort_by_key(|(c, _)| *c);
        on(self);
        self.cells.clear();
        self.index += 1;
    }
}

/// One sheet's cells, addressed by absolute 0-based (row, column) as in the original file: the
/// whole sheet, or its first rows ([`Workbook::head`]).
pub struct Grid {
    pub name: String,
    range: Range<Data>,
    /// The number of rows from the top of the sheet to the last used one (for .xls and .ods,
    /// the last their range spans).
    height: u32,
    /// Whether the grid holds the whole sheet.
    pub complete: bool,
}

static EMPTY: Data = Data::Empty;

impl Grid {
    /// The whole sheet whose cells are `range`.
    pub fn new(name: impl Into<String>, range: Range<Data>) -> Grid {
        Grid {
            name: name.into(),
            height: range.end().map_or(0, |(r, _)| r + 1),
            range,
            complete: true,
        }
    }

    /// The cell at an absolute position; empty outside the used area.
    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    /// First and last used rows (absolute), if any cell is used.
    pub fn rows(&self) -> Option<(u32, u32)> {
        Some((self.range.start()?.0, self.range.end()?.0))
    }

    /// First and last used columns (absolute).
    pub fn cols(&self) -> Option<(u32, u32)> {
        Some((self.range.start()?.1, self.range.end()?.1))
    }

    /// The number of rows from the top of the sheet to the last used one.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Hand its rows from `from` (0-based) down to the last to `on`, as [`Workbook::rows`]
    /// does, their cells moved out of the grid.
    pub fn take_rows(mut self, from: u32, mut on: impl FnMut(&Row)) {
        let (top, left) = self.range.start().unwrap_or_default();
        let mut row = Row {
            index: from,
            cells: Vec::new(),
        };
        while row.index < self.height {
            if let Some(r) = row
                .index
                .checked_sub(top)
                .filter(|&r| r < self.range.height() as u32)
            {
                let cells = self.range[r as usize].iter_mut().enumerate();
                row.cells.extend(
                    cells
                        .filter(|(_, value)| **value != Data::Empty)
                        .map(|(c, value)| (left + c as u32, std::mem::take(value))),
                );
            }
            row.hand_on(&mut on);
        }
    }
}

/// Metadata of one sheet of a workbook.
#[derive(Debug, Clone)]
pub struct SheetInfo {
    pub name: String,
    pub visible: bool,
    pub is_worksheet: bool,
}

/// An opened workbook whose sheets are read on demand, within the guard's limits.
pub struct Workbook {
    sheets: Sheets<BufReader<File>>,
    limits: Limits,
    pub infos: Vec<SheetInfo>,
}

impl Workbook {
    /// Inspect the file with the guard, then open it with the parser for its real format.
    pub fn open(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
        let format = guard::inspect(path, limits)?;
        let file = File::open(path).map_err(|e| ReadError::Open { source: e.into() })?;
        let reader = BufReader::new(file);
        let sheets = match format {
            Format::Xlsx => calamine::Xlsx::new(reader)
                .map(Sheets::Xlsx)
                .map_err(Into::into),
            Format::Xls => calamine::Xls::new(reader)
                .map(Sheets::Xls)
                .map_err(Into::into),
            Format::Ods => calamine::Ods::new(reader)
                .map(Sheets::Ods)
                .map_err(Into::into),
            Format::Xlsb => calamine::Xlsb::new(reader)
                .map(Sheets::Xlsb)
                .map_err(Into::into),
        }
        .map_err(|source: calamine::Error| ReadError::Open { source })?;
        let infos = sheets
            .sheets_metadata()
            .iter()
            .map(|s| SheetInfo {
                name: s.name.clone(),
                visible: s.visible == SheetVisible::Visible,
                is_worksheet: s.typ == SheetType::WorkSheet,
            })
            .collect();
        Ok(Workbook {
            sheets,
            limits: limits.clone(),
            infos,
        })
    }

    /// One whole sheet's cells, each refused beyond the limits before anything is allocated
    /// for it. For a sheet of any size (a ledger read back, a roster); a returned form's lists
    /// are read a row at a time ([`Workbook::rows`]).
    pub fn load(&mut self, name: &str) -> Result<Grid, ReadError> {
        self.grid(name, u32::MAX)
    }

    /// The first rows of a sheet (`Limits::held_rows`, at least [`MIN_HELD_ROWS`]): where its
    /// header and 单位信息 are looked for, and, for most forms, the whole sheet.
    pub fn head(&mut self, name: &str) -> Result<Grid, ReadError> {
        self.grid(name, self.limits.held_rows.max(MIN_HELD_ROWS))
    }

    fn grid(&mut self, name: &str, rows: u32) -> Result<Grid, ReadError> {
        let mut cells = Vec::new();
        let mut complete = true;
        let end = self.cells(name, |row, col, value| {
            complete = row < rows;
            if complete {
                cells.push(Cell::new((row, col), value));
            }
            complete
        })?;
        let mut grid = Grid::new(name, Range::from_sparse(cells));
        if let Some(end) = end {
            complete = end < rows;
            grid.height = grid.height.max((end + 1).min(rows));
        }
        grid.complete = complete;
        Ok(grid)
    }

    /// Hand every row of a sheet from `from` (0-based) down to its last used one to `on`, in
    /// order, a row without cells as an empty row: a list's rows, never the whole sheet in
    /// memory. A sheet whose rows are stored out of order (no office suite writes one) is
    /// refused.
    pub fn rows(
        &mut self,
        name: &str,
        from: u32,
        mut on: impl FnMut(&Row),
    ) -> Result<(), ReadError> {
        let mut row = Row {
            index: from,
            cells: Vec::new(),
        };
        let mut disordered = None;
        let end = self.cells(name, |r, col, value| {
            if r < row.index {
                if r >= from {
                    disordered = Some((r, col));
                    return false;
                }
                return true;
            }
            while row.index < r {
                row.hand_on(&mut on);
            }
            row.cells.push((col, value));
            true
        })?;
        if let Some((r, col)) = disordered {
            return Err(ReadError::Disordered {
                sheet: name.to_string(),
                cell: cellref::a1(r, col),
            });
        }
        if !row.cells.is_empty() {
            row.hand_on(&mut on);
        }
        // .xls and .ods sheets span what their range says, blank rows at the end included.
        while end.is_some_and(|end| row.index <= end) {
            row.hand_on(&mut on);
        }
        Ok(())
    }

    /// Hand every non-empty cell of a sheet to `on` (row, column, value), in the order the
    /// file stores them (row by row), each refused beyond the limits first, until `on` says
    /// stop. .xlsx and .xlsb sheets are streamed; the parsers of .xls and .ods read the whole
    /// sheet, whose last row they give back.
    fn cells(
        &mut self,
        name: &str,
        mut on: impl FnMut(u32, u32, Data) -> bool,
    ) -> Result<Option<u32>, ReadError> {
        let sheet_error = |source: calamine::Error| ReadError::Sheet {
            sheet: name.to_string(),
            source,
        };
        let limits = &self.limits;
        match &mut self.sheets {
            Sheets::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(name)
                    .map_err(|e| sheet_error(e.into()))?;
                stream(name, limits, || reader.next_cell(), on)?;
                Ok(None)
            }
            Sheets::Xlsb(xlsb) => {
                let mut reader = xlsb
                    .worksheet_cells_reader(name)
                    .map_err(|e| sheet_error(e.into()))?;
                stream(name, limits, || reader.next_cell(), on)?;
                Ok(None)
            }
            other => {
                let range = other.worksheet_range(name).map_err(sheet_error)?;
                let (Some((top, left)), Some((bottom, right))) = (range.start(), range.end())
                else {
                    return Ok(None);
                };
                check_bounds(name, bottom, right, limits)?;
                if Area(top, bottom, left, right).cells() > limits.max_cells {
                    return Err(too_large(name, bottom, right));
                }
                for (row, col, value) in range.used_cells() {
                    if !on(top + row as u32, left + col as u32, value.clone()) {
                        break;
                    }
                }
                Ok(Some(bottom))
            }
        }
    }

    /// The key/value pairs of the hidden `_meta` sheet (key in column A, value in column B):
    /// the template version of an issued form, or the kind of one of taizhang's own outputs.
    pub fn meta(&mut self) -> Vec<(String, String)> {
        let Some(info) = self
            .infos
            .iter()
            .find(|s| s.name == crate::schema::SHEET_META)
        else {
            return Vec::new();
        };
        let name = info.name.clone();
        let Ok(grid) = self.head(&name) else {
            return Vec::new();
        };
        let Some((first, last)) = grid.rows() else {
            return Vec::new();
        };
        let text = |r, c| crate::normalize::text(grid.get(r, c));
        (first..=last).map(|r| (text(r, 0), text(r, 1))).collect()
    }

    /// One value of the hidden `_meta` sheet.
    pub fn meta_value(&mut self, key: &str) -> Option<String> {
        self.meta()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Hand the cells `next` reads on to `on` until it says stop, each refused before anything is
/// allocated for it when it lies beyond the limits or stretches the sheet's used area (the box
/// around its cells) beyond them; empty cells are left out.
fn stream<'a, E: Into<calamine::Error>>(
    sheet: &str,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<Cell<calamine::DataRef<'a>>>, E>,
    mut on: impl FnMut(u32, u32, Data) -> bool,
) -> Result<(), ReadError> {
    let mut used: Option<Area> = None;
    while let Some(cell) = next().map_err(|e| ReadError::Sheet {
        sheet: sheet.to_string(),
        source: e.into(),
    })? {
        let (row, col) = cell.get_position();
        check_bounds(sheet, row, col, limits)?;
        let value: Data = cell.get_value().clone().into();
        if value == Data::Empty {
            continue;
        }
        let area = used.map_or(Area::at(row, col), |a| a.with(row, col));
        if area.cells() > limits.max_cells {
            return Err(too_large(sheet, row, col));
        }
        used = Some(area);
        if !on(row, col, value) {
            break;
        }
    }
    Ok(())
}

/// The box around a sheet's cells: top, bottom, left, right.
#[derive(Clone, Copy)]
struct Area(u32, u32, u32, u32);

impl Area {
    fn at(row: u32, col: u32) -> Area {
        Area(row, row, col, col)
    }
    fn with(self, row: u32, col: u32) -> Area {
        Area(
            self.0.min(row),
            self.1.max(row),
            self.2.min(col),
            self.3.max(col),
        )
    }
    fn cells(self) -> u64 {
        u64::from(self.1 - self.0 + 1) * u64::from(self.3 - self.2 + 1)
    }
}

fn too_large(sheet: &str, row: u32, col: u32) -> ReadError {
    ReadError::TooLarge {
        sheet: sheet.to_string(),
        cell: cellref::a1(row, col),
    }
}

fn check_bounds(sheet: &str, row: u32, col: u32, limits: &Limits) -> Result<(), ReadError> {
    if row >= limits.max_rows || col >= limits.max_cols {
        return Err(too_large(sheet, row, col));
    }
    Ok(())
}
