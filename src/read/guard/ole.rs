//! OLE compound files (.xls, encrypted .xlsx): encryption, the BIFF workbook stream's records,
//! DIMENSIONS and cell boxes per BOUNDSHEET offset.

use super::{check_extent, Format, Limits, NotSheet, Rejection, Unsupported};
use std::fs::File;
use std::io::{BufReader, Read};

pub(super) fn inspect_ole(file: File, ext: &str, limits: &Limits) -> Result<Format, Rejection> {
    let mut ole = cfb::CompoundFile::open(BufReader::new(file)).map_err(Rejection::BrokenOle)?;
    let names: Vec<String> = ole
        .read_root_storage()
        .map(|entry| entry.name().to_string())
        .collect();
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("EncryptionInfo") || has("EncryptedPackage") {
        return Err(Rejection::EncryptedPackage);
    }
    let workbook = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("Workbook"))
        .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case("Book")));
    if let Some(stream_name) = workbook {
        let mut stream = ole
            .open_stream(format!("/{stream_name}"))
            .map_err(Rejection::BrokenOle)?;
        let mut biff = Vec::new();
        (&mut stream)
            .take(limits.max_file_bytes)
            .read_to_end(&mut biff)
            .map_err(Rejection::BrokenOle)?;
        scan_biff(&biff, limits)?;
        return Ok(Format::Xls);
    }
    Err(if has("WordDocument") {
        Rejection::Unsupported(Unsupported::WordDocument)
    } else if has("PowerPoint Document") {
        Rejection::Unsupported(Unsupported::Presentation)
    } else if matches!(ext, "et" | "ett") {
        Rejection::Unsupported(Unsupported::WpsSheet)
    } else {
        Rejection::NotSpreadsheet(NotSheet::OtherOle)
    })
}

/// Bounding box of the cells of one BIFF substream, as calamine's `Range::from_sparse` sees it.
#[derive(Default)]
struct BiffBox {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl BiffBox {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (row, c0, c1) = (u32::from(row), u32::from(first_col), u32::from(last_col));
        self.rows = Some(
            self.rows
                .map_or((row, row), |(a, b)| (a.min(row), b.max(row))),
        );
        self.cols = Some(self.cols.map_or((c0, c1), |(a, b)| (a.min(c0), b.max(c1))));
    }
    fn check(&self, sheet: usize, limits: &Limits) -> Result<(), Rejection> {
        let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) else {
            return Ok(());
        };
        let (rows, cols) = (u64::from(r1 - r0) + 1, u64::from(c1.saturating_sub(c0)) + 1);
        check_extent(format!("（第 {sheet} 个）"), rows, cols, limits)
    }
}

/// Walks the BIFF records of an `.xls` workbook stream: FILEPASS means encrypted; each sheet's
/// DIMENSIONS claim (calamine reserves rows × cols cells from it) and the bounding box of its
/// cell records (calamine allocates it) must stay within the limits.
fn scan_biff(stream: &[u8], limits: &Limits) -> Result<(), Rejection> {
    let (mut pos, mut depth, mut sheet) = (0usize, 0usize, 0usize);
    let mut cells = BiffBox::default();
    while let Some(header) = stream.get(pos..pos + 4) {
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let Some(data) = stream.get(pos + 4..pos + 4 + len) else {
            break; // truncated: calamine reports it
        };
        pos += 4 + len;
        let u16_at = |at: usize| {
            data.get(at..at + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
        };
        match typ {
            0x0809 | 0x0409 | 0x0209 | 0x0009 => {
                if depth == 0 {
                    cells.check(sheet.saturating_sub(1), limits)?;
                    cells = BiffBox::default();
                    sheet += 1;
                }
                depth += 1;
            }
            0x000A => depth = depth.saturating_sub(1),
            0x002F => return Err(Rejection::EncryptedXls),
            0x0200 => check_biff_dimensions(data, sheet.saturating_sub(1), limits)?,
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if depth == 1 => {
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    cells.add(row, col, col);
                }
            }
            0x00BD if depth == 1 && len >= 6 => {
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(0), u16_at(2), u16_at(len - 2))
                {
                    cells.add(row, first, last.max(first));
                }
            }
            _ => {}
        }
    }
    cells.check(sheet.saturating_sub(1), limits)?;
    scan_boundsheets(stream, limits)
}

/// calamine reads each sheet from the offset its BOUNDSHEET record gives, not in stream order,
/// so a crafted offset shows it records the walk above never saw (found by fuzzing:
/// `tests/data/fuzz/`). Walk each sheet as calamine does: from its offset to the first EOF
/// outside nested substreams.
fn scan_boundsheets(stream: &[u8], limits: &Limits) -> Result<(), Rejection> {
    let mut offsets = Vec::new();
    for (typ, data) in biff_records(stream) {
        match typ {
            0x0085 if data.len() >= 4 => {
                offsets.push(u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize);
            }
            0x000A => break,
            _ => {}
        }
    }
    for (index, offset) in offsets.into_iter().enumerate() {
        let Some(sheet) = stream.get(offset..) else {
            continue; // calamine fails on it (the reader turns its panic into an issue)
        };
        let (mut cells, mut seen_bof, mut depth) = (BiffBox::default(), false, 0usize);
        for (typ, data) in biff_records(sheet) {
            let u16_at = |at: usize| {
                data.get(at..at + 2)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]))
            };
            if depth > 0 {
                depth = match typ {
                    0x0809 => depth + 1,
                    0x000A => depth - 1,
                    _ => depth,
                };
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => check_biff_dimensions(data, index + 1, limits)?,
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                        cells.add(row, col, col);
                    }
                }
                0x00BD if data.len() >= 6 => {
                    if let (Some(row), Some(first), Some(last)) =
                        (u16_at(0), u16_at(2), u16_at(data.len() - 2))
                    {
                        cells.add(row, first, last.max(first));
                    }
                }
                _ => {}
            }
        }
        cells.check(index + 1, limits)?;
    }
    Ok(())
}

/// The (type, data) of each BIFF record of `stream`, up to a truncated one.
fn biff_records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let header = stream.get(pos..pos + 4)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, data))
    })
}

/// Mirrors calamine's `parse_dimensions`, which then reserves rows × cols cells.
fn check_biff_dimensions(data: &[u8], sheet: usize, limits: &Limits) -> Result<(), Rejection> {
    let u16_at = |at: usize| u32::from(u16::from_le_bytes([data[at], data[at + 1]]));
    let u32_at =
        |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Ok(()), // calamine refuses other lengths itself
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Ok(()); // calamine treats it as a single cell
    }
    if first_row > last_row - 1 {
        return Err(Rejection::BadDimensions { sheet });
    }
    let rows = u64::from(last_row - first_row);
    let cols = u64::from(last_col - first_col);
    check_extent(format!("（第 {sheet} 个）"), rows, cols, limits)
}
