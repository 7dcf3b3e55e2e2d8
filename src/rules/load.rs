//! Reading a rules file: TOML to [`RulesFile`], then checked, with every mistake reported once
//! with the file's name and the line it is on, in Chinese (a county clerk edits these files).

use super::config::RulesFile;
use super::validate::{self, Fault, Seg};
use std::ops::Range;
use std::path::PathBuf;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Why a rules file was refused. Each variant is raised once, before any row is classified.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read from disk (missing, no permission, not UTF-8).
    #[error("无法读取规则文件 {}：{}", path.display(), io_reason(source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML, or a setting unknown, missing or of the wrong type.
    #[error("规则文件 {origin} 第 {line} 行：{message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
        #[source]
        source: Box<toml::de::Error>,
    },
    /// Valid TOML whose settings contradict each other or the form (bands out of order, points
    /// above a maximum, a tier referenced but not defined).
    #[error("规则文件 {origin} 第 {line} 行：{message}")]
    Invalid {
        origin: String,
        line: usize,
        message: String,
    },
}

impl RulesError {
    /// The 1-based line the mistake is on, when it is in the file's text.
    pub fn line(&self) -> Option<usize> {
        match self {
            RulesError::Read { .. } => None,
            RulesError::Syntax { line, .. } | RulesError::Invalid { line, .. } => Some(*line),
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::InvalidData => "不是 UTF-8 编码的文本文件".to_string(),
        _ => crate::os_error::describe(e),
    }
}

/// Parse and check `text`; `origin` names it in messages (a path, or the embedded default).
pub(crate) fn parse(text: &str, origin: &str) -> Result<RulesFile, RulesError> {
    let file: RulesFile = toml::from_str(text).map_err(|source| RulesError::Syntax {
        origin: origin.to_string(),
        line: source.span().map_or(1, |s| line_of(text, s.start)),
        message: translate(source.message()),
        source: Box::new(source),
    })?;
    validate::check(&file).map_err(|fault| invalid(text, origin, fault))?;
    Ok(file)
}

fn invalid(text: &str, origin: &str, fault: Fault) -> RulesError {
    RulesError::Invalid {
        origin: origin.to_string(),
        line: locate(text, &fault.path).map_or(1, |s| line_of(text, s.start)),
        message: fault.message,
    }
}

/// The toml crate's English message, in Chinese where it is one a clerk is likely to meet.
fn translate(message: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") {
        let name = quoted.first().copied().unwrap_or("");
        let allowed = quoted.get(1..).unwrap_or(&[]).join("、");
        format!("未知的设置项“{name}”（可能拼写错误；此处可用的设置项：{allowed}）")
    } else if message.starts_with("missing field") {
        format!("缺少设置项“{}”", quoted.first().copied().unwrap_or(""))
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        match found(message) {
            Some(found) => format!("取值类型不对：填写的是{found}，{}", expected(message)),
            None => format!("取值类型不对：{}", expected(message)),
        }
    } else {
        "不是有效的 TOML 格式：请对照默认标准文件，检查这一行的方括号、双引号和等号".to_string()
    }
}

/// What serde found instead, in words: `string "十"` is 文字“十”, `integer `-5`` is 整数 -5.
fn found(message: &str) -> Option<String> {
    let (_, rest) = message.split_once(": ")?;
    let (what, _) = rest.rsplit_once(", expected")?;
    let value = |prefix: &str| {
        what.strip_prefix(prefix)
            .map(|v| v.trim_matches(['`', '"']))
    };
    if let Some(text) = value("string ") {
        return Some(format!("文字“{text}”"));
    }
    if let Some(number) = value("integer ") {
        return Some(format!("整数 {number}"));
    }
    if let Some(number) = value("floating point ") {
        return Some(format!("小数 {number}"));
    }
    value("boolean ").map(str::to_string)
}

/// What a value of the wrong type should have been, from the end of serde's message.
fn expected(message: &str) -> &'static str {
    let wanted = message.rsplit("expected ").next().unwrap_or("");
    match wanted.trim() {
        "u32" => "应填不小于 0 的整数",
        "f64" => "应填数字",
        "a boolean" => "应填 true 或 false",
        "a string" => "应填带英文双引号的文字",
        "a sequence" => "应填方括号列表 [ ... ]",
        _ => "请对照默认标准文件的写法",
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The span of the deepest part of `path` found in the document: the key when the path ends
/// in a key, the element when it ends in an index.
fn locate(text: &str, path: &[Seg]) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    let mut value: Option<&Spanned<DeValue>> = None;
    let mut best = None;
    for seg in path {
        let found = match *seg {
            Seg::Key(key) => table.and_then(|t| find_key(t, key)),
            Seg::Index(i) => value
                .and_then(|v| v.get_ref().as_array())
                .and_then(|a| a.get(i))
                .map(|v| (v.span(), v)),
        };
        let Some((span, next)) = found else { break };
        best = Some(span);
        value = Some(next);
        table = next.get_ref().as_table();
    }
    best
}

fn find_key<'t, 'i>(
    table: &'t DeTable<'i>,
    key: &str,
) -> Option<(Range<usize>, &'t Spanned<DeValue<'i>>)> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, v)| (k.span(), v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../templates/rules.toml");

    fn line_with(text: &str, needle: &str) -> usize {
        let at = text.find(needle).expect("needle in text");
        line_of(text, at)
    }

    #[test]
    fn locate_finds_keys_inside_arrays_of_tables() {
        let path = [
            Seg::Key("tiers"),
            Seg::Key("levels"),
            Seg::Index(1),
            Seg::Key("min"),
        ];
        let span = locate(DEFAULT, &path).expect("found");
        assert_eq!(line_of(DEFAULT, span.start), line_with(DEFAULT, "min = 65"));
    }

    #[test]
    fn locate_finds_inline_array_elements() {
        let path = [Seg::Key("role"), Seg::Key("bands"), Seg::Index(2)];
        let span = locate(DEFAULT, &path).expect("found");
        assert_eq!(line_of(DEFAULT, span.start), line_with(DEFAULT, "min = 70"));
    }

    #[test]
    fn wrong_values_and_broken_syntax_are_said_without_serde_english() {
        let cases = [
            (
                r#"invalid type: string "八十五", expected u32"#,
                "取值类型不对：填写的是文字“八十五”，应填不小于 0 的整数",
            ),
            (
                "invalid value: integer `-5`, expected u32",
                "取值类型不对：填写的是整数 -5，应填不小于 0 的整数",
            ),
            (
                "invalid type: floating point `3.5`, expected u32",
                "取值类型不对：填写的是小数 3.5，应填不小于 0 的整数",
            ),
            ("unclosed table, expected `]`", "不是有效的 TOML 格式"),
        ];
        for (serde, chinese) in cases {
            let said = translate(serde);
            assert!(said.starts_with(chinese), "{said}");
            assert!(
                !said.contains("expected") && !said.contains("invalid"),
                "{said}"
            );
        }
    }

    #[test]
    fn unknown_field_message_is_chinese_and_names_the_key() {
        let m = translate("unknown field `maxx`, expected one of `name`, `max`");
        assert_eq!(
            m,
            "未知的设置项“maxx”（可能拼写错误；此处可用的设置项：name、max）"
        );
    }
}
