//! Dates, in every form FORM.md lists (text, Excel serial numbers, 20230430).

use super::{fold, problem, Problem};
use crate::dates;
use crate::issue::Code;
use calamine::Data;
use chrono::NaiveDate;

pub(super) fn date(cell: &Data) -> Result<NaiveDate, Problem> {
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

#[cfg(test)]
mod tests {
    use super::super::{normalize, s, Value};
    use crate::schema::Kind;
    use calamine::Data;
    use chrono::NaiveDate;

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
}
