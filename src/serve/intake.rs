//! Receiving, checking and storing an upload.
//!
//! An upload is streamed into a temporary file of ours in `INBOX/.taizhang/上传/`, named at
//! random; only its extension is taken from the clerk's file name (letters and digits only),
//! because the guard's message for a WPS `.et` file or a `.csv` depends on it, and the result
//! must be the same as `taizhang check` on that file. The check is [`crate::check::check_file`]
//! itself. On submission the file is moved, never copied over anything, to
//! `INBOX/<单位代码>/<单位代码>_<时间>_<摘要>.<ext>` with the extension of the format the guard
//! found in its content; then the log line is written. If the line cannot be written the file
//! is taken back out, so the inbox never holds a submission the log does not know; a line
//! written but not synced keeps its file (the log most likely holds it).

use super::{App, Who};
use crate::check::FileReport;
use crate::intake_log::{Event, Submitted};
use axum::extract::multipart::{Field, Multipart, MultipartError};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tempfile::NamedTempFile;

/// The folder of uploads being checked, in the private folder.
pub const UPLOADS: &str = "上传";
/// How long a checked upload waits for its 提交.
const PENDING_FOR: Duration = Duration::from_secs(2 * 3600);
/// Checked uploads kept per unit (a clerk checks a few versions before sending one); older
/// ones are dropped, so nobody fills the disk by checking.
const PENDING_PER_CALLER: usize = 5;

/// Remove the uploads and ledgers of ours in `dir` that a stopped server left (older than
/// [`crate::output::STALE_TEMP`]: a younger one may belong to another server on this inbox).
pub fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let ours = name.starts_with("upload-") || name.starts_with("ledger-");
        let old = (entry.metadata().ok())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > crate::output::STALE_TEMP);
        if ours && old && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A file received and written to a temporary file of ours.
#[derive(Debug)]
pub struct Upload {
    pub file: NamedTempFile,
    /// The name on the clerk's computer (shown only).
    pub original_name: String,
    pub size: u64,
    pub blake3: String,
}

/// The form fields of an upload: the file and the optional 说明.
#[derive(Debug, Default)]
pub struct Fields {
    pub upload: Option<Upload>,
    pub reason: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
    pub other: HashMap<String, String>,
}

/// Why a request's upload could not be taken.
#[derive(Debug)]
pub enum Refusal {
    /// Over `--max-upload`.
    TooLarge,
    /// The request was cut off or malformed.
    Broken,
    /// Our temporary file could not be written.
    Disk(String),
    /// A text field (the 说明) longer than [`super::MAX_TEXT`] characters: how long it is.
    TextTooLong(usize),
}

impl Refusal {
    pub fn message(&self, max_upload: u64) -> String {
        match self {
            Refusal::TooLarge => too_large(max_upload),
            Refusal::Broken => "上传没有完成（网络中断或请求不完整），请重新上传".to_string(),
            Refusal::Disk(why) => format!("服务器无法保存上传的文件：{why}"),
            Refusal::TextTooLong(chars) => text_too_long("说明", *chars),
        }
    }

    /// The status a refusal is answered with.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Broken => StatusCode::BAD_REQUEST,
            Refusal::Disk(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::TextTooLong(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// The message for a `what` (说明, 审核意见) of `chars` characters, over [`super::MAX_TEXT`].
pub fn text_too_long(what: &str, chars: usize) -> String {
    format!(
        "{what}有 {chars} 字，超过 {} 字的上限，请精简后再提交",
        super::MAX_TEXT
    )
}

/// The 413 message.
pub fn too_large(max_upload: u64) -> String {
    format!(
        "文件超过网上报送的大小限制（{} MB）；一个县的调查表通常不到 1 MB，请确认选的是调查表",
        max_upload / (1024 * 1024)
    )
}

/// Read the multipart fields: the file streamed to disk, the rest as short texts.
pub async fn read_fields(app: &App, mut multipart: Multipart) -> Result<Fields, Refusal> {
    let mut fields = Fields::default();
    while let Some(field) = multipart.next_field().await.map_err(refusal)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let upload = receive(app, field).await?;
            fields.upload = upload.filter(|u| u.size > 0 || !u.original_name.is_empty());
            continue;
        }
        let text = field.text().await.map_err(refusal)?;
        let chars = text.chars().count();
        if chars > super::MAX_TEXT {
            return Err(Refusal::TextTooLong(chars));
        }
        match name.as_str() {
            "reason" => fields.reason = Some(text).filter(|t| !t.trim().is_empty()),
            "csrf" => fields.csrf = Some(text),
            "token" => fields.token = Some(text),
            _ => {
                fields.other.insert(name, text);
            }
        }
    }
    Ok(fields)
}

fn refusal(e: MultipartError) -> Refusal {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        Refusal::TooLarge
    } else {
        Refusal::Broken
    }
}

