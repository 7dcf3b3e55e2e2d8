//! 网上报送: the web intake (`taizhang serve`).
//!
//! One server on one office machine; townships open its address in whatever browser they have.
//! A clerk signs in with the unit's 报送口令, uploads the filled form and sees at once what
//! `taizhang check` would say (the same [`crate::check::check_file`], behind the same guard),
//! downloads the feedback workbook, and submits: freely without errors, with a written 说明
//! when there are some. The department signs in with its own code, sees 报送情况 live (the
//! same pipeline as `taizhang status`), returns or accepts each submission with a comment, and
//! downloads the ledger (the same pipeline as `taizhang ledger INBOX`).
//!
//! # State
//!
//! The inbox is the only state, so a restart loses nothing:
//! - accepted files, stored under generated names in one folder per unit
//!   (`INBOX/<单位代码>/<单位代码>_<时间>_<摘要>.xlsx`), never overwritten;
//! - the submissions log `INBOX/报送记录.jsonl` ([`crate::intake_log`]), appended one line
//!   per event under a lock and synced, which `ledger`, `status` and `watch` read as well;
//! - the access log `INBOX/访问日志.jsonl` (written off the async threads, not synced line by
//!   line: a record for people, not state);
//! - the private folder `INBOX/.taizhang/` (hidden: the ledger never walks into it): the
//!   hashed codes ([`codes`]), uploads being checked, ledgers being built, and the lock a
//!   running server holds ([`SERVER_LOCK`]): a second server on the same inbox refuses to start.
//!
//! Sessions and the count of wrong codes live in memory: a restart asks for the code again.
//!
//! # Work
//!
//! Reading a workbook is blocking CPU work: it runs on tokio's blocking threads, at most
//! [`ServeOptions::workers`] at a time with a short queue behind them ([`work`]); past that a
//! request is told "服务器正忙，请稍后再试" (503) at once rather than piling up. Nothing from a
//! request is ever used as a path: uploads are written to a temporary file of ours first, and
//! a submission is moved to a name made of the unit's code, the time and its hash.
//!
//! # Modules
//!
//! [`codes`] issues and checks the access codes, [`actions`] is what the routes do whatever
//! answers them, [`auth`] keeps sessions, the CSRF token and
//! the slow-down after wrong codes, [`intake`] receives, checks and stores uploads, [`api`] is
//! the JSON interface for scripts and [`pages`] the HTML the clerks see ([`html`] lays it out).

pub mod actions;
pub mod api;
pub mod auth;
pub mod codes;
pub mod html;
pub mod intake;
pub mod pages;
pub mod work;

use crate::check::CheckOptions;
use crate::intake_log::{self, Log};
use crate::roster::Roster;
use crate::stage::SurveyStage;
use crate::status::{Expectation, StatusReport};
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use codes::Who;

/// The default upload limit: a county form is well under 1 MiB; a province-wide merged sheet
/// of 100,000 rows is about 20 MiB.
pub const DEFAULT_MAX_UPLOAD: u64 = 20 * 1024 * 1024;

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub inbox: PathBuf,
    pub roster: Roster,
    /// `--roster`, `--rules`: the files the ledger is built with (never written over).
    pub roster_path: PathBuf,
    pub rules_path: Option<PathBuf>,
    pub check: CheckOptions,
    pub deadline: Option<NaiveDate>,
    pub stage: Option<SurveyStage>,
    /// The workbook the access codes are written into.
    pub codes: PathBuf,
    pub max_upload: u64,
    /// Workbooks read at once, and requests waiting for a turn beyond those.
    pub workers: usize,
    pub queue: usize,
    /// The session cookie is sent only over HTTPS.
    pub secure_cookies: bool,
    /// A connection that has not sent a whole request head in this time is closed.
    pub header_timeout: Duration,
    /// A request not answered in this time (an upload that trickles in) is answered 408.
    pub request_timeout: Duration,
    /// The department's decisions workbook (`--decisions`), read for each ledger built.
    pub decisions: Option<PathBuf>,
}

/// [`ServeOptions::header_timeout`] by default.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// [`ServeOptions::request_timeout`] by default: 20 MB at 256 kbit/s takes about 11 minutes.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15 * 60);

