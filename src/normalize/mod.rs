//! Raw cell to typed value, one function per value type (FORM.md, "Tolerance").
//!
//! A normalizer never fails loudly: it returns `Ok(None)` for an empty cell, `Ok(Some(value))`
//! for anything it can read, and a [`Problem`] saying what was expected otherwise. It does not
//! know about rows or files; the validator turns a problem into an [`crate::Issue`].

use crate::dates;
use crate::issue::Code;
use crate::schema::{self, Choices, Kind};
use calamine::Data;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

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

/// A number as a clerk would write it: whole numbers without ".0", never in exponent notation.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        // Rust's Display for f64 is the shortest round-trip form and never uses exponents.
        format!("{n}")
    }
}

/// The cell as the clerk sees it, for messages and feedback.
pub fn raw_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match dates::from_excel(dt) {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => format_number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    }
}

/// Whether a cell holds nothing a clerk typed (empty, or only spaces).
pub fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => clean(s).is_empty(),
        _ => false,
    }
}

/// Trim ASCII, full-width (U+3000), non-breaking and zero-width spaces.
pub fn clean(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
}

/// Trim and width-fold (NFKC): "１２３" -> "123", "ＡＢ" -> "AB", "＝" -> "=".
pub fn fold(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    // Most cells are already in NFKC ("党支部", "王强"): the quick check proves it without
    // allocating, and folding such text would give it back unchanged.
    let folded_already = || unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes;
    if text.is_ascii() || folded_already() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(clean(&text.nfkc().collect::<String>()).to_string())
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

/// Free text: trimmed; numbers as a clerk would write them.
pub fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => clean(s).to_string(),
        other => raw_text(other),
    }
}

/// An identifier: width-folded, inner spaces kept out, numbers as whole digits.
pub fn code(cell: &Data) -> String {
    match cell {
        Data::String(s) => {
            let folded = fold(s);
            if !folded.chars().any(char::is_whitespace) {
                return folded.into_owned(); // the usual case: one allocation
            }
            let squeezed: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
            // Dropping a space can bring a combining mark to its letter ("e \u{301}"): fold
            // once more, so that the code reads back the same from its own text.
            fold(&squeezed).into_owned()
        }
        other => raw_text(other),
    }
}

fn int(cell: &Data, units: &[&str]) -> Result<i64, Problem> {
    let expected = || problem(Code::WrongType, "应填写不小于 0 的整数，如 12".to_string());
    let n = match cell {
        Data::Int(i) => *i as f64,
        Data::Float(f) => *f,
        Data::Bool(_) | Data::DateTime(_) => return Err(expected()),
        Data::String(s) => parse_number(s, units, true).ok_or_else(expected)?,
        _ => return Err(expected()),
    };
    if n.fract() != 0.0 || !n.is_finite() || n.abs() > 1e15 {
        return Err(expected());
    }
    if n < 0.0 {
        return Err(problem(
            Code::OutOfRange,
            "不能为负数，应填写不小于 0 的整数",
        ));
    }
    Ok(n as i64)
}

fn decimal(cell: &Data, units: &[&str]) -> Result<f64, Problem> {
    let unit_hint = units
        .first()
        .map(|u| format!("（单位：{u}）"))
        .unwrap_or_default();
    let expected = || {
        problem(
            Code::WrongType,
            format!("应填写不小于 0 的数{unit_hint}，如 3.5"),
        )
    };
    let n = match cell {
        Data::Int(i) => *i as f64,
        Data::Float(f) => *f,
        Data::String(s) => parse_number(s, units, false).ok_or_else(expected)?,
        _ => return Err(expected()),
    };
    if !n.is_finite() {
        return Err(expected());
    }
    if n < 0.0 {
        return Err(problem(Code::OutOfRange, format!("不能为负数{unit_hint}")));
    }
    Ok(n)
}