/// Stream one file field into a temporary file, hashing as it goes. The file is written and
/// synced on a blocking thread ([`write_upload`]): 20 MB of disk writes never hold up the
/// async threads.
async fn receive(app: &App, mut field: Field<'_>) -> Result<Option<Upload>, Refusal> {
    let original_name = field.file_name().unwrap_or_default().to_string();
    if original_name.is_empty() {
        // A form sent with no file chosen.
        while field.chunk().await.map_err(refusal)?.is_some() {}
        return Ok(None);
    }
    let (to_writer, chunks) = tokio::sync::mpsc::channel(8);
    let (folder, ext) = (
        app.private_dir().join(UPLOADS),
        extension_of(&original_name),
    );
    let writer = tokio::task::spawn_blocking(move || write_upload(&folder, &ext, chunks));
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(refusal)? {
        size += chunk.len() as u64;
        if size > app.options.max_upload {
            return Err(Refusal::TooLarge);
        }
        if to_writer.send(Some(chunk)).await.is_err() {
            break; // the writer failed: its error is below
        }
    }
    let _ = to_writer.send(None).await;
    let disk = |e: std::io::Error| Refusal::Disk(crate::os_error::sentence(&e));
    let written = writer
        .await
        .map_err(|_| Refusal::Disk("写入中断".to_string()))?;
    let (file, blake3) = written.map_err(disk)?;
    Ok(Some(Upload {
        file,
        original_name,
        size,
        blake3,
    }))
}

/// Write the chunks into a new temporary file in `folder` (blocking), hashing them, and sync
/// it once `None` (the end) arrives; a channel closed before it (the upload refused) leaves
/// nothing. The file and its BLAKE3 hash.
fn write_upload(
    folder: &Path,
    ext: &str,
    mut chunks: tokio::sync::mpsc::Receiver<Option<axum::body::Bytes>>,
) -> std::io::Result<(NamedTempFile, String)> {
    let mut file = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(&format!(".{ext}"))
        .tempfile_in(folder)?;
    let mut hasher = blake3::Hasher::new();
    while let Some(chunk) = chunks.blocking_recv() {
        let Some(chunk) = chunk else {
            file.as_file().sync_all()?;
            return Ok((file, hasher.finalize().to_hex().to_string()));
        };
        hasher.update(&chunk);
        file.write_all(&chunk)?;
    }
    Err(std::io::Error::other("上传未完成"))
}

/// The extension of the clerk's file name when it is a plain one (`xlsx`, `et`, `csv`…),
/// else `bin`: letters and digits only, so nothing of the name reaches a path but this.
pub fn extension_of(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    let plain = !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    if plain {
        ext
    } else {
        "bin".to_string()
    }
}

/// Check an upload exactly as `taizhang check` checks a file (blocking): with
/// `--stage` (or a `--deadline`, which names the round due by it) as `check --stage` does, so
/// a return of the other round is told so before it is sent (E406).
pub fn check(app: &App, path: &Path) -> FileReport {
    use crate::stage::StageRule;
    let mut report = crate::check::check_file(path, &app.check_options());
    let given = app.options.stage.map(StageRule::Given);
    if let Some(rule) = given.or(app.options.deadline.map(StageRule::Deadline)) {
        crate::stage::flag_not_collected(&mut report, &rule.decide([]));
    }
    report
}

/// Why a submission was not stored.
#[derive(Debug)]
pub enum NotStored {
    /// The file could not be read at all (its file-level issue says why).
    Unreadable,
    /// Errors and no 说明.
    NeedsReason,
    /// The form is another unit's: (its unit as filled in).
    OtherUnit(String),
    /// Only a unit submits.
    NotAUnit,
    /// The disk or the log failed.
    Failed(String),
}

