//! The schema's own strings (column keys, choices) through serde: as text for people (JSON),
//! as their index in one table in a compact encoding (the ledger's temporary files), so that
//! one read back is the `&'static str` the schema holds; a string outside the schema cannot be
//! encoded. Use it with `#[serde(with = "…")]` on a [`Key`](super::Key); [`option`] and
//! [`list`] for an `Option` and a `Vec` of them.

use super::{Kind, COVERAGE, ORGANIZATIONS, UNIT_INFO};
use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every column key and choice, numbered.
struct Table {
    all: Vec<&'static str>,
    index: HashMap<&'static str, u32>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut all = Vec::new();
        for sheet in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for column in sheet.columns {
                all.push(column.key);
                if let Kind::Choice(choices) = column.kind {
                    all.extend(choices.values);
                }
            }
        }
        let mut index = HashMap::new();
        for (i, s) in all.iter().enumerate() {
            index.entry(*s).or_insert(i as u32);
        }
        Table { all, index }
    })
}

/// One schema string.
struct Key(&'static str);

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return s.serialize_str(self.0);
        }
        match table().index.get(self.0) {
            Some(&i) => s.serialize_u32(i),
            None => Err(ser::Error::custom(format!(
                "“{}”不是调查表的列或选项",
                self.0
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        let table = table();
        let found = if d.is_human_readable() {
            let text = String::deserialize(d)?;
            table
                .index
                .get(text.as_str())
                .map(|&i| table.all[i as usize])
        } else {
            table.all.get(u32::deserialize(d)? as usize).copied()
        };
        found
            .map(Key)
            .ok_or_else(|| de::Error::custom("不是调查表的列或选项"))
    }
}

pub fn serialize<S: Serializer>(key: &&'static str, s: S) -> Result<S::Ok, S::Error> {
    Key(key).serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    Key::deserialize(d).map(|k| k.0)
}

/// For an `Option<&'static str>`.
pub mod option {
    use super::Key;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(key: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
        key.map(Key).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
        Option::<Key>::deserialize(d).map(|k| k.map(|k| k.0))
    }
}

/// For a `Vec<&'static str>`.
pub mod list {
    use super::Key;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(keys: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(keys.iter().map(|k| Key(k)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
        let keys = Vec::<Key>::deserialize(d)?;
        Ok(keys.into_iter().map(|k| k.0).collect())
    }
}
