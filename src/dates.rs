//! Dates as clerks write them, and Excel's serial numbers.

use calamine::ExcelDateTime;
use chrono::{Days, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;

/// Excel's day zero for the 1900 system (serial 1 = 1900-01-01, with the 1900 leap-year bug,
/// so counting from 1899-12-30 is right for every serial from 61 on).
fn epoch_1900() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch")
}

/// Serials a survey date can plausibly have: 1950-01-01 to 2100-12-31.
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 18264.0..=73415.0;

/// A date cell's calendar date (time of day dropped).
pub fn from_excel(dt: &ExcelDateTime) -> Option<NaiveDate> {
    if dt.is_duration() {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
}

/// A number typed in a date column: an Excel serial, or 20230430 written as a number.
pub fn from_number(n: f64) -> Option<NaiveDate> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    if n.fract() == 0.0 && (19000101.0..=29991231.0).contains(&n) {
        return compact(&format!("{}", n as i64));
    }
    if SERIAL_RANGE.contains(&n) {
        return epoch_1900().checked_add_days(Days::new(n.floor() as u64));
    }
    None
}

fn compact(digits: &str) -> Option<NaiveDate> {
    if digits.len() != 8 {
        return None;
    }
    let y = digits[..4].parse().ok()?;
    let m = digits[4..6].parse().ok()?;
    let d = digits[6..].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

static DATE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
        .expect("valid regex")
});

/// Text dates: 2023-04-30, 2023/4/30, 2023.4.30, 2023年4月30日, 20230430 (already width-folded).
pub fn parse_text(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return compact(text);
    }
    let caps = DATE_TEXT.captures(text)?;
    let y = caps[1].parse().ok()?;
    let m = caps[2].parse().ok()?;
    let d = caps[3].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date as a notice writes it: 2026年4月15日 (no leading zeros), which [`parse_text`] reads
/// back.
pub fn in_words(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_in_words_reads_back() {
        let d = NaiveDate::from_ymd_opt(2026, 4, 5).unwrap();
        assert_eq!(in_words(d), "2026年4月5日");
        assert_eq!(parse_text(&in_words(d)), Some(d));
    }

    #[test]
    fn serials_and_compact_numbers() {
        let d = NaiveDate::from_ymd_opt(2023, 4, 30).unwrap();
        assert_eq!(from_number(45046.0), Some(d));
        assert_eq!(from_number(45046.75), Some(d));
        assert_eq!(from_number(20230430.0), Some(d));
        assert_eq!(from_number(12.0), None);
        assert_eq!(parse_text("2023-04-30 00:00:00"), Some(d));
        assert_eq!(parse_text("2023-04-30T00:00:00"), Some(d));
    }
}