impl NotStored {
    /// The status a submission not stored is answered with, page or API alike.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            NotStored::Unreadable | NotStored::NeedsReason => StatusCode::UNPROCESSABLE_ENTITY,
            NotStored::OtherUnit(_) | NotStored::NotAUnit => StatusCode::FORBIDDEN,
            NotStored::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self, app: &App, who: Who) -> String {
        match self {
            NotStored::Unreadable => "文件无法读取，未提交；请按检查结果处理后重新上传".to_string(),
            NotStored::NeedsReason => "报表有错误：请修改后重新上传；确需按现状提交的，请在“说明”中写明原因".to_string(),
            NotStored::OtherUnit(theirs) => format!(
                "这份报表填的是“{theirs}”，不是本单位（{}）的报表，未提交；请上传本单位的报表，或由该单位用自己的口令报送",
                app.name_of(who)
            ),
            NotStored::NotAUnit => "组织部的口令只能检查和审核，不能代单位提交；请用该单位的口令提交".to_string(),
            NotStored::Failed(why) => format!("服务器未能保存报表：{why}；请稍后重新提交"),
        }
    }
}

/// The roster unit a checked form names, when it names one other than `unit`.
pub fn other_unit(app: &App, report: &FileReport, unit: usize) -> Option<String> {
    let form = report.form.as_ref()?;
    let roster = &app.options.roster;
    let by_code = form.unit_code().and_then(|c| roster.by_code(c));
    let by_name = form.unit_name().and_then(|n| roster.by_name(n));
    let named = by_code.or(by_name)?;
    (named != unit).then(|| {
        let u = &roster.units[named];
        format!("{}（单位代码 {}）", u.name, u.code)
    })
}

/// Store a checked upload as a submission of `who` (blocking): moved into the unit's folder,
/// logged. The submission's number.
pub fn submit(
    app: &App,
    who: Who,
    upload: &Upload,
    report: &FileReport,
    reason: Option<String>,
) -> Result<u64, NotStored> {
    let Who::Unit(unit) = who else {
        return Err(NotStored::NotAUnit);
    };
    let Some(form) = report.form.as_ref() else {
        return Err(NotStored::Unreadable);
    };
    if report.errors() > 0 && reason.is_none() {
        return Err(NotStored::NeedsReason);
    }
    if let Some(theirs) = other_unit(app, report, unit) {
        return Err(NotStored::OtherUnit(theirs));
    }
    let _unit_lock = app.unit_lock(unit).lock().expect("unit lock");
    let code = &app.options.roster.units[unit].code;
    let (stored, relative) = store(app, code, upload, &form.path)?;
    let verdict = crate::report::verdict(&named(report, &upload.original_name));
    let logged = app.append(|id| {
        let event = Event::Submitted(Submitted {
            id,
            unit_code: code.clone(),
            unit_name: app.options.roster.units[unit].name.clone(),
            original_name: upload.original_name.clone(),
            stored: relative.clone(),
            arrived_at: super::now_text(),
            size: upload.size,
            blake3: upload.blake3.clone(),
            verdict,
            errors: report.errors(),
            warnings: report.warnings(),
            reason,
        });
        (event, id)
    });
    logged.map_err(|e| {
        // Taken back out only when its line is surely not in the log: a line written but not
        // synced most likely is, and then the file is a submission the log knows.
        if !matches!(e, crate::intake_log::LogError::Sync { .. }) {
            let _ = std::fs::remove_file(&stored);
        }
        NotStored::Failed(e.to_string())
    })
}

