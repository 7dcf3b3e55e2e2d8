//! Numbers: whole numbers, decimals and percentages, with unit suffixes, full-width digits
//! and thousands separators.

use super::{fold, problem, Problem};
use crate::issue::Code;
use calamine::Data;

pub(super) fn int(cell: &Data, units: &[&str]) -> Result<i64, Problem> {
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

pub(super) fn decimal(cell: &Data, units: &[&str]) -> Result<f64, Problem> {
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

pub(super) fn percent(cell: &Data) -> Result<f64, Problem> {
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

#[cfg(test)]
mod tests {
    use super::super::{normalize, s, Value};
    use crate::issue::Code;
    use crate::schema::Kind;
    use calamine::Data;

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
}