fn percent(cell: &Data) -> Result<f64, Problem> {
    let expected = || {
        problem(
            Code::WrongType,
            "应填写 0 到 100 之间的百分数，如 95 或 95%",
        )
    };
    let (n, had_sign) = match cell {
        Data::Int(i) => (*i as f64, false),
        Data::Float(f) => (*f, false),
        Data::String(s) => {
            let folded = fold(s);
            let trimmed = folded.trim_end_matches('%').trim();
            let had_sign = trimmed.len() != folded.len();
            (
                parse_number(trimmed, &[], false).ok_or_else(expected)?,
                had_sign,
            )
        }
        _ => return Err(expected()),
    };
    let n = if !had_sign && n > 0.0 && n <= 1.0 {
        n * 100.0
    } else {
        n
    };
    if !n.is_finite() {
        return Err(expected());
    }
    if !(0.0..=100.0).contains(&n) {
        return Err(problem(Code::OutOfRange, "应在 0 到 100 之间"));
    }
    Ok((n * 1e6).round() / 1e6)
}

/// Parse "12", "１２", "12人", "12 次", "1,200", "3.5万元" (after width folding). `whole`
/// demands an integer form (a trailing ".0" is still accepted).
fn parse_number(text: &str, units: &[&str], whole: bool) -> Option<f64> {
    let folded = fold(text);
    let mut s: &str = &folded;
    for unit in units {
        if let Some(rest) = s.strip_suffix(unit) {
            s = rest.trim_end();
            break;
        }
    }
    let s = s.trim();
    // Long enough for the display of any finite f64 (1e-310 is 0.000… with 310 zeros), so a
    // value read from a number cell reads back from its text.
    if s.is_empty() || s.len() > 400 {
        return None;
    }
    let digits: String = if s.contains(',') {
        let (int_part, frac) = s.split_once('.').unwrap_or((s, ""));
        let groups: Vec<&str> = int_part.trim_start_matches(['-', '+']).split(',').collect();
        let well_grouped = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if !well_grouped {
            return None;
        }
        let sign = if int_part.starts_with('-') { "-" } else { "" };
        let mut out = format!("{sign}{}", groups.concat());
        if !frac.is_empty() || s.contains('.') {
            out.push('.');
            out.push_str(frac);
        }
        out
    } else {
        s.to_string()
    };
    let valid = digits
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
    if !valid || digits.bytes().filter(|b| *b == b'.').count() > 1 {
        return None;
    }
    if whole {
        if let Some((_, frac)) = digits.split_once('.') {
            if !frac.bytes().all(|b| b == b'0') {
                return None;
            }
        }
    }
    digits.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn boolean(cell: &Data) -> Result<bool, Problem> {
    let expected = || problem(Code::WrongType, "应填写“是”或“否”");
    match cell {
        Data::Bool(b) => Ok(*b),
        Data::Int(1) => Ok(true),
        Data::Int(0) => Ok(false),
        Data::Float(f) if *f == 1.0 => Ok(true),
        Data::Float(f) if *f == 0.0 => Ok(false),
        Data::String(s) => {
            let folded = fold(s).to_lowercase();
            match folded.as_str() {
                "是" | "有" | "y" | "yes" | "√" | "✓" | "✔" | "1" | "true" | "对" => {
                    Ok(true)
                }
                "否" | "无" | "n" | "no" | "×" | "✗" | "✘" | "x" | "0" | "false" | "没有" => {
                    Ok(false)
                }
                _ => Err(expected()),
            }
        }
        _ => Err(expected()),
    }
}

fn date(cell: &Data) -> Result<NaiveDate, Problem> {
    let expected = || problem(Code::WrongType, "应填写日期，如 2026-04-30");
    match cell {
        Data::DateTime(dt) => dates::from_excel(dt).ok_or_else(expected),
        Data::DateTimeIso(s) => dates::parse_text(s).ok_or_else(expected),
        Data::Int(i) => dates::from_number(*i as f64).ok_or_else(expected),
        Data::Float(f) => dates::from_number(*f).ok_or_else(expected),
        Data::String(s) => dates::parse_text(&fold(s)).ok_or_else(expected),
        _ => Err(expected()),
    }
}

/// Digits of a phone-like cell, with spaces and dashes removed; numbers as whole digits.
fn phone_digits(cell: &Data) -> Option<String> {
    match cell {
        Data::String(s) => Some(
            fold(s)
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect(),
        ),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.is_finite() => Some(format_number(*f)),
        _ => None,
    }
}

fn mobile(cell: &Data) -> Result<String, Problem> {
    let expected = || problem(Code::InvalidMobile, "应为 11 位手机号，以 13–19 开头");
    let digits = phone_digits(cell).ok_or_else(expected)?;
    as_mobile(&digits).ok_or_else(expected)
}

fn as_mobile(digits: &str) -> Option<String> {
    let d = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("86").filter(|rest| rest.len() == 11))
        .unwrap_or(digits);
    let b = d.as_bytes();
    let ok = b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit);
    ok.then(|| d.to_string())
}

