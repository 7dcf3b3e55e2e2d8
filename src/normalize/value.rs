//! The normalized value of a cell, and how it goes through serde.

use super::format_number;
use crate::schema;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A normalized cell value.
///
/// Through serde, a value is itself for people (JSON: `"党支部"`, `12`, `"2024-03-01"`) and
/// tagged with its kind in a compact encoding (the ledger's temporary files), which is the
/// only one it is read back from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub enum Value {
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    Date(#[serde(with = "day_number")] NaiveDate),
    Choice(#[serde(with = "crate::schema::key")] schema::Key),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return Value::serialize(self, s);
        }
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Number(n) => s.serialize_f64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
            Value::Choice(c) => s.serialize_str(c),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
}

/// A date as its day number from 1 January of year 1.
mod day_number {
    use chrono::{Datelike, NaiveDate};
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(date.num_days_from_ce())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        NaiveDate::from_num_days_from_ce_opt(i32::deserialize(d)?)
            .ok_or_else(|| de::Error::custom("日期超出范围"))
    }
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            Value::Choice(c) => Some(c),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
    pub fn as_choice(&self) -> Option<&'static str> {
        match self {
            Value::Choice(c) => Some(c),
            _ => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(t) => f.write_str(t),
            Value::Int(i) => write!(f, "{i}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::Bool(b) => f.write_str(if *b { "是" } else { "否" }),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Choice(c) => f.write_str(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_json_a_value_is_itself_and_in_postcard_it_comes_back() {
        let values = [
            (Value::Text("白马镇".into()), serde_json::json!("白马镇")),
            (Value::Int(-3), serde_json::json!(-3)),
            (Value::Number(2.5), serde_json::json!(2.5)),
            (Value::Bool(true), serde_json::json!(true)),
            (
                Value::Date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
                serde_json::json!("2024-03-01"),
            ),
            (Value::Choice("党总支"), serde_json::json!("党总支")),
        ];
        for (value, json) in values {
            assert_eq!(serde_json::to_value(&value).unwrap(), json);
            let bytes = postcard::to_stdvec(&value).unwrap();
            assert_eq!(postcard::from_bytes::<Value>(&bytes).unwrap(), value);
        }
    }
}
