//! `taizhang codes`: the table of issue codes, aligned for a terminal (CJK characters two
//! columns wide), as README's Markdown, or as JSON.

use crate::cli::CodesFormat;
use anyhow::Result;
use taizhang::issue::{CodeInfo, CODES};
use unicode_width::UnicodeWidthStr;

pub fn run(format: CodesFormat) -> Result<u8> {
    match format {
        CodesFormat::Text => print!("{}", aligned(CODES)),
        CodesFormat::Markdown => print!("{}", taizhang::issue::code_table_markdown()),
        CodesFormat::Json => println!("{}", serde_json::to_string_pretty(&json(CODES))?),
    }
    Ok(0)
}

/// One line per code, the first three columns padded to their widest entry.
fn aligned(codes: &[CodeInfo]) -> String {
    let header = ["代码", "级别", "问题", "何时出现"];
    let rows: Vec<[&str; 4]> = codes
        .iter()
        .map(|c| [c.id, c.severity.label(), c.title, c.when])
        .collect();
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            let cells = rows.iter().map(|r| r[i]).chain([header[i]]);
            cells.map(UnicodeWidthStr::width).max().unwrap_or(0)
        })
        .collect();
    let line = |row: &[&str; 4]| {
        let mut text = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            text.push_str(cell);
            text.push_str(&" ".repeat(width - cell.width() + 2));
        }
        text.push_str(row[3]);
        text.push('\n');
        text
    };
    std::iter::once(line(&header))
        .chain(rows.iter().map(line))
        .collect()
}

fn json(codes: &[CodeInfo]) -> serde_json::Value {
    let each = codes.iter().map(|c| {
        serde_json::json!({
            "code": c.id,
            "severity": c.severity.label(),
            "title": c.title,
            "when": c.when,
        })
    });
    serde_json::Value::Array(each.collect())
}
