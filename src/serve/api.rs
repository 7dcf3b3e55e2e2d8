//! The JSON interface for scripts (`/api/…`); the pages call the same functions.
//!
//! Every call carries the code in the `X-Code` header, or the session cookie of the sign-in
//! page together with the session's CSRF token (`X-CSRF-Token`, or the multipart field
//! `csrf`) on a call that changes something. Errors are `{"message": "…"}` in Chinese with the
//! status code saying what kind: 401 not signed in, 403 wrong code or not allowed, 413 too
//! large, 422 a file that cannot be submitted, 429 a wrong code while too many wait, 503 busy.
//! Who the caller is comes from the [`Caller`] and [`Admin`] extractors.

use super::actions::{feedback_failed, xlsx, Review, ReviewRefused};
use super::auth::{Caller, ClientIp, CODE_HEADER, CSRF_HEADER};
use super::intake::{self, Fields, NotStored};
use super::work::WorkError;
use super::{App, Who};
use crate::check::FileReport;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequestParts, Multipart, Path as UrlPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

type Shared = State<Arc<App>>;

/// `{"message": …}` with `status`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "message": message.into() }))).into_response()
}

/// The caller of an API request: `X-Code`, else the session cookie.
pub async fn caller(app: &App, headers: &HeaderMap, ip: ClientIp) -> Result<Caller, Response> {
    if let Some(code) = headers.get(CODE_HEADER) {
        let code = code.to_str().unwrap_or_default();
        return match app.verify_code(code, ip).await {
            Ok(who) => Ok(Caller::Code(who)),
            Err(refused) => Err(error(refused.status(), refused.message())),
        };
    }
    match app.auth.session(headers) {
        Some((_, session)) => Ok(Caller::Session(session)),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "请先登录，或在 X-Code 请求头中给出报送口令",
        )),
    }
}

/// The caller of an API request as an extractor: a handler that takes it is reached only by
/// a caller who proved who they are.
impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let Ok(ip) = ClientIp::from_request_parts(parts, app).await;
        caller(app, &parts.headers, ip).await
    }
}

/// A caller with the department's code: the handlers only the department may reach.
pub struct Admin(pub Caller);

impl FromRequestParts<Arc<App>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let caller = Caller::from_request_parts(parts, app).await?;
        match caller.who() {
            Who::Admin => Ok(Admin(caller)),
            Who::Unit(_) => Err(admin_only()),
        }
    }
}

/// A session caller's change must bring back the session's CSRF token.
fn csrf_ok(caller: &Caller, headers: &HeaderMap, field: Option<&str>) -> bool {
    match caller {
        Caller::Code(_) => true,
        Caller::Session(session) => {
            let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            header
                .or(field)
                .is_some_and(|token| super::auth::same_secret(token, &session.csrf))
        }
    }
}

fn csrf_refused() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "请求缺少本次登录的校验码（X-CSRF-Token），已拒绝；请从报送页面操作，或用 X-Code 请求头",
    )
}

pub fn work_error(e: WorkError) -> Response {
    error(e.status(), e.message())
}

/// One element of `check --format json`'s `files` array, the file named as the clerk named it.
pub fn check_element(report: &FileReport) -> Value {
    let mut document: Value =
        serde_json::from_str(&crate::report::check_json(std::slice::from_ref(report)))
            .expect("the check's JSON parses");
    document["files"][0].take()
}

/// The fields of a multipart upload with its file, or the response saying what is wrong.
/// An upload's fields, the session's CSRF token checked (a code in `X-Code` needs none).
async fn checked_upload(
    app: &App,
    caller: &Caller,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Fields, Response> {
    let fields = upload_fields(app, multipart).await?;
    match csrf_ok(caller, headers, fields.csrf.as_deref()) {
        true => Ok(fields),
        false => Err(csrf_refused()),
    }
}

async fn upload_fields(
    app: &App,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Fields, Response> {
    let multipart = multipart.map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "请用 multipart/form-data 上传，文件放在字段 file 中",
        )
    })?;
    let fields = (intake::read_fields(app, multipart).await)
        .map_err(|r| error(r.status(), r.message(app.options.max_upload)))?;
    if fields.upload.is_none() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "请求中没有文件（multipart 字段 file）",
        ));
    }
    Ok(fields)
}

/// `POST /api/check`: the check of the file; nothing stored.
pub async fn check(
    State(app): Shared,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut fields = match checked_upload(&app, &caller, &headers, multipart).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let upload = fields.upload.take().expect("checked above");
    let job = app.clone();
    let result = app.work.run(move || {
        let report = intake::check(&job, upload.file.path());
        intake::named(&report, &upload.original_name)
    });
    match result.await {
        Ok(report) => {
            app.note(
                &app.name_of(caller.who()),
                "检查",
                &report.path.display().to_string(),
            );
            Json(check_element(&report)).into_response()
        }
        Err(e) => work_error(e),
    }
}

