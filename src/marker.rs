//! The mark taizhang leaves on the workbooks it writes (ledgers, feedback), so that a ledger or
//! a feedback file dropped into an inbox is never read back as a returned form.

use crate::schema::SHEET_META;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Key in the hidden `_meta` sheet naming which kind of output a workbook is.
pub const OUTPUT_KEY: &str = "taizhang_output";
pub const LEDGER: &str = "ledger";
pub const FEEDBACK: &str = "feedback";
pub const UPGRADE: &str = "upgrade";
/// The department's decisions workbook (`template --decisions`), replaced only while blank.
pub const DECISIONS: &str = "decisions";
/// The first row (0-based) of a decision in that workbook, under its title, note and header.
pub const DECISIONS_FIRST_ROW: u32 = 3;
/// An issued 整改进展表 (`template --rectify`), blank or filled in: a unit returns it.
pub const RECTIFY_FORM: &str = "rectify_form";
/// The rectification tracking workbook (`taizhang rectify`).
pub const RECTIFY: &str = "rectify";
/// The access codes of the web intake (`taizhang serve --codes`).
pub const CODES: &str = "codes";

/// A hidden `_meta` sheet saying the workbook is taizhang's own `kind` of output.
pub fn meta_sheet(kind: &str) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET_META)?;
    sheet.write_string(0, 0, OUTPUT_KEY)?;
    sheet.write_string(0, 1, kind)?;
    sheet.write_string(1, 0, "taizhang_version")?;
    sheet.write_string(1, 1, env!("CARGO_PKG_VERSION"))?;
    sheet.set_hidden(true);
    Ok(sheet)
}

/// What a clerk is told about one of our own outputs.
pub fn describe(kind: &str) -> &'static str {
    match kind {
        LEDGER => "这是本程序生成的分类管理台账，不是报送的调查表",
        FEEDBACK => "这是本程序生成的反馈表，请修改原报表后报送原报表，不要报送反馈表",
        RECTIFY_FORM => "这是整改进展表，不是调查表；请报送分类定级调查表",
        RECTIFY => "这是本程序生成的整改跟踪表，不是报送的调查表",
        _ => "这是本程序生成的文件，不是报送的调查表",
    }
}
