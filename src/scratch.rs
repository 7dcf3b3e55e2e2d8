//! Lists kept on disk for a while, to keep memory flat at national scale.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Pieces of bytes one after the other in a temporary file, read back one at a time (from
/// any thread). Where each piece ends is in the file too, after the pieces: in memory a list
/// costs a few words however long it is. For lists a national run keeps through pass 2 but
/// reads little of there (the candidates' paths, the names of units, the cross-unit findings).
pub struct Pieces {
    file: Mutex<File>,
    /// Where the pieces end and their ends (`u32`s) start.
    bytes: u64,
    count: usize,
}

impl Pieces {
    /// `bytes`, each piece ending where `ends` says, put on disk.
    pub fn new(bytes: &[u8], ends: Vec<u32>) -> io::Result<Pieces> {
        let mut file = BufWriter::with_capacity(1 << 14, tempfile::tempfile()?);
        file.write_all(bytes)?;
        Pieces::ended(file, bytes.len() as u64, &ends)
    }

    /// The pieces written to `file` (`bytes` of them), `ends` added after them.
    fn ended(mut file: BufWriter<File>, bytes: u64, ends: &[u32]) -> io::Result<Pieces> {
        for end in ends {
            file.write_all(&end.to_le_bytes())?;
        }
        let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(Pieces {
            file: Mutex::new(file),
            bytes,
            count: ends.len(),
        })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Piece `i`.
    ///
    /// # Panics
    /// When there is no piece `i`.
    pub fn get(&self, i: usize) -> io::Result<Vec<u8>> {
        assert!(i < self.count, "piece {i} of {}", self.count);
        let mut file = self.file.lock().expect("pieces lock");
        let (start, end) = if i == 0 {
            file.seek(SeekFrom::Start(self.bytes))?;
            (0, read_u32(&mut file)?)
        } else {
            file.seek(SeekFrom::Start(self.bytes + 4 * (i as u64 - 1)))?;
            (read_u32(&mut file)?, read_u32(&mut file)?)
        };
        let len = end.checked_sub(start).ok_or_else(damaged)?;
        let mut piece = vec![0; len as usize];
        file.seek(SeekFrom::Start(start.into()))?;
        file.read_exact(&mut piece)?;
        Ok(piece)
    }

    /// Every piece back in memory: the bytes and where each piece ends.
    pub fn load(self) -> io::Result<(Vec<u8>, Vec<u32>)> {
        let mut file = self.file.into_inner().expect("pieces lock");
        file.seek(SeekFrom::Start(0))?;
        let mut bytes = vec![0; usize::try_from(self.bytes).map_err(|_| damaged())?];
        file.read_exact(&mut bytes)?;
        let mut ends = vec![0; self.count * 4];
        file.read_exact(&mut ends)?;
        let ends = ends.chunks_exact(4);
        Ok((
            bytes,
            ends.map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect(),
        ))
    }
}

fn read_u32(file: &mut File) -> io::Result<u32> {
    let mut word = [0; 4];
    file.read_exact(&mut word)?;
    Ok(u32::from_le_bytes(word))
}

fn damaged() -> io::Error {
    io::Error::other("暂存的列表已损坏")
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

    pub fn finish(self) -> io::Result<Pieces> {
        Pieces::ended(self.file, self.len.into(), &self.ends)
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

    #[test]
    fn a_list_past_4_gib_is_an_error() {
        let mut writer = PiecesWriter::new().unwrap();
        writer.push(b"abc").unwrap();
        writer.len = u32::MAX - 1;
        assert!(writer.push(b"de").is_err());
        writer.len = 3;
        let pieces = writer.finish().unwrap();
        assert_eq!((pieces.len(), pieces.get(0).unwrap()), (1, b"abc".to_vec()));
    }
}