/// `POST /api/submit`: checked, then stored and logged when it may be.
pub async fn submit(
    State(app): Shared,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut fields = match checked_upload(&app, &caller, &headers, multipart).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if caller.who() == Who::Admin {
        // Refused before the work: the check would be thrown away.
        let message = NotStored::NotAUnit.message(&app, Who::Admin);
        return error(StatusCode::FORBIDDEN, message);
    }
    let upload = fields.upload.take().expect("checked above");
    let (job, who, reason) = (app.clone(), caller.who(), fields.reason.take());
    let result = app.work.run(move || {
        let report = intake::check(&job, upload.file.path());
        let stored = intake::submit(&job, who, &upload, &report, reason);
        (intake::named(&report, &upload.original_name), stored)
    });
    let (report, stored) = match result.await {
        Ok(done) => done,
        Err(e) => return work_error(e),
    };
    let check = check_element(&report);
    match stored {
        Ok(id) => {
            app.note(
                &app.name_of(who),
                "提交",
                &format!("第 {id} 号：{}", report.path.display()),
            );
            Json(json!({ "accepted": true, "submission": id, "check": check })).into_response()
        }
        Err(not) => {
            let status = not.status();
            let message = match (&not, report.failure.as_ref()) {
                (NotStored::Unreadable, Some(issue)) => issue.message.clone(),
                _ => not.message(&app, who),
            };
            let body = json!({ "accepted": false, "check": check, "message": message });
            (status, Json(body)).into_response()
        }
    }
}

/// A caller who is not the department gets this.
fn admin_only() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "只有组织部（管理员口令）可以查看和审核",
    )
}

/// `GET /api/status`: `status --format json`, each unit with its submissions.
pub async fn status(State(app): Shared, _: Admin) -> Response {
    let job = app.clone();
    match app.work.run(move || job.status()).await {
        Ok(Ok(status)) => Json(status_json(&app, &status)).into_response(),
        Ok(Err(why)) => error(StatusCode::INTERNAL_SERVER_ERROR, why),
        Err(e) => work_error(e),
    }
}

/// The status's JSON, each unit with `submissions`: every submission and its latest decision.
pub fn status_json(app: &App, status: &crate::status::StatusReport) -> Value {
    let mut value = serde_json::to_value(status).expect("the status serializes");
    let log = app.log();
    if let Some(units) = value["units"].as_array_mut() {
        for unit in units {
            let code = unit["code"].as_str().unwrap_or_default().to_string();
            let submissions: Vec<Value> = (log.submissions_of(&code))
                .map(|s| submission_json(s, log.review_of(s.id)))
                .collect();
            unit["submissions"] = Value::Array(submissions);
        }
    }
    value
}

fn submission_json(
    s: &crate::intake_log::Submitted,
    review: Option<&crate::intake_log::Reviewed>,
) -> Value {
    let mut value = serde_json::to_value(s).expect("a submission serializes");
    value["decision"] = review.map_or(Value::Null, |r| r.decision.label().into());
    value["comment"] = review.map_or(Value::Null, |r| r.comment.clone().into());
    value["reviewed_by"] = review.map_or(Value::Null, |r| r.by.clone().into());
    value["reviewed_at"] = review.map_or(Value::Null, |r| r.at.clone().into());
    value
}

#[derive(serde::Deserialize)]
pub struct ReviewBody {
    pub submission: u64,
    pub decision: String,
    #[serde(default)]
    pub comment: String,
}

/// `POST /api/review`: 通过 or 退回 a submission, with a comment.
pub async fn review(
    State(app): Shared,
    Admin(caller): Admin,
    headers: HeaderMap,
    body: Result<Json<ReviewBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if !csrf_ok(&caller, &headers, None) {
        return csrf_refused();
    }
    let body = match body {
        Ok(Json(body)) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return rejection.into_response();
        }
        Err(_) => {
            return error(
            StatusCode::BAD_REQUEST,
            "请求应为 JSON：{\"submission\": 编号, \"decision\": \"通过\" 或 \"退回\", \"comment\": \"意见\"}",
            )
        }
    };
    let review = match Review::parse(&body.decision, &body.comment) {
        Ok(review) => review,
        Err(refused) => return error(refused.status(), refused.message()),
    };
    let (job, id, decision) = (app.clone(), body.submission, review.decision);
    let recorded = tokio::task::spawn_blocking(move || job.record_review(id, review));
    let failed = |e: tokio::task::JoinError| Err(ReviewRefused::Failed(e.to_string()));
    match recorded.await.unwrap_or_else(failed) {
        Ok(()) => Json(json!({ "submission": id, "decision": decision.label() })).into_response(),
        Err(refused) => error(refused.status(), refused.message()),
    }
}

