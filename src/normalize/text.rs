//! Cell text: what the clerk sees, blank cells, trimming every kind of space, width folding,
//! and numbers written as a clerk would write them.

use crate::dates;
use calamine::Data;
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// A number as a clerk would write it: whole numbers without ".0", never in exponent notation.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        // Rust's Display for f64 is the shortest round-trip form and never uses exponents.
        format!("{n}")
    }
}

/// The most characters (UTF-16 units, as Excel counts them) one cell of a workbook holds.
pub const CELL_LIMIT: usize = 32_767;

/// Text quoted in a message or an issue's 填写内容: at most 100 characters, then how long it
/// was, so that a runaway cell neither floods a message nor overflows the cell it is put in.
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 100;
    match text.char_indices().nth(SHOWN) {
        None => text.into(),
        Some((end, _)) => {
            let total = text.chars().count();
            format!("{}…（共 {total} 个字符）", &text[..end]).into()
        }
    }
}

/// Text cut to what one Excel cell holds, for writing back what a clerk typed (only a
/// generator, never an office suite, writes a longer cell).
pub fn within_cell(text: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = "…（超出单元格上限，已截断）";
    if text.encode_utf16().count() <= CELL_LIMIT {
        return text.into();
    }
    let room = CELL_LIMIT - MARK.encode_utf16().count();
    let (mut units, mut end) = (0, 0);
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > room {
            break;
        }
        end = i + c.len_utf8();
    }
    format!("{}{MARK}", &text[..end]).into()
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

/// Free text: trimmed; numbers as a clerk would write them.
pub fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => clean(s).to_string(),
        other => raw_text(other),
    }
}

#[cfg(test)]
mod tests {
    use super::super::s;
    use super::*;

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
