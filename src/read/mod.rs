//! Reading a returned file: guarded opening, sheet and header location, row extraction.
//!
//! [`read_form`] is the whole per-file stage: it never panics and never prints; a file that
//! cannot be read at all comes back as a [`ReadError`], everything else as a [`Form`] whose
//! `issues` say what is wrong. Files are independent, so callers run it in parallel.

pub mod extract;
pub mod grid;
pub mod guard;
pub mod headers;
#[doc(hidden)]
pub mod hostile;
pub mod locate;
pub mod unit_info;

use crate::form::Form;
use crate::issue::Code;
pub use grid::{Grid, Workbook};
pub use guard::Limits;
use std::path::Path;

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The guard refused the file before any parser saw it.
    #[error("{}", .0.message())]
    Rejected(#[from] guard::Rejection),
    /// The parser could not open the workbook (corrupt, truncated, password-protected).
    #[error("无法打开工作簿：{}", parser_error(source))]
    Open {
        #[source]
        source: calamine::Error,
    },
    /// A sheet could not be read.
    #[error("无法读取工作表“{sheet}”：{}", parser_error(source))]
    Sheet {
        sheet: String,
        #[source]
        source: calamine::Error,
    },
    /// The workbook is one of taizhang's own outputs (a ledger or a feedback file).
    #[error("{}", crate::marker::describe(kind))]
    OwnOutput { kind: String },
    /// A sheet holds a cell beyond the limits set for a survey form.
    #[error("工作表“{sheet}”的单元格 {cell} 超出调查表的合理范围")]
    TooLarge { sheet: String, cell: String },
    /// A sheet's rows are stored out of order, which no office suite writes.
    #[error("工作表“{sheet}”的行存放顺序错乱（{cell} 存放在它下方的行之后）")]
    Disordered { sheet: String, cell: String },
}

impl ReadError {
    /// The file-level issue code for this failure.
    pub fn code(&self) -> Code {
        match self {
            ReadError::Rejected(r) => r.code(),
            ReadError::Open { source } | ReadError::Sheet { source, .. } if is_password(source) => {
                Code::FileEncrypted
            }
            ReadError::Open { .. } | ReadError::Sheet { .. } | ReadError::Disordered { .. } => {
                Code::FileUnreadable
            }
            ReadError::TooLarge { .. } => Code::FileTooLarge,
            ReadError::OwnOutput { .. } => Code::NotTheForm,
        }
    }

    /// What a clerk should read: what happened and what to do.
    pub fn message(&self) -> String {
        match self {
            ReadError::Rejected(r) => r.message(),
            _ if self.code() == Code::FileEncrypted => {
                "文件设有打开密码，请取消密码后重新报送".to_string()
            }
            ReadError::Open { .. } | ReadError::Sheet { .. } => format!(
                "{self}。文件可能已损坏或下载不完整，请用 Excel 或 WPS 打开确认后另存为 .xlsx 重新报送"
            ),
            ReadError::Disordered { .. } => format!(
                "{self}。文件不是办公软件保存的，请用 Excel 或 WPS 打开后另存为 .xlsx 重新报送"
            ),
            ReadError::OwnOutput { .. } => self.to_string(),
            ReadError::TooLarge { sheet, cell } => format!(
                "工作表“{sheet}”在 {cell} 处有内容，超出调查表的合理范围，请删除多余的行列后重新报送"
            ),
        }
    }

    pub fn to_issue(&self) -> crate::Issue {
        crate::Issue::file(self.code(), self.message())
    }
}

/// What the parser met, in Chinese: by the kind of damage, never the parser's own (English)
/// words, which a clerk cannot act on.
fn parser_error(e: &calamine::Error) -> String {
    use calamine::{Error, XlsError, XlsxError};
    match e {
        Error::Io(io) | Error::Xlsx(XlsxError::Io(io)) | Error::Xls(XlsError::Io(io)) => {
            crate::os_error::sentence(io)
        }
        Error::Xlsx(XlsxError::Zip(_)) => "压缩包结构损坏".to_string(),
        Error::Xlsx(XlsxError::Unrecognized { .. }) => {
            "含有本程序不能读取的工作表（如 Excel 4.0 宏表）".to_string()
        }
        Error::Xlsx(XlsxError::Xml(_) | XlsxError::XmlAttr(_) | XlsxError::XmlEof(_)) => {
            "内部的表格内容（XML）不完整或损坏".to_string()
        }
        Error::Xlsx(_) | Error::Xlsb(_) => "内部结构不符合 Excel 格式".to_string(),
        Error::Xls(XlsError::Cfb(_)) => ".xls 文件的复合文档结构损坏".to_string(),
        Error::Xls(_) => ".xls 文件内部的记录损坏".to_string(),
        Error::Ods(_) => ".ods 文件内部结构损坏".to_string(),
        _ => "文件内部结构损坏".to_string(),
    }
}

