//! The units known from their files only, each code and name stored once.
//!
//! A national run has tens of thousands of them, one per file or more. Each is a [`UnitId`]
//! into one text buffer: a file's placement holds four bytes for its owner instead of two
//! small strings, and the names cost no allocation of their own.

use crate::scratch::Pieces;
use std::hash::{BuildHasher, RandomState};
use std::io;

/// A unit of [`UnitNames`]. Two files of the same unit have the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(u32);

/// The (code, name) of every unit the roster does not know, each once.
#[derive(Debug, Clone, Default)]
pub struct UnitNames {
    /// Every code and name, one after the other.
    text: String,
    /// Per unit: where its code ends and where its name ends in `text` (its code starts where
    /// the previous unit's name ends).
    ends: Vec<(u32, u32)>,
    /// The ids, found by the hash of their (code, name).
    index: hashbrown::HashTable<u32>,
    hasher: RandomState,
}

impl UnitNames {
    /// The id of (`code`, `name`), added if it is new.
    ///
    /// # Panics
    /// When the names reach 4 GiB of text (a sheet of a million rows holds far less).
    pub fn intern(&mut self, code: &str, name: &str) -> UnitId {
        debug_assert_eq!(self.index.len(), self.ends.len(), "a unit added after seal");
        let hash = self.hasher.hash_one((code, name));
        let Self {
            text, ends, index, ..
        } = self;
        let found = index.find(hash, |&id| get(text, ends, id) == (code, name));
        if let Some(&id) = found {
            return UnitId(id);
        }
        let id = u32::try_from(ends.len()).expect("fewer than 4 billion units");
        text.push_str(code);
        let code_end = text.len();
        text.push_str(name);
        let offset = |n: usize| u32::try_from(n).expect("unit names under 4 GiB");
        ends.push((offset(code_end), offset(text.len())));
        let hasher = &self.hasher;
        index.insert_unique(hash, id, |&id| hasher.hash_one(get(text, ends, id)));
        UnitId(id)
    }

    /// The code and name of `unit`.
    pub fn get(&self, unit: UnitId) -> (&str, &str) {
        get(&self.text, &self.ends, unit.0)
    }

    pub fn code(&self, unit: UnitId) -> &str {
        self.get(unit).0
    }

    pub fn name(&self, unit: UnitId) -> &str {
        self.get(unit).1
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Give back the room kept for more units, and the index: no unit is added any more.
    pub fn seal(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.index = hashbrown::HashTable::new();
    }

    /// Put every code and name on disk, leaving no unit here until [`UnitNames::back`].
    pub fn put_away(&mut self) -> io::Result<NamesAway> {
        let ends = self
            .ends
            .iter()
            .flat_map(|&(code, name)| [code, name])
            .collect();
        let pieces = Pieces::new(self.text.as_bytes(), ends)?;
        *self = UnitNames::default();
        Ok(NamesAway { pieces })
    }

    /// The names [`UnitNames::put_away`] put on disk, sealed.
    pub fn back(away: NamesAway) -> io::Result<UnitNames> {
        let (bytes, ends) = away.pieces.load()?;
        Ok(UnitNames {
            text: String::from_utf8(bytes).map_err(|_| damaged())?,
            ends: ends.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            ..UnitNames::default()
        })
    }
}

/// The codes and names of [`UnitNames`] on disk for a while (through pass 2 of a national
/// run, which reads one only to name a unit's feedback file), each read back by id.
pub struct NamesAway {
    /// Per unit, its code then its name.
    pieces: Pieces,
}

impl NamesAway {
    /// The code and name of `unit`.
    pub fn get(&self, unit: UnitId) -> io::Result<(String, String)> {
        let text = |i: usize| String::from_utf8(self.pieces.get(i)?).map_err(|_| damaged());
        let i = unit.0 as usize * 2;
        Ok((text(i)?, text(i + 1)?))
    }
}

fn damaged() -> io::Error {
    io::Error::other("暂存的单位名称已损坏")
}

fn get<'t>(text: &'t str, ends: &[(u32, u32)], id: u32) -> (&'t str, &'t str) {
    let start = match id.checked_sub(1) {
        Some(previous) => ends[previous as usize].1 as usize,
        None => 0,
    };
    let (code_end, name_end) = ends[id as usize];
    (
        &text[start..code_end as usize],
        &text[code_end as usize..name_end as usize],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_per_code_and_name() {
        let mut names = UnitNames::default();
        let a = names.intern("511101", "白马镇");
        let b = names.intern("511102", "青山镇");
        // The same text split differently is another unit.
        let c = names.intern("511101白马", "镇");
        let d = names.intern("", "白马镇");
        assert_eq!(names.intern("511101", "白马镇"), a);
        assert_eq!(names.intern("", "白马镇"), d);
        assert_eq!(names.len(), 4);
        assert_eq!(names.get(a), ("511101", "白马镇"));
        assert_eq!(names.get(b), ("511102", "青山镇"));
        assert_eq!(names.get(c), ("511101白马", "镇"));
        assert_eq!(names.get(d), ("", "白马镇"));
        assert_eq!(names.code(b), "511102");
        let away = names.put_away().unwrap();
        assert!(names.is_empty());
        assert_eq!(away.get(c).unwrap(), ("511101白马".into(), "镇".into()));
        assert_eq!(away.get(a).unwrap(), ("511101".into(), "白马镇".into()));
        let back = UnitNames::back(away).unwrap();
        assert_eq!((back.len(), back.get(b)), (4, ("511102", "青山镇")));
        assert_eq!(back.name(d), "白马镇");
    }

    #[test]
    fn sealed_names_still_read() {
        let mut names = UnitNames::default();
        let ids: Vec<UnitId> = (0..1000)
            .map(|i| names.intern(&i.to_string(), &format!("单位{i}")))
            .collect();
        names.seal();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                names.get(*id),
                (i.to_string().as_str(), format!("单位{i}").as_str())
            );
        }
    }
}