impl ServeOptions {
    pub fn new(inbox: PathBuf, roster: Roster, roster_path: PathBuf, codes: PathBuf) -> Self {
        ServeOptions {
            inbox,
            roster,
            roster_path,
            rules_path: None,
            check: CheckOptions::default(),
            deadline: None,
            stage: None,
            codes,
            max_upload: DEFAULT_MAX_UPLOAD,
            workers: 2,
            queue: 4,
            secure_cookies: false,
            header_timeout: HEADER_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            decisions: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("找不到收件文件夹 {}", .0.display())]
    NoInbox(PathBuf),
    #[error("无法在收件文件夹中建立本程序的文件夹“{}”：{}", path.display(), crate::os_error::sentence(source))]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("另一个网上报送服务正在使用收件文件夹 {}（本机或另一台电脑上已开启 taizhang serve）；同一收件文件夹只能开一个服务，请先关闭那一个", .0.display())]
    InUse(PathBuf),
    #[error("口令表 {} 在收件文件夹之内：口令表写的是明文口令，收件文件夹只能存口令的摘要；请用 --codes 把口令表放在收件文件夹之外", .0.display())]
    CodesInInbox(PathBuf),
    #[error(transparent)]
    Codes(#[from] codes::CodesError),
    #[error(transparent)]
    Log(#[from] intake_log::LogError),
}

/// The server's state: settings, codes, sessions, the log in memory.
pub struct App {
    pub options: ServeOptions,
    pub codes: codes::Codes,
    pub auth: auth::Auth,
    pub work: work::Work,
    /// The submissions log as on disk (events appended to both under `log_lock`).
    log: RwLock<Log>,
    log_lock: Mutex<()>,
    /// One lock per unit: two submissions of a unit are stored one after the other.
    unit_locks: Vec<Mutex<()>>,
    pub pending: intake::Pending,
    /// Locked for the server's life ([`SERVER_LOCK`]): one server per inbox.
    _lock: std::fs::File,
}

/// The lock file in the private folder that a running server holds: a second server on the
/// same inbox would hand out the same submission numbers.
pub const SERVER_LOCK: &str = "服务运行中.lock";

impl App {
    /// Open the inbox: the private folder made, the codes issued or loaded, the log read.
    pub fn open(options: ServeOptions) -> Result<(Arc<App>, codes::Issued), ServeError> {
        if !options.inbox.is_dir() {
            return Err(ServeError::NoInbox(options.inbox.clone()));
        }
        if is_inside(&options.codes, &options.inbox) {
            return Err(ServeError::CodesInInbox(options.codes.clone()));
        }
        let private = options.inbox.join(intake_log::PRIVATE_DIR);
        for dir in [private.clone(), private.join(intake::UPLOADS)] {
            std::fs::create_dir_all(&dir).map_err(|source| ServeError::Private {
                path: dir.clone(),
                source,
            })?;
        }
        let lock = lock_inbox(&options.inbox, &private)?;
        intake::remove_leftovers(&private.join(intake::UPLOADS));
        intake::remove_leftovers(&private);
        let (codes, issued) = codes::Codes::ensure(&private, &options.roster, &options.codes)?;
        let log = Log::load(&options.inbox)?;
        let app = App {
            codes,
            auth: auth::Auth::new(options.secure_cookies),
            work: work::Work::new(options.workers, options.queue),
            log: RwLock::new(log),
            log_lock: Mutex::new(()),
            unit_locks: options
                .roster
                .units
                .iter()
                .map(|_| Mutex::new(()))
                .collect(),
            pending: intake::Pending::default(),
            _lock: lock,
            options,
        };
        Ok((Arc::new(app), issued))
    }

    pub fn inbox(&self) -> &Path {
        &self.options.inbox
    }

    pub fn private_dir(&self) -> PathBuf {
        self.options.inbox.join(intake_log::PRIVATE_DIR)
    }

    /// The log as it stands (a copy: readers never hold the lock while rendering).
    pub fn log(&self) -> Log {
        self.log.read().expect("log lock").clone()
    }

    /// Append an event to the log on disk, then to the copy in memory; `make` is given the
    /// next submission number, after the last one in the log on disk. Under the log's lock:
    /// one writer at a time. A [`intake_log::LogError::Sync`] means the line was written.
    pub fn append<T>(
        &self,
        make: impl FnOnce(u64) -> (intake_log::Event, T),
    ) -> Result<T, intake_log::LogError> {
        let _guard = self.log_lock.lock().expect("log lock");
        // The log as on disk, not as remembered: a number is never given twice, whatever
        // was appended since (by hand, or a line this server could not sync).
        let on_disk = Log::load(self.inbox())?;
        let (event, out) = make(on_disk.next_id());
        *self.log.write().expect("log lock") = on_disk;
        let appended = intake_log::append(self.inbox(), &event);
        if matches!(appended, Ok(()) | Err(intake_log::LogError::Sync { .. })) {
            self.log.write().expect("log lock").events.push(event);
        }
        appended.map(|()| out)
    }

    pub fn unit_lock(&self, unit: usize) -> &Mutex<()> {
        &self.unit_locks[unit]
    }

    /// Note who did what in the access log (a failure to write it is not the user's problem).
    /// Written on a blocking thread when called on the runtime, and not synced line by line:
    /// the access log is a record for people, the submissions log is the one that must last.
    pub fn note(&self, who: &str, what: &str, detail: &str) {
        let line = serde_json::json!({
            "at": now_text(),
            "who": who,
            "what": what,
            "detail": detail,
        });
        let path = self.inbox().join(intake_log::ACCESS_LOG);
        let write = move || {
            let _guard = ACCESS_LOG_LOCK.lock().expect("access log lock");
            let _ = intake_log::append_line_with(&path, &line, false);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(write)),
            Err(_) => write(),
        }
    }

    /// Who must report and by when, with the log's arrival times (as `status` sees it).
    pub fn expectation(&self) -> Result<Expectation, intake_log::LogError> {
        let mut expect = Expectation::new(
            Some(self.options.roster.clone()),
            self.options.deadline,
            None,
        )
        .with_stage(self.options.stage);
        expect.arrivals = intake_log::with_log(self.inbox(), None)?;
        Ok(expect)
    }

    /// The check as of today: the server runs for days, and a 填报日期 after the day of the
    /// check (W116) or the days left are judged on the day of each check, as `watch` does for
    /// each ledger. A check without a day ([`CheckOptions::today`] `None`) stays without.
    pub fn check_options(&self) -> CheckOptions {
        let mut check = self.options.check.clone();
        if check.today.is_some() {
            check.today = Some(chrono::Local::now().date_naive());
        }
        check
    }

    /// The options a ledger run takes, as `taizhang ledger` builds them.
    pub fn ledger_options(&self, out: Option<&Path>) -> crate::ledger::LedgerOptions {
        crate::ledger::LedgerOptions {
            check: self.check_options(),
            exclude: out.map(Path::to_path_buf).into_iter().collect(),
            inputs: crate::output::Inputs::default()
                .file(Some(&self.options.roster_path), "花名册")
                .file(self.options.rules_path.as_deref(), "评分标准文件")
                .file(self.options.decisions.as_deref(), "审定意见表"),
            ..crate::ledger::LedgerOptions::default()
        }
    }

    /// 报送情况 now (blocking: the whole inbox is read).
    pub fn status(&self) -> Result<StatusReport, String> {
        let expect = self.expectation().map_err(|e| e.to_string())?;
        let options = self.ledger_options(None);
        match crate::ledger::status(self.inbox(), &options, &expect, &|_| {}) {
            Ok(Some(status)) => Ok(status),
            Ok(None) => Err("没有花名册".to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The display name of a caller.
    pub fn name_of(&self, who: Who) -> String {
        match who {
            Who::Admin => format!("{}（{}）", codes::ADMIN_CODE, codes::ADMIN_NAME),
            Who::Unit(i) => self.options.roster.units[i].name.clone(),
        }
    }
}

/// Whether `path` (which may not exist yet) is in folder `dir` or below, links resolved.
fn is_inside(path: &Path, dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parent.canonicalize().is_ok_and(|p| p.starts_with(&dir))
}

/// Hold the server lock of `inbox` (in its private folder `private`).
fn lock_inbox(inbox: &Path, private: &Path) -> Result<std::fs::File, ServeError> {
    let path = private.join(SERVER_LOCK);
    let failed = |source| ServeError::Private {
        path: path.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(failed)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(ServeError::InUse(inbox.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(failed(e)),
    }
}

/// One line at a time into the access log (its writes run on blocking threads).
static ACCESS_LOG_LOCK: Mutex<()> = Mutex::new(());

/// The time now, as the logs write it.
pub fn now_text() -> String {
    chrono::Local::now()
        .format(intake_log::TIME_FORMAT)
        .to_string()
}

/// The longest 说明 or review comment taken, in characters.
pub const MAX_TEXT: usize = 1000;

/// The body limit of every request but an upload: a sign-in, a sign-out, a review (a comment
/// of [`MAX_TEXT`] characters is well under it).
pub const SMALL_BODY: usize = 16 * 1024;

/// The routes that take a workbook, with the upload limit ([`ServeOptions::max_upload`]);
/// every other route takes at most [`SMALL_BODY`], so nobody can make the server buffer
/// 20 MB of a sign-in.
pub const UPLOAD_ROUTES: [&str; 4] = ["/unit/check", "/unit/submit", "/api/check", "/api/submit"];

/// Every route: the pages and the API.
pub fn router(app: Arc<App>) -> Router {
    let upload = DefaultBodyLimit::max(app.options.max_upload as usize + 64 * 1024);
    let request_timeout = app.options.request_timeout;
    // An upload that trickles in is cut off; the ledger download, which may take long to
    // build, is not.
    let deadline = move |request: axum::extract::Request, next: axum::middleware::Next| async move {
        match tokio::time::timeout(request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
        }
    };
    let upload = (upload, axum::middleware::from_fn(deadline));
    Router::new()
        .route("/", get(pages::home))
        .route("/signin", post(pages::sign_in))
        .route("/signout", post(pages::sign_out))
        .route("/unit", get(pages::unit_page))
        .route("/unit/check", post(pages::unit_check).layer(upload.clone()))
        .route(
            "/unit/submit",
            post(pages::unit_submit).layer(upload.clone()),
        )
        .route(
            "/unit/pending/{token}/feedback",
            get(pages::pending_feedback),
        )
        .route("/admin", get(pages::admin_page))
        .route("/admin/review", post(pages::admin_review))
        .route("/api/check", post(api::check).layer(upload.clone()))
        .route("/api/submit", post(api::submit).layer(upload.clone()))
        .route("/api/status", get(api::status))
        .route("/api/review", post(api::review))
        .route("/api/ledger.xlsx", get(api::ledger))
        .route("/api/feedback/{id}", get(api::feedback))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .layer(axum::middleware::from_fn(api::finish_response))
        .with_state(app)
}

/// Any other address: a plain 404, put in Chinese by [`api::finish_response`] like every
/// refusal of axum's own (a wrong method included: GET on a form's address after 后退).
async fn not_found() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}

/// A certificate and its key (PEM files) for HTTPS.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why the server stopped or could not listen.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("无法读取 HTTPS 证书或私钥（{}、{}）：{reason}", cert.display(), key.display())]
    Tls {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
    #[error("网络服务出错：{}", crate::os_error::sentence(.0))]
    Io(#[from] std::io::Error),
}

/// The certificate and key read (before the server says it is listening).
pub async fn load_tls(tls: &Tls) -> Result<axum_server::tls_rustls::RustlsConfig, ListenError> {
    // rustls is built with ring only (not aws-lc-rs, which needs cmake and breaks the Windows
    // cross-build), so its process-wide default provider is ring.
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| ListenError::Tls {
            cert: tls.cert.clone(),
            key: tls.key.clone(),
            reason: crate::os_error::sentence(&e),
        })
}

/// Serve `app` on `listener` until `stop` completes: HTTPS with `tls` ([`load_tls`]), else
/// plain HTTP.
pub async fn run(
    app: Arc<App>,
    listener: std::net::TcpListener,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ListenError> {
    listener.set_nonblocking(true)?;
    let header_timeout = app.options.header_timeout;
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(5)));
    });
    // A client that opens a connection and sends its request head slowly, or never, is cut
    // off: it would otherwise hold the connection for good.
    match tls {
        Some(config) => {
            let mut server = axum_server::from_tcp_rustls(listener, config)?.handle(handle);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            server.serve(service).await?
        }
        None => {
            let mut server = axum_server::from_tcp(listener)?.handle(handle);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            server.serve(service).await?
        }
    }
    Ok(())
}