fn phone(cell: &Data) -> Result<String, Problem> {
    let expected = || {
        problem(
            Code::InvalidPhone,
            "应为手机号，或带区号的座机号，如 0831-1234567",
        )
    };
    let digits = phone_digits(cell).ok_or_else(expected)?;
    if let Some(m) = as_mobile(&digits) {
        return Ok(m);
    }
    // Landline: (0831)1234567, 0831-1234567 (dash already removed), 083112345678.
    let bare: String = digits.chars().filter(|c| !matches!(c, '(' | ')')).collect();
    let b = bare.as_bytes();
    let area_ok = b.first() == Some(&b'0') && (10..=12).contains(&b.len());
    if area_ok && b.iter().all(u8::is_ascii_digit) {
        Ok(bare)
    } else {
        Err(expected())
    }
}

/// The characters a USCC may use (GB 32100-2015: no I, O, Z, S, V).
pub const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc(cell: &Data) -> Result<String, Problem> {
    let code = code(cell).to_uppercase();
    let valid = code.len() == 18 && code.bytes().all(|b| USCC_CHARS.contains(&b));
    if valid {
        Ok(code)
    } else {
        Err(problem(
            Code::InvalidUscc,
            format!(
                "应为 18 位，由数字和除 I、O、Z、S、V 以外的大写字母组成（现为 {} 位）",
                code.chars().count()
            ),
        ))
    }
}

/// Whether the 18th character of a well-formed USCC matches GB 32100-2015.
pub fn uscc_check_ok(code: &str) -> bool {
    match (code.get(..17), code.get(17..)) {
        (Some(first17), Some(last)) => {
            uscc_check_char(first17).is_some_and(|c| last.len() == 1 && last.starts_with(c))
        }
        _ => false,
    }
}