fn is_password(e: &calamine::Error) -> bool {
    use calamine::{Error, OdsError, XlsError, XlsbError, XlsxError};
    matches!(
        e,
        Error::Xls(XlsError::Password)
            | Error::Xlsx(XlsxError::Password)
            | Error::Xlsb(XlsbError::Password)
            | Error::Ods(OdsError::Password)
    )
}

/// Read, normalize and validate one returned form.
pub fn read_form(path: &Path, limits: &Limits) -> Result<Form, ReadError> {
    read_form_in_parts(path, limits, None)
}

/// [`read_form`], with a list too long to hold handed on in parts: with `on_part`, every
/// `limits.held_rows` records read (organizations and coverage rows together) go to it as a
/// form of their own ([`Form::split_part`]), and the form returned is the last part. Parts
/// follow the file's order, their issues too: put back together ([`Form::absorb`]), they are
/// the form [`read_form`] reads. A file that fails part-way fails whole (parts already handed
/// on are to be dropped).
pub fn read_form_in_parts(
    path: &Path,
    limits: &Limits,
    on_part: Option<&mut dyn FnMut(Form)>,
) -> Result<Form, ReadError> {
    // calamine panics on some malformed records (found by fuzzing: a short MERGEDCELLS record
    // in an .xls, tests/data/fuzz/): one bad file ends as its own issue, not the whole run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut reading = extract::Reading {
            on_part,
            part_rows: limits.held_rows.max(1) as usize,
            ..extract::Reading::whole()
        };
        read_unguarded(path, limits, &mut reading)
    }))
    .unwrap_or(Err(ReadError::Rejected(guard::Rejection::ParserPanic)))
}

/// The whole read of one file; "unguarded" against panics ([`read_form_in_parts`] catches
/// them), never against hostile content: the guard runs in [`Workbook::open`].
fn read_unguarded(
    path: &Path,
    limits: &Limits,
    reading: &mut extract::Reading,
) -> Result<Form, ReadError> {
    let mut workbook = Workbook::open(path, limits)?;
    let meta = workbook.meta();
    let meta_value = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if let Some(kind) = meta_value(crate::marker::OUTPUT_KEY) {
        return Err(ReadError::OwnOutput { kind });
    }
    let mut form = Form::empty(path.to_path_buf());
    form.template_version = meta_value("template_version");
    let mut found = locate::find_tables(&mut workbook)?;
    form.issues.append(&mut found.issues);
    unit_info::read_unit_info(&mut workbook, &found, &mut form)?;
    // Every table's place first: a part handed on early knows the sheets its issues are on.
    use crate::schema::{COVERAGE, ORGANIZATIONS};
    let mut heads = Vec::new();
    if let Some(table) = found.organizations {
        form.org_table = Some(table.location);
        heads.push((&ORGANIZATIONS, 0, table.head));
    }
    for (k, table) in (1..).zip(found.org_continued) {
        form.org_continued.push(table.location);
        heads.push((&ORGANIZATIONS, k, table.head));
    }
    if let Some(table) = found.coverage {
        form.coverage_table = Some(table.location);
        heads.push((&COVERAGE, 0, table.head));
    }
    for (k, table) in (1..).zip(found.coverage_continued) {
        form.coverage_continued.push(table.location);
        heads.push((&COVERAGE, k, table.head));
    }
    for (schema, k, head) in heads {
        extract::extract(&mut workbook, head, schema, &mut form, (k, reading))?;
    }
    form.skipped.append(&mut found.unread);
    let validator = std::mem::take(&mut reading.validator);
    validator.finish(&mut form);
    Ok(form)
}
