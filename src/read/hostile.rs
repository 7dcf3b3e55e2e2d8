//! Builders of hostile and broken files, shared by the guard's unit tests and the integration
//! tests (`tests/it/hostile.rs`): zips with chosen parts, OLE compound files with chosen
//! streams, BIFF8 records. Not part of the API.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// A zip at `dir/name` holding `parts` (name, bytes), deflated, in this order.
pub fn write_zip(dir: &Path, name: &str, parts: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(File::create(&path).expect("create"));
    for (part, bytes) in parts {
        zip.start_file(*part, SimpleFileOptions::default())
            .expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish");
    path
}

/// The parts of a zip held in memory (an `.xlsx` written by rust_xlsxwriter), in their order.
pub fn zip_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("inflate");
            (entry.name().expect("name").to_string(), content)
        })
        .collect()
}

/// An OLE compound file at `dir/name` holding `streams` (name, bytes) at its root.
pub fn ole(dir: &Path, name: &str, streams: &[(&str, Vec<u8>)]) -> PathBuf {
    let path = dir.join(name);
    let mut file = cfb::create(&path).expect("create cfb");
    for (stream, bytes) in streams {
        let mut s = file.create_stream(format!("/{stream}")).expect("stream");
        s.write_all(bytes).expect("write");
    }
    file.flush().expect("flush");
    path
}

/// One BIFF record: type, length, data.
pub fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
    out
}

/// A BIFF8 stream: globals, then one sheet with `sheet_records`.
pub fn biff(global_records: &[Vec<u8>], sheet_records: &[Vec<u8>]) -> Vec<u8> {
    let bof = record(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
    let eof = record(0x000A, &[]);
    let mut out = bof.clone();
    global_records.iter().for_each(|r| out.extend(r));
    out.extend(&eof);
    out.extend(&bof);
    sheet_records.iter().for_each(|r| out.extend(r));
    out.extend(&eof);
    out
}

/// A NUMBER record at (row, col).
pub fn number(row: u16, col: u16) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(col.to_le_bytes());
    data.extend([0u8; 10]);
    record(0x0203, &data)
}

/// A DIMENSIONS record claiming `rows` × `cols` from A1.
pub fn dimensions(rows: u32, cols: u16) -> Vec<u8> {
    let mut data = 0u32.to_le_bytes().to_vec();
    data.extend(rows.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(cols.to_le_bytes());
    data.extend([0, 0]);
    record(0x0200, &data)
}

/// A FILEPASS record (the workbook has an open password).
pub fn filepass() -> Vec<u8> {
    record(0x002F, &[1, 0, 1, 0])
}
