//! `taizhang codes`: the table of issue codes, as Markdown.

use anyhow::Result;

pub fn run() -> Result<u8> {
    print!("{}", taizhang::issue::code_table_markdown());
    Ok(0)
}
