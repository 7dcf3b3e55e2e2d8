//! Saving an output workbook so that nobody ever sees half of it.
//!
//! The workbook is written to a temporary file beside the target and renamed into place: an
//! interrupted run leaves the previous file (or none) intact, never a broken one. Every output
//! of taizhang (issued form, feedback, ledger, upgrade report) is saved through
//! [`save_output`], which checks [`crate::output`]'s rule once more just before the rename.

use rust_xlsxwriter::{Workbook, XlsxError};
use std::path::{Path, PathBuf};

/// `name` with the characters Windows and Linux refuse in a file name (and control
/// characters) replaced by `_`: output files are named after units, and unit names are typed.
pub fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// Why an output workbook could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file at the target may not be replaced (checked again just before saving).
    #[error(transparent)]
    Refused(#[from] crate::output::OutputError),
    /// The folder of the target is missing or not writable.
    #[error("无法在 {dir} 中创建临时文件：{}", crate::os_error::sentence(source))]
    CreateTemp {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Laying out or compressing the workbook failed.
    #[error("写入 {path} 失败：{}", xlsx_words(source))]
    Write {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The finished file could not be renamed into place (or given its permissions).
    #[error("无法保存为 {path}：{}", crate::os_error::sentence(source))]
    Persist {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Save `workbook` as `path`, taizhang's output of `kind`, when [`crate::output::may_replace`]
/// allows it (`force`: the user said so).
pub fn save_output(
    workbook: &mut Workbook,
    path: &Path,
    kind: crate::output::Kind,
    force: bool,
) -> Result<(), SaveError> {
    crate::output::may_replace(path, kind, force)?;
    save_workbook(workbook, path)
}

/// Save `workbook` as `path` through a temporary file in the same folder, whatever is there:
/// outputs go through [`save_output`].
pub fn save_workbook(workbook: &mut Workbook, path: &Path) -> Result<(), SaveError> {
    let dir = crate::output::folder_of(path);
    let mut temp = tempfile::Builder::new()
        .prefix(crate::output::TEMP_PREFIX)
        .suffix(crate::output::TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|source| SaveError::CreateTemp {
            dir: dir.to_path_buf(),
            source,
        })?;
    workbook
        .save_to_writer(temp.as_file_mut())
        .map_err(|source| SaveError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    let persist_error = |source| SaveError::Persist {
        path: path.to_path_buf(),
        source,
    };
    // A temporary file is private to its owner (0600); an output is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        temp.as_file()
            .set_permissions(mode)
            .map_err(persist_error)?;
    }
    temp.persist(path).map_err(|e| persist_error(e.error))?;
    Ok(())
}

/// What the workbook writer refused, in Chinese: an operating-system error as a sentence, the
/// limits of a workbook by name, anything else as the internal error it is (never the
/// writer's English words).
pub fn xlsx_words(e: &rust_xlsxwriter::XlsxError) -> String {
    use rust_xlsxwriter::XlsxError;
    match e {
        XlsxError::IoError(io) | XlsxError::TempFileError(_, io) => crate::os_error::sentence(io),
        XlsxError::MaxStringLengthExceeded => {
            "某个单元格的文字超过 Excel 的上限（32767 个字符）".to_string()
        }
        XlsxError::RowColumnLimitError => "超出 Excel 工作表的行列上限".to_string(),
        XlsxError::ZipError(_) => "压缩工作簿时出错".to_string(),
        _ => "生成工作簿时出现内部错误，请把输入文件和本消息交给维护人员".to_string(),
    }
}

#[cfg(test)]
mod tests {
    /// The writer's refusals are said in Chinese, whatever they are.
    #[test]
    fn writer_errors_are_chinese() {
        use rust_xlsxwriter::XlsxError;
        let full = std::io::Error::from_raw_os_error(28);
        for (error, wanted) in [
            (XlsxError::MaxStringLengthExceeded, "32767"),
            (XlsxError::IoError(full), "磁盘"),
            (XlsxError::ChartError("bad chart".into()), "内部错误"),
        ] {
            let words = xlsx_words(&error);
            assert!(words.contains(wanted), "{words}");
            let english = words.replace("Excel", "");
            assert!(!english.chars().any(|c| c.is_ascii_alphabetic()), "{words}");
        }
    }

    use super::*;

    #[test]
    fn unit_names_become_file_names_without_separators_or_reserved_characters() {
        assert_eq!(
            safe_file_name("城关镇/东街:社区*?.xlsx"),
            "城关镇_东街_社区__.xlsx"
        );
        assert_eq!(safe_file_name("a\\b\"c<d>e|f\tg"), "a_b_c_d_e_f_g");
        assert_eq!(safe_file_name("青山县卫生健康局"), "青山县卫生健康局");
    }

    #[test]
    fn saves_readable_files_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.xlsx");
        let mut book = Workbook::new();
        book.add_worksheet().write(0, 0, "台账").unwrap();
        save_workbook(&mut book, &path).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("out.xlsx")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
    }

    #[test]
    fn a_missing_folder_is_a_create_temp_error_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/out.xlsx");
        let mut book = Workbook::new();
        book.add_worksheet();
        let err = save_workbook(&mut book, &path).unwrap_err();
        assert!(matches!(err, SaveError::CreateTemp { .. }), "{err:?}");
        assert!(!path.exists());
    }
}