/// Move the upload to its place in the unit's folder under a new name; (path, relative path).
fn store(
    app: &App,
    code: &str,
    upload: &Upload,
    read_as: &Path,
) -> Result<(PathBuf, String), NotStored> {
    let failed = |e: std::io::Error| NotStored::Failed(crate::os_error::sentence(&e));
    let folder_name = crate::save::safe_file_name(code);
    let folder = app.inbox().join(&folder_name);
    std::fs::create_dir_all(&folder).map_err(failed)?;
    let ext = match crate::read::guard::inspect(read_as, &app.options.check.limits) {
        Ok(format) => sniffed_extension(format, &extension_of(&upload.original_name)),
        Err(_) => "xlsx",
    };
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let base = format!("{folder_name}_{stamp}_{}", &upload.blake3[..8]);
    // The same content sent twice within a second: `-2`, `-3`… rather than a failure.
    let mut tries = (1..=99).map(|n| match n {
        1 => format!("{base}.{ext}"),
        n => format!("{base}-{n}.{ext}"),
    });
    let (path, name) = loop {
        let Some(name) = tries.next() else {
            let taken = std::io::Error::from(std::io::ErrorKind::AlreadyExists);
            return Err(failed(taken));
        };
        let path = folder.join(&name);
        if place_new(upload.file.path(), &path).map_err(failed)? {
            break (path, name);
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
    }
    Ok((path, format!("{folder_name}/{name}")))
}

/// Put `from` at `to` unless that name is taken (whether it was put). A hard link fails when
/// the name is taken: nothing is ever written over. Where links are not to be had (FAT, some
/// network drives), a copy into a file that must be new.
fn place_new(from: &Path, to: &Path) -> std::io::Result<bool> {
    let linked = match std::fs::hard_link(from, to) {
        Ok(()) => return Ok(true),
        Err(e) => e,
    };
    match copy_new(from, to) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(_) if linked.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Copy `from` into a new file `to` (never one that exists), synced.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    let copied =
        std::io::copy(&mut std::fs::File::open(from)?, &mut target).and_then(|_| target.sync_all());
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// The extension of the format found in the content; `.xlsm` (an xlsx with macros) keeps its
/// own, as `given` by the clerk's file name.
fn sniffed_extension(format: crate::read::guard::Format, given: &str) -> &'static str {
    use crate::read::guard::Format;
    match format {
        Format::Xlsx if given == "xlsm" => "xlsm",
        Format::Xlsx => "xlsx",
        Format::Xls => "xls",
        Format::Ods => "ods",
        Format::Xlsb => "xlsb",
    }
}

/// The report as the clerk should see it: under the name of their file, not ours.
pub fn named(report: &FileReport, original_name: &str) -> FileReport {
    FileReport {
        path: PathBuf::from(original_name),
        ..report.clone()
    }
}

/// Uploads checked on a page and waiting for their 提交, by a random token.
#[derive(Default)]
pub struct Pending {
    uploads: Mutex<HashMap<String, Checked>>,
}

/// A checked upload.
pub struct Checked {
    pub who: Who,
    pub upload: Upload,
    pub report: FileReport,
    at: Instant,
}

impl Pending {
    /// Keep `upload` for its 提交; its token. Old ones are dropped (their files removed).
    pub fn keep(&self, who: Who, upload: Upload, report: FileReport) -> Option<String> {
        let token = super::codes::hex(&super::codes::random_bytes::<16>().ok()?);
        let mut uploads = self.uploads.lock().expect("pending lock");
        uploads.retain(|_, c| c.at.elapsed() < PENDING_FOR);
        let mut mine: Vec<(Instant, String)> = (uploads.iter())
            .filter(|(_, c)| c.who == who)
            .map(|(token, c)| (c.at, token.clone()))
            .collect();
        mine.sort();
        let surplus = (mine.len() + 1).saturating_sub(PENDING_PER_CALLER);
        for (_, token) in mine.into_iter().take(surplus) {
            uploads.remove(&token);
        }
        let checked = Checked {
            who,
            upload,
            report,
            at: Instant::now(),
        };
        uploads.insert(token.clone(), checked);
        Some(token)
    }

    /// Take the upload of `token` when it is `who`'s.
    pub fn take(&self, token: &str, who: Who) -> Option<Checked> {
        let mut uploads = self.uploads.lock().expect("pending lock");
        if uploads.get(token)?.who != who {
            return None;
        }
        uploads.remove(token)
    }

    /// Put an upload back (its 提交 was refused and may be tried again with a 说明).
    pub fn put_back(&self, token: &str, checked: Checked) {
        self.uploads
            .lock()
            .expect("pending lock")
            .insert(token.to_string(), checked);
    }

    /// Run `f` on the upload of `token` when it is `who`'s.
    pub fn with<T>(&self, token: &str, who: Who, f: impl FnOnce(&Checked) -> T) -> Option<T> {
        let uploads = self.uploads.lock().expect("pending lock");
        uploads.get(token).filter(|c| c.who == who).map(f)
    }
}
