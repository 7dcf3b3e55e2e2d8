//! Operating-system errors in Chinese: what happened, by kind, and what to do about it. The
//! system's own text is English (or the machine's language) and is never shown.

use std::io::{Error, ErrorKind};

/// What went wrong, as a short phrase: "不存在", "没有权限"….
pub fn describe(e: &Error) -> String {
    if let Some(busy) = windows_busy(e) {
        return busy.to_string();
    }
    let phrase = match e.kind() {
        ErrorKind::NotFound => "不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "已有同名的文件或文件夹",
        ErrorKind::StorageFull => "磁盘空间不足",
        ErrorKind::QuotaExceeded => "超出了磁盘配额",
        ErrorKind::ReadOnlyFilesystem => "所在的磁盘是只读的",
        ErrorKind::IsADirectory => "是一个文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一段不是文件夹",
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的",
        ErrorKind::InvalidFilename => "文件名无效或过长",
        ErrorKind::FileTooLarge => "文件过大",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => "被其他程序占用",
        ErrorKind::CrossesDevices => "不能跨磁盘移动",
        ErrorKind::TimedOut => "操作超时",
        ErrorKind::Interrupted => "操作被中断",
        ErrorKind::UnexpectedEof => "文件在读取中途结束，内容不完整",
        ErrorKind::InvalidData => "内容无法识别",
        ErrorKind::OutOfMemory => "内存不足",
        ErrorKind::Unsupported => "此操作在本系统上不受支持",
        ErrorKind::TooManyLinks => "链接过多",
        ErrorKind::StaleNetworkFileHandle
        | ErrorKind::NetworkDown
        | ErrorKind::NetworkUnreachable
        | ErrorKind::HostUnreachable
        | ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe => "网络或共享文件夹连接中断",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("系统错误（代码 {code}）"),
                None => "系统错误".to_string(),
            }
        }
    };
    phrase.to_string()
}

/// What a clerk can do about it, as a sentence (empty when there is nothing to add).
pub fn advice(e: &Error) -> &'static str {
    if windows_busy(e).is_some() {
        return "请关闭正在打开该文件的程序（如 Excel、WPS）后重试";
    }
    match e.kind() {
        ErrorKind::NotFound => "请确认路径无误，文件没有被移走或改名",
        ErrorKind::PermissionDenied => {
            "请确认有读写权限，文件没有设为只读，也没有在 Excel、WPS 中打开"
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "请清理磁盘空间后重试",
        ErrorKind::ReadOnlyFilesystem => "请换一个可以写入的位置",
        ErrorKind::InvalidFilename => "请换一个短一些的文件名或文件夹",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => {
            "请关闭正在使用该文件的程序后重试"
        }
        _ => "",
    }
}

/// [`describe`], then [`advice`] when there is any: "不存在。请确认…".
pub fn sentence(e: &Error) -> String {
    match advice(e) {
        "" => describe(e),
        advice => format!("{}。{advice}", describe(e)),
    }
}

/// Windows' sharing and lock violations (a file open in Excel), which std files under no kind
/// of their own.
fn windows_busy(e: &Error) -> Option<&'static str> {
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_LOCK_VIOLATION: i32 = 33;
    match (cfg!(windows), e.raw_os_error()) {
        (true, Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)) => {
            Some("被其他程序占用（可能正在 Excel 或 WPS 中打开）")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_a_chinese_phrase_with_fitting_advice() {
        let missing = Error::from(ErrorKind::NotFound);
        assert_eq!(describe(&missing), "不存在");
        assert!(advice(&missing).contains("移走或改名"));
        assert!(
            !advice(&missing).contains("占用"),
            "a missing file is not busy"
        );
        let denied = Error::from(ErrorKind::PermissionDenied);
        assert_eq!(sentence(&denied), format!("没有权限。{}", advice(&denied)));
        assert_eq!(
            describe(&Error::from(ErrorKind::StorageFull)),
            "磁盘空间不足"
        );
        assert!(describe(&Error::from(ErrorKind::InvalidFilename)).contains("过长"));
        // Unknown kinds: the code, never the system's English text.
        let odd = Error::from_raw_os_error(9999);
        let text = describe(&odd);
        assert!(text.starts_with("系统错误"), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        assert_eq!(describe(&Error::other("boom")), "系统错误");
    }

    #[test]
    fn real_system_errors_come_out_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let missing = std::fs::read(dir.path().join("没有.xlsx")).unwrap_err();
        assert_eq!(describe(&missing), "不存在");
        let a_folder = std::fs::File::open(dir.path()).and_then(|mut f| {
            use std::io::Read;
            f.read(&mut [0; 4])
        });
        if let Err(e) = a_folder {
            assert!(!describe(&e).chars().any(|c| c.is_ascii_alphabetic()));
        }
        let long = dir.path().join("长".repeat(200));
        let too_long = std::fs::write(long, b"x").unwrap_err();
        assert_eq!(describe(&too_long), "文件名无效或过长");
    }
}
