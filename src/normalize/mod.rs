//! Raw cell to typed value, one function per value type (FORM.md, "Tolerance").
//!
//! A normalizer never fails loudly: it returns `Ok(None)` for an empty cell, `Ok(Some(value))`
//! for anything it can read, and a [`Problem`] saying what was expected otherwise. It does not
//! know about rows or files; the validator turns a problem into an [`crate::Issue`].
//!
//! [`normalize`] dispatches on the column's [`Kind`]; the readers live by concern: cell text
//! (trimming, width folding, display), numbers, dates, yes/no and choices, identifiers (codes,
//! phones, USCC), and the [`Value`] they produce.

mod choices;
mod date;
mod identifiers;
mod numbers;
mod text;
mod value;

pub use identifiers::{code, uscc_check_char, uscc_check_ok, USCC_CHARS};
pub use text::{
    clean, excerpt, fold, format_number, is_blank, raw_text, text, within_cell, CELL_LIMIT,
};
pub use value::Value;

use choices::{boolean, choice};
use date::date;
use identifiers::{mobile, phone, uscc};
use numbers::{decimal, int, percent};

use crate::issue::Code;
use crate::schema::Kind;
use calamine::Data;
use std::borrow::Cow;

/// Why a cell could not be normalized: the code and what a valid value looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: Code,
    pub expected: Cow<'static, str>,
}

fn problem(code: Code, expected: impl Into<Cow<'static, str>>) -> Problem {
    Problem {
        code,
        expected: expected.into(),
    }
}

/// Normalize one cell for a column of this kind.
pub fn normalize(kind: &Kind, cell: &Data) -> Result<Option<Value>, Problem> {
    // An ISO date or duration cell (.ods, some .xlsx) is read as the text it holds, so it is
    // trimmed and folded like any text (a date column parses it as a date).
    let iso_text;
    let cell = match cell {
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            iso_text = Data::String(s.clone());
            &iso_text
        }
        other => other,
    };
    if is_blank(cell) {
        return Ok(None);
    }
    if let Data::String(s) = cell {
        if s.encode_utf16().count() > CELL_LIMIT {
            return Err(problem(
                Code::WrongType,
                format!("内容超过 {CELL_LIMIT} 个字符（Excel 单元格的上限），应删减"),
            ));
        }
    }
    if let Data::Error(e) = cell {
        return Err(problem(
            Code::WrongType,
            format!("单元格为公式错误值 {e}，应填写实际数值"),
        ));
    }
    match kind {
        Kind::Text => Ok(Some(Value::Text(text(cell)))),
        Kind::Code => Ok(Some(Value::Text(code(cell)))),
        Kind::Int { units } => int(cell, units).map(|i| Some(Value::Int(i))),
        Kind::Decimal { units } => decimal(cell, units).map(|n| Some(Value::Number(n))),
        Kind::Percent => percent(cell).map(|n| Some(Value::Number(n))),
        Kind::Bool => boolean(cell).map(|b| Some(Value::Bool(b))),
        Kind::Date => date(cell).map(|d| Some(Value::Date(d))),
        Kind::Mobile => mobile(cell).map(|m| Some(Value::Text(m))),
        Kind::Phone => phone(cell).map(|p| Some(Value::Text(p))),
        Kind::Uscc => uscc(cell).map(|u| Some(Value::Text(u))),
        Kind::Choice(choices) => choice(cell, choices).map(|c| Some(Value::Choice(c))),
    }
}

/// A text cell, for the tests of every normalizer.
#[cfg(test)]
fn s(text: &str) -> Data {
    Data::String(text.to_string())
}
