//! Identifiers: codes (党组织编码, 单位代码), mobile and landline numbers, and the unified social
//! credit code with its GB 32100-2015 check character.

use super::{fold, format_number, problem, raw_text, Problem};
use crate::issue::Code;
use calamine::Data;

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

pub(super) fn mobile(cell: &Data) -> Result<String, Problem> {
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

pub(super) fn phone(cell: &Data) -> Result<String, Problem> {
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

pub(super) fn uscc(cell: &Data) -> Result<String, Problem> {
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

#[cfg(test)]
mod tests {
    use super::super::{normalize, s, Value};
    use super::*;
    use crate::schema::Kind;

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
}
