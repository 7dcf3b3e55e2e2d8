//! A raw cell as a clerk might leave it.

use super::*;

/// A raw cell as a clerk might leave it: the builder writes exactly this, no normalizing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// A text cell, even when it looks like a number ("12", "１２人", "0831-1234567").
    Text(String),
    Number(f64),
    /// A TRUE/FALSE cell.
    Bool(bool),
    /// A real date cell (a serial number with a date format).
    Date(NaiveDate),
    /// A formula with the value Excel cached for it (what a reader sees without recalculating).
    Formula {
        formula: String,
        cached: f64,
    },
}

impl Cell {
    /// The cell as a reader gets it (calamine's value): a date as its ISO text, a formula as
    /// its cached value.
    pub fn to_data(&self) -> calamine::Data {
        use calamine::Data;
        match self {
            Cell::Empty => Data::Empty,
            Cell::Text(t) => Data::String(t.clone()),
            Cell::Number(n) | Cell::Formula { cached: n, .. } => Data::Float(*n),
            Cell::Bool(b) => Data::Bool(*b),
            Cell::Date(d) => Data::String(d.format("%Y-%m-%d").to_string()),
        }
    }

    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A date cell; panics on an impossible date (test data is written by hand).
    pub fn date(year: i32, month: u32, day: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date"))
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text, the way a clerk would read it (dates as 2026-04-10).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Formula { cached, .. } => format_number(*cached),
        }
    }

    pub(super) fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}
impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}
impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}
