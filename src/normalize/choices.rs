//! Yes/no and the closed lists of choices, with the synonyms clerks type.

use super::{fold, problem, raw_text, Problem};
use crate::issue::Code;
use crate::schema::Choices;
use calamine::Data;
use std::borrow::Cow;

pub(super) fn boolean(cell: &Data) -> Result<bool, Problem> {
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

/// The text with inner whitespace removed, borrowed when it has none (the usual case).
fn without_spaces(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.chars().any(char::is_whitespace) {
        Cow::Owned(text.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        text
    }
}

pub(super) fn choice(cell: &Data, choices: &Choices) -> Result<&'static str, Problem> {
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
    use super::super::{normalize, s, Value};
    use crate::issue::Code;
    use crate::schema::{Kind, DOMAINS, ORG_TYPES, TIERS};
    use calamine::Data;

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
}