/// `GET /api/ledger.xlsx`: the ledger of the inbox as `taizhang ledger` builds it.
pub async fn ledger(State(app): Shared, _: Admin) -> Response {
    let job = app.clone();
    match app.work.run(move || job.build_ledger()).await {
        Ok(Ok(bytes)) => {
            app.note("组织部", "下载台账", "");
            let day = chrono::Local::now().format("%Y-%m-%d_%H%M");
            xlsx(bytes, &format!("台账_{day}.xlsx"))
        }
        Ok(Err(why)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("台账未能生成：{why}"),
        ),
        Err(e) => work_error(e),
    }
}

/// `GET /api/feedback/ID`: the feedback workbook of a submission (its unit or the department).
pub async fn feedback(State(app): Shared, caller: Caller, UrlPath(id): UrlPath<u64>) -> Response {
    let who = caller.who();
    let log = app.log();
    let submission = log.submissions().find(|s| s.id == id).cloned();
    let allowed = |s: &crate::intake_log::Submitted| match who {
        Who::Admin => true,
        Who::Unit(i) => app.options.roster.units[i].code == s.unit_code,
    };
    let Some(submission) = submission.filter(allowed) else {
        return error(StatusCode::NOT_FOUND, format!("没有本单位的第 {id} 号报送"));
    };
    let job = app.clone();
    let path = app.inbox().join(&submission.stored);
    let name = submission.original_name.clone();
    let result = app.work.run(move || {
        let report = intake::named(&intake::check(&job, &path), &name);
        job.feedback_bytes(&report)
    });
    match result.await {
        Ok(Ok(Some(bytes))) => {
            app.note(&app.name_of(who), "下载反馈", &format!("第 {id} 号"));
            xlsx(
                bytes,
                &crate::feedback::feedback_file_name(std::path::Path::new(
                    &submission.original_name,
                )),
            )
        }
        Ok(Ok(None)) => error(StatusCode::NOT_FOUND, "这份报表没有问题，没有反馈表"),
        Ok(Err(why)) => error(StatusCode::INTERNAL_SERVER_ERROR, feedback_failed(&why)),
        Err(e) => work_error(e),
    }
}

/// What axum's own English refusals (a malformed form, a wrong method, an unknown address, a
/// body too large) say in Chinese: (page title, message); `None` for any other status.
fn rejection_message(status: StatusCode, path: &str) -> Option<(&'static str, String)> {
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE if super::UPLOAD_ROUTES.contains(&path) => {
            "上传的文件超过网上报送的大小限制，请确认选的是调查表".to_string()
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            "提交的内容超过 16 KB 的限制（登录、退出和审核只需填写口令或意见），请检查后重试"
                .to_string()
        }
        StatusCode::NOT_FOUND => format!("没有“{path}”这个地址，请从首页进入"),
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("“{path}”不能直接打开（可能是点了浏览器的“后退”或刷新）；请回到首页重新操作")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "请求的内容类型不对：页面请从表单提交，接口请按说明用 multipart/form-data 或 JSON"
                .to_string()
        }
        StatusCode::REQUEST_TIMEOUT => {
            "请求太久没有完成（网络太慢或中断），已断开；请检查网络后重试。如刚才点的是“提交”，请先回到本单位页面看是否已经提交".to_string()
        }
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            "请求的内容不完整或格式不对，请从页面上重新操作，或按接口说明发送".to_string()
        }
        _ => return None,
    };
    let title = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "内容太大",
        StatusCode::NOT_FOUND => "找不到页面",
        StatusCode::REQUEST_TIMEOUT => "请求超时",
        _ => "无法处理的请求",
    };
    Some((title, message))
}

/// Every response: axum's own refusals (in English, plain text) said in Chinese
/// ([`rejection_message`]: JSON under `/api/`, a page elsewhere), and headers that keep pages out of frames, caches and MIME guessing.
pub async fn finish_response(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let plain = (response.headers().get(header::CONTENT_TYPE))
        .is_none_or(|t| t.to_str().is_ok_and(|t| t.starts_with("text/plain")));
    let status = response.status();
    let mut response = match rejection_message(status, &path) {
        Some((title, message)) if plain => {
            if path.starts_with("/api/") {
                error(status, message)
            } else {
                let page = super::html::message_page(title, &message).into_string();
                (status, axum::response::Html(page)).into_response()
            }
        }
        _ => response,
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