/// The GB 32100-2015 check character for the first 17 characters of a USCC, or `None` when
/// they are not 17 characters of the code's alphabet.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in b.iter().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.iter().position(|x| x == c)? as u32 * w;
    }
    Some(USCC_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// The text with inner whitespace removed, borrowed when it has none (the usual case).
fn without_spaces(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.chars().any(char::is_whitespace) {
        Cow::Owned(text.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        text
    }
}

fn choice(cell: &Data, choices: &Choices) -> Result<&'static str, Problem> {
    let typed = match cell {
        Data::String(s) => without_spaces(fold(s)),
        other => Cow::Owned(raw_text(other)),
    };
    choices.resolve(&typed).ok_or_else(|| {
        problem(
            Code::NotAChoice,
            format!("应从下拉列表中选择：{}", choices.values.join("、")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{DOMAINS, ORG_TYPES, TIERS};

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

    fn s(text: &str) -> Data {
        Data::String(text.to_string())
    }
    const PEOPLE: Kind = Kind::Int {
        units: &["人", "次"],
    };

    #[test]
    fn integers_accept_units_width_and_grouping() {
        for (raw, want) in [
            ("12", 12),
            ("１２", 12),
            ("12人", 12),
            ("12 次", 12),
            ("1,200", 1200),
            (" 7 ", 7),
            ("12.0", 12),
        ] {
            assert_eq!(
                normalize(&PEOPLE, &s(raw)),
                Ok(Some(Value::Int(want))),
                "{raw}"
            );
        }
        assert_eq!(
            normalize(&PEOPLE, &Data::Float(12.0)),
            Ok(Some(Value::Int(12)))
        );
        for raw in ["若干", "12.5", "1,20", "约12人", "12个月"] {
            assert_eq!(
                normalize(&PEOPLE, &s(raw)).unwrap_err().code,
                Code::WrongType,
                "{raw}"
            );
        }
        assert_eq!(
            normalize(&PEOPLE, &s("-3")).unwrap_err().code,
            Code::OutOfRange
        );
    }

    #[test]
    fn decimals_accept_their_unit_only() {
        let money = Kind::Decimal { units: &["万元"] };
        assert_eq!(
            normalize(&money, &s("3.5万元")),
            Ok(Some(Value::Number(3.5)))
        );
        assert_eq!(
            normalize(&money, &Data::Float(0.8)),
            Ok(Some(Value::Number(0.8)))
        );
        assert!(normalize(&money, &s("5000元")).is_err());
        let area = Kind::Decimal {
            units: &["平方米", "m2"],
        };
        assert_eq!(
            normalize(&area, &s("120㎡")),
            Ok(Some(Value::Number(120.0)))
        );
        assert_eq!(
            normalize(&area, &s("120平方米")),
            Ok(Some(Value::Number(120.0)))
        );
    }

    #[test]
    fn percents_accept_signs_and_fractions() {
        for (cell, want) in [
            (s("95"), 95.0),
            (s("95%"), 95.0),
            (s("95％"), 95.0),
            (Data::Float(0.95), 95.0),
            (Data::Int(88), 88.0),
            (s("0.9"), 90.0),
        ] {
            assert_eq!(
                normalize(&Kind::Percent, &cell),
                Ok(Some(Value::Number(want))),
                "{cell:?}"
            );
        }
        assert_eq!(
            normalize(&Kind::Percent, &s("120")).unwrap_err().code,
            Code::OutOfRange
        );
        assert_eq!(
            normalize(&Kind::Percent, &s("很满意")).unwrap_err().code,
            Code::WrongType
        );
    }

    #[test]
    fn booleans_accept_every_listed_spelling() {
        for t in ["是", "有", "Y", "yes", "√", "✓", "1", "TRUE"] {
            assert_eq!(
                normalize(&Kind::Bool, &s(t)),
                Ok(Some(Value::Bool(true))),
                "{t}"
            );
        }
        for t in ["否", "无", "N", "no", "×", "✗", "0", "false"] {
            assert_eq!(
                normalize(&Kind::Bool, &s(t)),
                Ok(Some(Value::Bool(false))),
                "{t}"
            );
        }
        assert_eq!(
            normalize(&Kind::Bool, &Data::Bool(true)),
            Ok(Some(Value::Bool(true)))
        );
        assert!(normalize(&Kind::Bool, &s("可能")).is_err());
    }

    #[test]
    fn dates_accept_every_listed_form() {
        let want = Ok(Some(Value::Date(
            NaiveDate::from_ymd_opt(2023, 4, 30).unwrap(),
        )));
        for t in [
            "2023-04-30",
            "2023/4/30",
            "2023.4.30",
            "2023年4月30日",
            "20230430",
            "２０２３-04-30",
        ] {
            assert_eq!(normalize(&Kind::Date, &s(t)), want, "{t}");
        }
        assert_eq!(normalize(&Kind::Date, &Data::Float(45046.0)), want);
        assert_eq!(normalize(&Kind::Date, &Data::Int(20230430)), want);
        assert!(normalize(&Kind::Date, &s("2023-02-30")).is_err());
        assert!(normalize(&Kind::Date, &s("下月底")).is_err());
    }

    #[test]
    fn choices_resolve_synonyms_and_reject_the_rest() {
        let org = Kind::Choice(&ORG_TYPES);
        assert_eq!(
            normalize(&org, &s(" 总支 ")),
            Ok(Some(Value::Choice("党总支")))
        );
        assert_eq!(
            normalize(&Kind::Choice(&DOMAINS), &s("村")),
            Ok(Some(Value::Choice("农村")))
        );
        assert_eq!(
            normalize(&Kind::Choice(&TIERS), &s("较好")),
            Ok(Some(Value::Choice("一般")))
        );
        assert_eq!(
            normalize(&org, &s("党小组")).unwrap_err().code,
            Code::NotAChoice
        );
    }

    #[test]
    fn mobiles_come_out_as_eleven_digits() {
        for cell in [
            s("138 1234 5678"),
            s("+86 13812345678"),
            s("8613812345678"),
            s("138-1234-5678"),
            Data::Float(13812345678.0),
            Data::Int(13812345678),
            s("１３８１２３４５６７８"),
        ] {
            assert_eq!(
                normalize(&Kind::Mobile, &cell),
                Ok(Some(Value::Text("13812345678".into()))),
                "{cell:?}"
            );
        }
        assert!(normalize(&Kind::Mobile, &s("1381234567")).is_err());
        assert!(normalize(&Kind::Mobile, &s("12812345678")).is_err());
    }

    #[test]
    fn phones_accept_landlines_with_area_code() {
        for t in [
            "0831-1234567",
            "(0831)1234567",
            "（0831）1234567",
            "0831 12345678",
        ] {
            assert!(normalize(&Kind::Phone, &s(t)).is_ok(), "{t}");
        }
        assert!(normalize(&Kind::Phone, &s("1234567")).is_err());
    }

    #[test]
    fn codes_never_show_float_artifacts() {
        assert_eq!(
            normalize(&Kind::Code, &Data::Float(1234567890.0)),
            Ok(Some(Value::Text("1234567890".into())))
        );
        assert_eq!(
            normalize(&Kind::Code, &Data::Float(5.11e17)),
            Ok(Some(Value::Text("511000000000000000".into())))
        );
        assert_eq!(
            normalize(&Kind::Code, &s("ＡＢ１２")),
            Ok(Some(Value::Text("AB12".into())))
        );
    }

    #[test]
    fn uscc_format_and_check_character() {
        let good = "91510000MA6CGTEN5J"; // computed below
        let ok = normalize(&Kind::Uscc, &s(&good.to_lowercase()))
            .unwrap()
            .unwrap();
        assert_eq!(ok, Value::Text(good.into()));
        assert_eq!(
            normalize(&Kind::Uscc, &s("9151000MA6CG")).unwrap_err().code,
            Code::InvalidUscc
        );
        assert_eq!(
            normalize(&Kind::Uscc, &s("91510000MA6CGTENOJ"))
                .unwrap_err()
                .code,
            Code::InvalidUscc
        );
        // Known-good published code: 91350100M000100Y43.
        assert!(uscc_check_ok("91350100M000100Y43"));
        assert!(!uscc_check_ok("91350100M000100Y44"));
    }

    /// The no-allocation path must give what full NFKC folding gives.
    #[test]
    fn fold_borrows_text_already_folded() {
        for t in [
            "党支部",
            " 王强 ",
            "１２人",
            "ＡＢ",
            "95％",
            "㎡",
            "（0831）",
            "\u{3000}是\u{3000}",
        ] {
            let full = clean(&clean(t).nfkc().collect::<String>()).to_string();
            assert_eq!(fold(t), full, "{t}");
        }
        assert!(matches!(fold("党支部"), Cow::Borrowed(_)));
    }

    #[test]
    fn text_is_trimmed_of_every_kind_of_space() {
        assert_eq!(text(&s("\u{3000}白马镇\u{a0} ")), "白马镇");
        assert!(is_blank(&s(" \u{3000} ")));
    }
}
