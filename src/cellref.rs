//! A1 cell references.
//!
//! Positions inside the crate are 0-based (row, column) in the original sheet, never relative to
//! where a calamine range happens to start.

/// Column letters for a 0-based column index: 0 -> "A", 25 -> "Z", 26 -> "AA".
///
/// Not rust_xlsxwriter's `utility::column_number_to_name`: its columns are u16, while a
/// position read from a file is a u32 ([`Limits::max_cols`](crate::read::Limits::max_cols) can
/// be raised past 65,535), and a cast would name the wrong column.
pub fn column_letters(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// The A1 reference of a 0-based (row, column): (6, 5) -> "F7".
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row as u64 + 1)
}

/// Parse an A1 reference ("F7", "$F$7") into a 0-based (row, column).
pub fn parse_a1(text: &str) -> Option<(u32, u32)> {
    let text = text.replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut col: u64 = 0;
    for b in letters.bytes() {
        col = col * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u64;
        if col > u32::MAX as u64 {
            return None;
        }
    }
    let row: u64 = digits.parse().ok()?;
    if row == 0 || row > u32::MAX as u64 {
        return None;
    }
    Some(((row - 1) as u32, (col - 1) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_roll_over_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn a1_round_trips() {
        assert_eq!(a1(6, 5), "F7");
        for (r, c) in [(0, 0), (6, 5), (1048575, 16383), (99, 27)] {
            assert_eq!(parse_a1(&a1(r, c)), Some((r, c)));
        }
        assert_eq!(parse_a1("$B$3"), Some((2, 1)));
        assert_eq!(parse_a1("7F"), None);
        assert_eq!(parse_a1("A0"), None);
    }

    /// Past u32 is no reference at all, never one wrapped to row 1 (calamine's own parser
    /// wraps in release builds: Cargo.toml keeps its overflow checks on). rust_xlsxwriter's
    /// `utility` is not used here: its columns are u16 and its parser does not check either.
    #[test]
    fn references_past_u32_are_refused_not_wrapped() {
        assert_eq!(parse_a1("B4294967295"), Some((u32::MAX - 1, 1)));
        assert_eq!(parse_a1("B4294967296"), None);
        assert_eq!(parse_a1("B4294967297"), None);
        assert_eq!(parse_a1("B99999999999999999999999"), None);
        assert_eq!(parse_a1("ZZZZZZZZ1"), None);
    }
}
