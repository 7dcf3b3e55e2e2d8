//! Zip containers (xlsx, xlsb, ods): entry counts and sizes, the parts' XML prologs, the
//! shared-string count, sheet dimensions and .ods repeat claims.

use super::{check_extent, Format, Limits, Rejection, Unsupported};
use super::{HEAD_BYTES, MIB, RATIO_MIN_BYTES};
use quick_xml::events::{BytesStart, Event};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use zip::ZipArchive;

pub(super) fn inspect_zip(
    file: File,
    size: u64,
    ext: &str,
    limits: &Limits,
) -> Result<Format, Rejection> {
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(Rejection::BrokenZip)?;
    if zip.len() > limits.max_zip_entries {
        return Err(Rejection::TooManyEntries {
            count: zip.len(),
            limit: limits.max_zip_entries,
        });
    }
    let names = check_entry_sizes(&mut zip, size, limits)?;
    let format = zip_format(&mut zip, &names, ext)?;
    for (index, name) in names.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xml") || lower.ends_with(".rels") {
            check_xml_head(&mut zip, index, name, limits)?;
        }
    }
    if format == Format::Ods {
        if let Some(index) = names.iter().position(|n| n == "META-INF/manifest.xml") {
            check_ods_manifest(&mut zip, index)?;
        }
        if let Some(index) = names.iter().position(|n| n == "content.xml") {
            check_ods_content(&mut zip, index, limits)?;
        }
    }
    Ok(format)
}

/// Checks each entry's declared sizes, ratio and encryption; returns the entry names.
fn check_entry_sizes<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    file_size: u64,
    limits: &Limits,
) -> Result<Vec<String>, Rejection> {
    let (mut total, mut compressed_total) = (0u64, 0u64);
    let mut names = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(Rejection::BrokenZip)?;
        let name = entry.name().map_err(Rejection::BrokenZip)?.into_owned();
        let (size, compressed) = (entry.size(), entry.compressed_size());
        if entry.encrypted() {
            return Err(Rejection::EncryptedEntry(name));
        }
        let too_big = |part: Option<String>, size| Rejection::Uncompressed {
            part,
            size,
            limit: limits.max_uncompressed_bytes,
        };
        if size > limits.max_uncompressed_bytes {
            return Err(too_big(Some(name), size));
        }
        let ratio = size as f64 / compressed.max(1) as f64;
        if size > RATIO_MIN_BYTES && ratio > limits.max_compression_ratio {
            return Err(Rejection::CompressionRatio {
                part: name,
                ratio,
                limit: limits.max_compression_ratio,
            });
        }
        total = total.saturating_add(size);
        compressed_total = compressed_total.saturating_add(compressed);
        if total > limits.max_uncompressed_bytes {
            return Err(too_big(None, total));
        }
        names.push(name);
    }
    if compressed_total > file_size {
        return Err(Rejection::OverlappingEntries {
            compressed: compressed_total,
            file: file_size,
        });
    }
    Ok(names)
}

/// What kind of document the zip is, by its parts.
fn zip_format<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    names: &[String],
    ext: &str,
) -> Result<Format, Rejection> {
    let has = |pred: &dyn Fn(&str) -> bool| {
        names.iter().any(|n| {
            pred(
                &n.replace('\\', "/")
                    .trim_start_matches('/')
                    .to_ascii_lowercase(),
            )
        })
    };
    if let Some(index) = names.iter().position(|n| n == "mimetype") {
        let mut mime = Vec::new();
        let mut entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
        (&mut entry)
            .take(256)
            .read_to_end(&mut mime)
            .map_err(|source| broken_part("mimetype", source))?;
        if mime.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
            return Ok(Format::Ods);
        }
        if mime.starts_with(b"application/vnd.oasis.opendocument") {
            return Err(Rejection::Unsupported(Unsupported::OpenDocumentOther));
        }
    }
    // calamine finds the workbook part through `_rels/.rels`, wherever it lies; some writers
    // put it at the root or use backslashes.
    if has(&|n| n.ends_with("workbook.bin")) {
        Ok(Format::Xlsb)
    } else if has(&|n| n == "workbook.xml" || n.ends_with("/workbook.xml")) {
        Ok(Format::Xlsx)
    } else if has(&|n| n.starts_with("word/")) {
        Err(Rejection::Unsupported(Unsupported::WordDocument))
    } else if has(&|n| n.starts_with("ppt/")) {
        Err(Rejection::Unsupported(Unsupported::Presentation))
    } else if ext == "numbers" || has(&|n| n.ends_with(".iwa") || n.starts_with("index/")) {
        Err(Rejection::Unsupported(Unsupported::Numbers))
    } else if matches!(ext, "et" | "ett") {
        Err(Rejection::Unsupported(Unsupported::WpsSheet))
    } else {
        Err(Rejection::NoWorkbook)
    }
}

fn broken_part(part: &str, source: io::Error) -> Rejection {
    Rejection::BrokenPart {
        part: part.to_string(),
        source,
    }
}

