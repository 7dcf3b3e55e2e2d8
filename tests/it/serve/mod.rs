//! `taizhang serve`, the web intake: the router driven without a network (`oneshot`), and
//! once over a real loopback socket with the program itself.

mod flows;
mod inbox;
mod limits;
mod pages;
mod refusals;
mod resubmit;
mod socket;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use calamine::{open_workbook, Data, Reader, Xlsx};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use taizhang::serve::{App, ServeOptions};
use tower::ServiceExt;

/// An inbox beside a four-unit roster, and where the codes go.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub inbox: PathBuf,
    pub roster: PathBuf,
    pub codes: PathBuf,
}

impl Setup {
    pub fn new() -> Setup {
        let dir = crate::support::temp_dir();
        let inbox = dir.path().join("收件");
        std::fs::create_dir_all(&inbox).unwrap();
        let roster = crate::roster::small_roster(dir.path()).path;
        let codes = dir.path().join("报送口令.xlsx");
        Setup {
            dir,
            inbox,
            roster,
            codes,
        }
    }

    pub fn options(&self) -> ServeOptions {
        let roster = taizhang::roster::Roster::load(&self.roster).unwrap();
        let mut options = ServeOptions::new(
            self.inbox.clone(),
            roster,
            self.roster.clone(),
            self.codes.clone(),
        );
        // As `taizhang serve` runs it: checked as of today, like `taizhang check` and `ledger`.
        options.check.today = Some(chrono::Local::now().date_naive());
        options
    }

    /// The server's state opened on the inbox (as a start of `taizhang serve` does).
    pub fn open(&self) -> Arc<App> {
        App::open(self.options()).unwrap().0
    }

    /// 单位代码 (or 组织部) → 报送口令, as the codes workbook lists them.
    pub fn codes(&self) -> HashMap<String, String> {
        read_codes(&self.codes)
    }

    pub fn code_of(&self, unit: &str) -> String {
        self.codes()[unit].clone()
    }

    /// A file in the test's folder (outside the inbox).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn read_codes(path: &Path) -> HashMap<String, String> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("报送口令").unwrap();
    range
        .rows()
        .filter_map(|row| match (row.first(), row.get(2)) {
            (Some(Data::String(unit)), Some(Data::String(code))) if code.len() == 14 => {
                Some((unit.clone(), code.clone()))
            }
            _ => None,
        })
        .collect()
}

/// What came back.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("JSON: {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// One request through the router, no network.
pub async fn send(app: &Arc<App>, request: Request<Body>) -> Reply {
    let response = taizhang::serve::router(app.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A multipart body of `(field, file name, bytes)`; its content type.
pub fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----taizhang-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, file_name, bytes) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file_name {
            Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST uri` with a multipart body and the `X-Code` header.
pub fn upload(uri: &str, code: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    let (content_type, body) = multipart(fields);
    Request::post(uri)
        .header("x-code", code)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

/// `GET uri` with the `X-Code` header.
pub fn get(uri: &str, code: &str) -> Request<Body> {
    Request::get(uri)
        .header("x-code", code)
        .body(Body::empty())
        .unwrap()
}

/// `POST /api/review` as the department.
pub fn review(code: &str, id: u64, decision: &str, comment: &str) -> Request<Body> {
    let body = serde_json::json!({"submission": id, "decision": decision, "comment": comment});
    Request::post("/api/review")
        .header("x-code", code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Sign in on the page with `code`: the session cookie (`name=value`).
pub async fn sign_in(app: &Arc<App>, code: &str) -> Option<String> {
    let body = format!("code={}", code.replace('-', "%2D"));
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let reply = send(app, request).await;
    let cookie = reply.headers.get(header::SET_COOKIE)?.to_str().unwrap();
    Some(cookie.split(';').next().unwrap().to_string())
}

/// A page (GET) with a session cookie.
pub async fn page(app: &Arc<App>, uri: &str, cookie: &str) -> Reply {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

/// The files under `inbox` but the logs (subfolders included, hidden ones left out), relative,
/// sorted.
pub fn stored_files(inbox: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(inbox)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !taizhang::intake_log::is_log_name(&e.file_name().to_string_lossy()))
        .map(|e| {
            let relative = e.path().strip_prefix(inbox).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// The access log once it holds `needle` (its lines are written on a blocking thread after
/// the answer), or as it is after three seconds.
pub fn access_log_with(inbox: &Path, needle: &str) -> String {
    let path = inbox.join(taizhang::intake_log::ACCESS_LOG);
    let read = || std::fs::read_to_string(&path).unwrap_or_default();
    for _ in 0..60 {
        if read().contains(needle) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    read()
}
