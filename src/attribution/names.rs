//! The units known from their files only, each code and name stored once: a file's placement
//! holds a four-byte [`UnitId`] for its owner instead of two strings.

use std::collections::HashMap;

/// A unit of [`UnitNames`]. Two files of the same unit have the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(u32);

/// The (code, name) of every unit the roster does not know, each once.
#[derive(Debug, Clone, Default)]
pub struct UnitNames {
    units: Vec<(String, String)>,
    /// The ids by (code, name), while units are added.
    index: HashMap<(String, String), UnitId>,
}

impl UnitNames {
    /// The id of (`code`, `name`), added if it is new.
    pub fn intern(&mut self, code: &str, name: &str) -> UnitId {
        let key = (code.to_string(), name.to_string());
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let id = UnitId(u32::try_from(self.units.len()).expect("fewer than 4 billion units"));
        self.units.push(key.clone());
        self.index.insert(key, id);
        id
    }

    /// The code and name of `unit`.
    pub fn get(&self, unit: UnitId) -> (&str, &str) {
        let (code, name) = &self.units[unit.0 as usize];
        (code, name)
    }

    pub fn code(&self, unit: UnitId) -> &str {
        self.get(unit).0
    }

    pub fn name(&self, unit: UnitId) -> &str {
        self.get(unit).1
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// No unit is added any more: the index goes.
    pub fn seal(&mut self) {
        self.index = HashMap::new();
        self.units.shrink_to_fit();
    }
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
        names.seal();
        assert_eq!((names.len(), names.name(d)), (4, "白马镇"));
    }
}
