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
use crate::validate;
pub use grid::{Grid, Workbook};
pub use guard::{Inspected, Limits};
use std::path::Path;

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The guard refused the file before any parser saw it.
    #[error("{0}")]
    Rejected(#[from] guard::Rejection),
    /// The parser could not open the workbook (corrupt, truncated, password-protected).
    #[error("无法打开工作簿：{source}")]
    Open {
        #[source]
        source: calamine::Error,
    },
    /// A sheet could not be read.
    #[error("无法读取工作表“{sheet}”：{source}")]
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
}

impl ReadError {
    /// The file-level issue code for this failure.
    pub fn code(&self) -> Code {
        match self {
            ReadError::Rejected(r) => r.code(),
            ReadError::Open { source } | ReadError::Sheet { source, .. } if is_password(source) => {
                Code::FileEncrypted
            }
            ReadError::Open { .. } | ReadError::Sheet { .. } => Code::FileUnreadable,
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
    read_form_known(path, limits, None)
}

/// [`read_form`] of a file the guard already passed, as `known` says (see
/// [`guard::Inspected`]): inspected again only if it changed since.
pub fn read_form_known(
    path: &Path,
    limits: &Limits,
    known: Option<&Inspected>,
) -> Result<Form, ReadError> {
    // calamine panics on some malformed records (found by fuzzing: a short MERGEDCELLS record
    // in an .xls, tests/data/fuzz/): one bad file ends as its own issue, not the whole run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_unguarded(path, limits, known)
    }))
    .unwrap_or(Err(ReadError::Rejected(guard::Rejection::ParserPanic)))
}

/// Open `path` behind the guard, refuse our own outputs, and locate the tables: the part of
/// reading that [`read_form`] and [`read_identity`] share, so both fail on the same files.
fn open_form(
    path: &Path,
    limits: &Limits,
    known: Option<&Inspected>,
) -> Result<(Workbook, Form, locate::Found), ReadError> {
    let mut workbook = Workbook::open_known(path, limits, known)?;
    let meta = workbook.meta();
    let meta_value = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if let Some(kind) = meta_value(crate::marker::OUTPUT_KEY) {
        return Err(ReadError::OwnOutput { kind });
    }
    let mut form = Form::empty(path.to_path_buf());
    form.template_version = meta_value("template_version");
    let found = locate::find_tables(&mut workbook)?;
    Ok((workbook, form, found))
}

/// What the ledger's first pass needs of a file: the form with its 单位信息 (code, name,
/// 填报日期, ...) and, for each organization row [`read_form`] would keep, a record holding
/// only its normalized 党组织编码 and 党组织名称, at the same index and row. No other column
/// is normalized, nothing is validated or classified, and `issues` is not complete: use it
/// for attribution (owner, version, cross-unit keys), never for a report. A file fails here
/// exactly when [`read_form`] fails, with the same error. With the form comes what the guard
/// found, for [`read_form_known`] on the same file.
pub fn read_identity(path: &Path, limits: &Limits) -> Result<(Form, Inspected), ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (mut workbook, mut form, found) = open_form(path, limits, None)?;
        unit_info::read_unit_info(&mut workbook, &found, &mut form)?;
        if let Some(table) = found.organizations {
            let keys = [crate::schema::org::CODE, crate::schema::org::NAME];
            extract::extract_keys(&table, &crate::schema::ORGANIZATIONS, &keys, &mut form);
            form.org_table = Some(table.location);
        }
        Ok((form, workbook.inspected))
    }))
    .unwrap_or(Err(ReadError::Rejected(guard::Rejection::ParserPanic)))
}

/// The whole read of one file; "unguarded" against panics ([`read_form_known`] catches them),
/// never against hostile content: the guard runs in [`open_form`].
fn read_unguarded(
    path: &Path,
    limits: &Limits,
    known: Option<&Inspected>,
) -> Result<Form, ReadError> {
    let (mut workbook, mut form, mut found) = open_form(path, limits, known)?;
    form.issues.append(&mut found.issues);
    unit_info::read_unit_info(&mut workbook, &found, &mut form)?;
    if let Some(table) = found.organizations {
        extract::extract(&table, &crate::schema::ORGANIZATIONS, &mut form, true);
        form.org_table = Some(table.location);
    }
    if let Some(table) = found.coverage {
        extract::extract(&table, &crate::schema::COVERAGE, &mut form, false);
        form.coverage_table = Some(table.location);
    }
    validate::validate(&mut form);
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::org;

    /// Pass 1 of the streamed ledger decides from [`read_identity`] what pass 2 and the
    /// in-memory ledger decide from [`read_form`]: the same files fail with the same issue,
    /// the others carry the same 单位信息 and the same organizations' rows, codes and names.
    #[test]
    fn identity_agrees_with_the_full_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let limits = Limits::default();
        let mut seen = 0;
        for dir in ["samples", "tests/data"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.unwrap();
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let (full, identity) = (read_form(path, &limits), read_identity(path, &limits));
                match (full, identity) {
                    (Ok(full), Ok((identity, inspected))) => {
                        assert!(inspected.holds_for(path));
                        let again = read_form_known(path, &limits, Some(&inspected)).unwrap();
                        assert_eq!(again.issues, full.issues, "{path:?}");
                        assert_eq!(full.unit, identity.unit, "{path:?}");
                        assert_eq!(full.org_table, identity.org_table, "{path:?}");
                        let keys = |f: &Form| -> Vec<(u32, Option<String>, Option<String>)> {
                            f.organizations
                                .iter()
                                .map(|r| {
                                    let text = |c| r.text(c).map(str::to_string);
                                    (r.row, text(org::CODE), text(org::NAME))
                                })
                                .collect()
                        };
                        assert_eq!(keys(&full), keys(&identity), "{path:?}");
                    }
                    (Err(full), Err(identity)) => {
                        assert_eq!(full.to_issue(), identity.to_issue(), "{path:?}");
                    }
                    (full, identity) => panic!(
                        "{path:?}: the full read gave {:?}, the identity {:?}",
                        full.err(),
                        identity.err()
                    ),
                }
                seen += 1;
            }
        }
        assert!(seen > 20, "only {seen} files");
    }
}
