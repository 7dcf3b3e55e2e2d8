//! Lists kept on disk for a while, to keep memory flat at national scale.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Pieces of bytes one after the other in a temporary file, read back one at a time (from
/// any thread): only where each ends stays in memory. For lists a national run keeps through
/// pass 2 but reads little of there (the candidates' paths, the names of units).
pub struct Pieces {
    file: Mutex<File>,
    /// Where each piece ends.
    ends: Vec<u32>,
}

impl Pieces {
    /// `bytes`, each piece ending where `ends` says, put on disk.
    pub fn new(bytes: &[u8], ends: Vec<u32>) -> io::Result<Pieces> {
        let mut file = tempfile::tempfile()?;
        file.write_all(bytes)?;
        Ok(Pieces {
            file: Mutex::new(file),
            ends,
        })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Piece `i`.
    pub fn get(&self, i: usize) -> io::Result<Vec<u8>> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let mut bytes = vec![0; (self.ends[i] - start) as usize];
        let mut file = self.file.lock().expect("pieces lock");
        file.seek(SeekFrom::Start(start.into()))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// Every piece back in memory: the bytes and where each piece ends.
    pub fn load(self) -> io::Result<(Vec<u8>, Vec<u32>)> {
        let mut file = self.file.into_inner().expect("pieces lock");
        let len = self.ends.last().map_or(0, |&end| end as usize);
        let mut bytes = vec![0; len];
        file.seek(SeekFrom::Start(0))?;
        file.read_exact(&mut bytes)?;
        Ok((bytes, self.ends))
    }
}

/// [`Pieces`] written one at a time, not all in memory first.
pub struct PiecesWriter {
    file: BufWriter<File>,
    ends: Vec<u32>,
    len: u32,
}

impl PiecesWriter {
    pub fn new() -> io::Result<PiecesWriter> {
        Ok(PiecesWriter {
            file: BufWriter::with_capacity(1 << 14, tempfile::tempfile()?),
            ends: Vec::new(),
            len: 0,
        })
    }

    /// Add the next piece.
    pub fn push(&mut self, piece: &[u8]) -> io::Result<()> {
        let len = u32::try_from(piece.len())
            .ok()
            .and_then(|n| self.len.checked_add(n))
            .ok_or_else(|| io::Error::other("暂存的列表超过 4 GiB"))?;
        self.file.write_all(piece)?;
        self.len = len;
        self.ends.push(len);
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<Pieces> {
        let file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        self.ends.shrink_to_fit();
        Ok(Pieces {
            file: Mutex::new(file),
            ends: self.ends,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_one_at_a_time_and_all_at_once() {
        let bytes = "白马镇abc青山镇".as_bytes();
        let ends = vec![9, 9, 12, bytes.len() as u32];
        let pieces = Pieces::new(bytes, ends.clone()).unwrap();
        assert_eq!(pieces.len(), 4);
        assert_eq!(pieces.get(3).unwrap(), "青山镇".as_bytes());
        assert_eq!(pieces.get(0).unwrap(), "白马镇".as_bytes());
        assert!(pieces.get(1).unwrap().is_empty());
        assert_eq!(pieces.get(2).unwrap(), b"abc");
        assert_eq!(pieces.load().unwrap(), (bytes.to_vec(), ends.clone()));
        let mut writer = PiecesWriter::new().unwrap();
        for (start, end) in [(0, 9), (9, 9), (9, 12), (12, bytes.len())] {
            writer.push(&bytes[start..end]).unwrap();
        }
        let written = writer.finish().unwrap();
        assert_eq!(written.get(2).unwrap(), b"abc");
        assert_eq!(written.load().unwrap(), (bytes.to_vec(), ends));
    }
}