/// Inflates the first [`HEAD_BYTES`] of an XML part and checks its prolog (no DOCTYPE),
/// and a shared-string table's `uniqueCount`.
///
/// A worksheet's `<dimension ref>` is deliberately not checked: calamine 0.38 reserves from
/// it only below 100 000 cells, and real files claim `A1:XFD1048576` or `A1:XFD23` after
/// formatting whole rows (calamine's issue_174, POI's 53105, 51585). The reader's streaming
/// bound judges the cells that are really there.
fn check_xml_head<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    name: &str,
    limits: &Limits,
) -> Result<(), Rejection> {
    let entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    let full = entry.size() <= HEAD_BYTES;
    // Stream the head: a DOCTYPE can only stand before the root element, so parsing stops at
    // the root and a sheet is not inflated twice (the reader inflates it again for its cells).
    let head = std::io::BufReader::with_capacity(4096, entry.take(HEAD_BYTES));
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => return Err(Rejection::XmlDeclarations { part: name.into() }),
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                if e.local_name().as_ref() == "sst" {
                    check_shared_strings(&e, name, limits)?;
                }
                return Ok(());
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // No root element within the head: a prolog that large is a declaration bomb.
    if !full {
        return Err(Rejection::XmlDeclarations { part: name.into() });
    }
    Ok(())
}

fn attr_u64(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    let attr = e.try_get_attribute(name).ok()??;
    let digits = attr.value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More digits than u64 holds is a huge claim, not an unreadable one.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn check_shared_strings(e: &BytesStart<'_>, part: &str, limits: &Limits) -> Result<(), Rejection> {
    // Only `uniqueCount` is trusted by calamine (it reserves that many strings); `count` is
    // the number of string cells and is wrong in some real files (POI's MalformedSSTCount).
    match attr_u64(e, "uniqueCount") {
        Some(count) if count > limits.max_shared_strings => Err(Rejection::SharedStrings {
            part: part.into(),
            count,
            limit: limits.max_shared_strings,
        }),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- ods content.xml

/// Where a table's non-empty cells lie, counting repeated rows and columns the way calamine's
/// `ods.rs` expands them (it materializes the bounding box, up to 100 M cells).
#[derive(Default)]
struct OdsTable {
    name: String,
    rows_seen: u64,
    first_row: Option<u64>,
    end_row: u64,
    max_col: u64,
    row_repeats: u64,
    col: u64,
    row_max_col: u64,
}

impl OdsTable {
    fn start_row(&mut self, e: &BytesStart<'_>) {
        self.row_repeats = attr_u64(e, "table:number-rows-repeated").unwrap_or(1);
        self.col = 0;
        self.row_max_col = 0;
    }
    fn cell(&mut self, e: &BytesStart<'_>, has_content: bool) {
        let repeats = attr_u64(e, "table:number-columns-repeated").unwrap_or(1);
        self.col = self.col.saturating_add(repeats);
        let valued = e
            .try_get_attribute("office:value-type")
            .ok()
            .flatten()
            .is_some()
            || e.try_get_attribute("table:formula")
                .ok()
                .flatten()
                .is_some();
        if valued || has_content {
            self.row_max_col = self.col;
        }
    }
    fn end_row(&mut self) {
        if self.row_max_col > 0 {
            self.first_row.get_or_insert(self.rows_seen);
            self.end_row = self.rows_seen.saturating_add(self.row_repeats);
            self.max_col = self.max_col.max(self.row_max_col);
        }
        self.rows_seen = self.rows_seen.saturating_add(self.row_repeats);
    }
    fn check(&self, limits: &Limits) -> Result<(), Rejection> {
        let rows = self.end_row - self.first_row.unwrap_or(self.end_row);
        check_extent(format!("“{}”", self.name), rows, self.max_col, limits)
    }
}

/// Streams `content.xml` and checks each table's extent after row and column repeats.
fn check_ods_content<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    limits: &Limits,
) -> Result<(), Rejection> {
    let entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let mut table = OdsTable::default();
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::Io(source)) => {
                return Err(broken_part("content.xml", io::Error::other(source)))
            }
            Err(_) => return Ok(()), // malformed XML: calamine reports it itself
        };
        match event {
            Event::DocType(_) => {
                return Err(Rejection::XmlDeclarations {
                    part: "content.xml".into(),
                })
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                let name = e.try_get_attribute("table:name").ok().flatten();
                let name = name.map(|a| a.value.into_owned());
                table = OdsTable {
                    name: name.unwrap_or_default(),
                    ..OdsTable::default()
                };
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => table.start_row(&e),
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                table.start_row(&e);
                table.end_row();
            }
            Event::Start(e) if is_ods_cell(&e) => table.cell(&e, true),
            Event::Empty(e) if is_ods_cell(&e) => table.cell(&e, false),
            Event::End(e) if e.name().as_ref() == "table:table-row" => table.end_row(),
            Event::End(e) if e.name().as_ref() == "table:table" => table.check(limits)?,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An ODF package with an open password lists `<manifest:encryption-data>` for its parts.
fn check_ods_manifest<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
) -> Result<(), Rejection> {
    let mut manifest = Vec::new();
    let mut entry = zip.by_index(index).map_err(Rejection::BrokenZip)?;
    (&mut entry)
        .take(MIB)
        .read_to_end(&mut manifest)
        .map_err(|source| broken_part("META-INF/manifest.xml", source))?;
    let needle = b"encryption-data";
    if manifest.windows(needle.len()).any(|w| w == needle) {
        return Err(Rejection::EncryptedPackage);
    }
    Ok(())
}

fn is_ods_cell(e: &BytesStart<'_>) -> bool {
    let name = e.name();
    name.as_ref() == "table:table-cell" || name.as_ref() == "table:covered-table-cell"
}
