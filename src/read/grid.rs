//! A workbook opened behind the guard, and its sheets as bounded grids of cells.

use super::guard::{self, Format, Limits};
use super::ReadError;
use crate::cellref;
use calamine::{Cell, Data, Range, Reader, SheetType, SheetVisible, Sheets};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// One sheet's cells, addressed by absolute 0-based (row, column) as in the original file.
pub struct Grid {
    pub name: String,
    range: Range<Data>,
}

static EMPTY: Data = Data::Empty;

impl Grid {
    pub fn new(name: impl Into<String>, range: Range<Data>) -> Grid {
        Grid {
            name: name.into(),
            range,
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
        self.range.end().map_or(0, |(r, _)| r + 1)
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

    /// Read one sheet's cells, refusing any cell beyond the limits before allocating for it.
    pub fn load(&mut self, name: &str) -> Result<Grid, ReadError> {
        let sheet_error = |source: calamine::Error| ReadError::Sheet {
            sheet: name.to_string(),
            source,
        };
        let range = match &mut self.sheets {
            Sheets::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(name)
                    .map_err(|e| sheet_error(e.into()))?;
                bounded_cells(name, &self.limits, || reader.next_cell())?
            }
            Sheets::Xlsb(xlsb) => {
                let mut reader = xlsb
                    .worksheet_cells_reader(name)
                    .map_err(|e| sheet_error(e.into()))?;
                bounded_cells(name, &self.limits, || reader.next_cell())?
            }
            other => {
                let range = other.worksheet_range(name).map_err(sheet_error)?;
                if let Some((row, col)) = range.end() {
                    check_bounds(name, row, col, &self.limits)?;
                }
                range
            }
        };
        Ok(Grid::new(name, range))
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
        let Ok(grid) = self.load(&name) else {
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

/// Stream a sheet's cells, refusing one beyond the limits before anything is allocated for it.
fn bounded_cells<'a, E: Into<calamine::Error>>(
    sheet: &str,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<Cell<calamine::DataRef<'a>>>, E>,
) -> Result<Range<Data>, ReadError> {
    let mut cells = Vec::new();
    while let Some(cell) = next().map_err(|e| ReadError::Sheet {
        sheet: sheet.to_string(),
        source: e.into(),
    })? {
        let (row, col) = cell.get_position();
        check_bounds(sheet, row, col, limits)?;
        let value: Data = cell.get_value().clone().into();
        if value != Data::Empty {
            cells.push(Cell::new((row, col), value));
        }
    }
    check_area(sheet, &cells, limits)?;
    Ok(Range::from_sparse(cells))
}

/// `Range::from_sparse` allocates the bounding box of the cells: refuse one larger than the
/// limit (two cells far apart) before it is allocated.
fn check_area(sheet: &str, cells: &[Cell<Data>], limits: &Limits) -> Result<(), ReadError> {
    let positions = || cells.iter().map(Cell::get_position);
    let (Some(top), Some(bottom)) = (
        positions().map(|p| p.0).min(),
        positions().map(|p| p.0).max(),
    ) else {
        return Ok(());
    };
    let left = positions().map(|p| p.1).min().unwrap_or(0);
    let right = positions().map(|p| p.1).max().unwrap_or(0);
    let area = (bottom - top + 1) as u64 * (right - left + 1) as u64;
    if area > limits.max_cells {
        return Err(ReadError::TooLarge {
            sheet: sheet.to_string(),
            cell: cellref::a1(bottom, right),
        });
    }
    Ok(())
}

fn check_bounds(sheet: &str, row: u32, col: u32, limits: &Limits) -> Result<(), ReadError> {
    if row >= limits.max_rows || col >= limits.max_cols {
        return Err(ReadError::TooLarge {
            sheet: sheet.to_string(),
            cell: cellref::a1(row, col),
        });
    }
    Ok(())
}
