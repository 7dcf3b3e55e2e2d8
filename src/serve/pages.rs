//! The pages: sign-in, the township's page, the department's page.
//!
//! Plain HTML forms (multipart for uploads) posting to these routes; each state-changing form
//! carries the session's CSRF token. After a change the browser is sent on with a redirect
//! (303), so reloading a page never submits twice.

use super::actions::{feedback_failed, ip_text, xlsx, Review, ReviewRefused};
use super::auth::{self, ClientIp, Session};
use super::html::{self, CheckView, Notice};
use super::intake::{self, NotStored};
use super::{App, Who};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Form, Multipart, Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::Markup;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

type Shared = State<Arc<App>>;

fn page(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// The caller's session, or a redirect to the sign-in page.
fn session(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    app.auth
        .session(headers)
        .map(|(_, s)| s)
        .ok_or_else(|| Redirect::to("/").into_response())
}

/// A form's CSRF token must be the session's.
fn csrf_checked(session: &Session, token: Option<&str>) -> Result<(), Response> {
    if token.is_some_and(|token| auth::same_secret(token, &session.csrf)) {
        return Ok(());
    }
    let message = "页面已过期（或请求不是从本系统的页面发出的），请返回首页重新操作";
    Err(page(
        StatusCode::FORBIDDEN,
        html::message_page("请重新操作", message),
    ))
}

/// `GET /`: the sign-in page, or the caller's own page.
pub async fn home(State(app): Shared, headers: HeaderMap) -> Response {
    match app.auth.session(&headers).map(|(_, s)| s.who) {
        Some(Who::Admin) => Redirect::to("/admin").into_response(),
        Some(Who::Unit(_)) => Redirect::to("/unit").into_response(),
        None => page(StatusCode::OK, html::sign_in(None)),
    }
}

/// `POST /signin`: a right code starts a session.
pub async fn sign_in(
    State(app): Shared,
    ip: ClientIp,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let code = form.get("code").map(String::as_str).unwrap_or_default();
    match app.verify_code(code, ip).await {
        Ok(who) => {
            let Ok(token) = app.auth.start(who) else {
                return page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    html::sign_in(Some("服务器无法生成登录凭据，请稍后再试")),
                );
            };
            app.note(&app.name_of(who), "登录", &ip_text(ip));
            let mut response = Redirect::to("/").into_response();
            if let Ok(value) = app.auth.set_cookie(&token).parse() {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(refused) => page(refused.status(), html::sign_in(Some(&refused.message()))),
    }
}

/// `POST /signout`.
pub async fn sign_out(
    State(app): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some((token, session)) = app.auth.session(&headers) {
        if (form.get("csrf")).is_some_and(|token| auth::same_secret(token, &session.csrf)) {
            app.auth.end(&token);
        }
    }
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = app.auth.clear_cookie().parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The unit of a township session, or a redirect.
fn unit_session(app: &App, headers: &HeaderMap) -> Result<(Session, usize), Response> {
    let session = session(app, headers)?;
    match session.who {
        Who::Unit(i) => Ok((session, i)),
        Who::Admin => Err(Redirect::to("/admin").into_response()),
    }
}

/// `GET /unit`: upload form and history.
pub async fn unit_page(
    State(app): Shared,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (session, unit) = match unit_session(&app, &headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let flash = (query.get("done"))
        .and_then(|id| id.parse::<u64>().ok())
        .map(|id| format!("已提交（第 {id} 号）。组织部审核后，结果会显示在下面的报送记录中。"));
    let top = flash.as_deref().map(Notice::Done);
    let markup = html::unit_page(&app, unit, &session.csrf, top, None, &app.log());
    page(StatusCode::OK, markup)
}

/// `POST /unit/check`: check the upload and show the result with the 提交 form.
pub async fn unit_check(
    State(app): Shared,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (session, unit, fields) = match unit_upload(&app, &headers, multipart).await {
        Ok(upload) => upload,
        Err(r) => return r,
    };
    let Some(upload) = fields.upload else {
        let problem = (
            StatusCode::BAD_REQUEST,
            "请先选择要上传的调查表文件".to_string(),
        );
        return unit_error(&app, &session, unit, problem);
    };
    let job = app.clone();
    let checked = app.work.run(move || {
        let report = intake::check(&job, upload.file.path());
        (upload, report)
    });
    let (upload, report) = match checked.await {
        Ok(done) => done,
        Err(e) => return unit_error(&app, &session, unit, work_problem(e)),
    };
    let shown = intake::named(&report, &upload.original_name);
    app.note(&app.name_of(session.who), "检查", &upload.original_name);
    let token = app.pending.keep(session.who, upload, report);
    let view = CheckView {
        report: &shown,
        token: token.as_deref(),
        message: None,
    };
    let markup = html::unit_page(&app, unit, &session.csrf, None, Some(view), &app.log());
    page(StatusCode::OK, markup)
}

/// A problem to show at the top of a page, with the status it is answered with.
type Problem = (StatusCode, String);

async fn read_upload(
    app: &App,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<intake::Fields, Problem> {
    let multipart = multipart.map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            "请从页面上的表单上传文件".to_string(),
        )
    })?;
    (intake::read_fields(app, multipart).await)
        .map_err(|r| (r.status(), r.message(app.options.max_upload)))
}

fn work_problem(e: super::work::WorkError) -> Problem {
    (e.status(), e.message().to_string())
}

/// A page saying why the work was not done (the API says it in JSON).
fn work_page(e: super::work::WorkError) -> Response {
    page(e.status(), html::message_page("请稍后再试", e.message()))
}

/// The township's page with a problem at the top.
/// A unit's page form with its upload: the session, the unit, the fields read, and the form's
/// CSRF token checked.
async fn unit_upload(
    app: &App,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Session, usize, intake::Fields), Response> {
    let (session, unit) = unit_session(app, headers)?;
    let fields = match read_upload(app, multipart).await {
        Ok(fields) => fields,
        Err(problem) => return Err(unit_error(app, &session, unit, problem)),
    };
    csrf_checked(&session, fields.csrf.as_deref())?;
    Ok((session, unit, fields))
}

fn unit_error(app: &App, session: &Session, unit: usize, (status, message): Problem) -> Response {
    let top = Some(Notice::Problem(&message));
    let markup = html::unit_page(app, unit, &session.csrf, top, None, &app.log());
    page(status, markup)
}

/// `POST /unit/submit`: store the checked upload.
pub async fn unit_submit(
    State(app): Shared,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (session, unit, fields) = match unit_upload(&app, &headers, multipart).await {
        Ok(upload) => upload,
        Err(r) => return r,
    };
    let token = fields.token.unwrap_or_default();
    let Some(checked) = app.pending.take(&token, session.who) else {
        let problem = (
            StatusCode::UNPROCESSABLE_ENTITY,
            "检查结果已过期或已提交，请重新上传".to_string(),
        );
        return unit_error(&app, &session, unit, problem);
    };
    let (job, who, reason) = (app.clone(), session.who, fields.reason);
    // The upload stays ours whatever becomes of the job (busy, or a panic): on an error it
    // goes back for the clerk's next try, it is not lost.
    let slot = Arc::new(Mutex::new(Some(checked)));
    let held = slot.clone();
    let stored = app.work.run(move || {
        let held = held.lock().unwrap_or_else(PoisonError::into_inner);
        let checked = held.as_ref().expect("the upload is in its slot");
        intake::submit(&job, who, &checked.upload, &checked.report, reason)
    });
    let stored = stored.await;
    let checked =
        (slot.lock().unwrap_or_else(PoisonError::into_inner).take()).expect("the job has ended");
    let stored = match stored {
        Ok(stored) => stored,
        Err(e) => {
            app.pending.put_back(&token, checked);
            return unit_error(&app, &session, unit, work_problem(e));
        }
    };
    match stored {
        Ok(id) => {
            app.note(
                &app.name_of(who),
                "提交",
                &format!("第 {id} 号：{}", checked.upload.original_name),
            );
            Redirect::to(&format!("/unit?done={id}")).into_response()
        }
        Err(not) => refused_submission(&app, &session, unit, &token, checked, &not),
    }
}

/// The check shown again with why it was not stored; the upload kept for another try.
fn refused_submission(
    app: &App,
    session: &Session,
    unit: usize,
    token: &str,
    checked: intake::Checked,
    not: &NotStored,
) -> Response {
    let shown = intake::named(&checked.report, &checked.upload.original_name);
    let status = not.status();
    let retry = matches!(not, NotStored::NeedsReason | NotStored::Failed(_));
    let view = CheckView {
        report: &shown,
        token: retry.then_some(token),
        message: Some(not.message(app, session.who)),
    };
    let markup = html::unit_page(app, unit, &session.csrf, None, Some(view), &app.log());
    if retry {
        app.pending.put_back(token, checked);
    }
    page(status, markup)
}

/// `GET /unit/pending/TOKEN/feedback`: the feedback of a checked, not yet submitted upload.
pub async fn pending_feedback(
    State(app): Shared,
    headers: HeaderMap,
    UrlPath(token): UrlPath<String>,
) -> Response {
    let session = match session(&app, &headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let report = app.pending.with(&token, session.who, |c| {
        intake::named(&c.report, &c.upload.original_name)
    });
    let Some(report) = report else {
        return page(
            StatusCode::NOT_FOUND,
            html::message_page(
                "找不到检查结果",
                "检查结果已过期或已提交，请重新上传后下载反馈表",
            ),
        );
    };
    let name = crate::feedback::feedback_file_name(&report.path);
    let job = app.clone();
    match app.work.run(move || job.feedback_bytes(&report)).await {
        Ok(Ok(Some(bytes))) => xlsx(bytes, &name),
        Ok(Ok(None)) => page(
            StatusCode::NOT_FOUND,
            html::message_page("没有反馈", "这份报表没有问题，不需要反馈表"),
        ),
        Ok(Err(why)) => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            html::message_page("没有反馈", &feedback_failed(&why)),
        ),
        Err(e) => work_page(e),
    }
}

/// The department's session, or a redirect.
fn admin_session(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    let session = session(app, headers)?;
    match session.who {
        Who::Admin => Ok(session),
        Who::Unit(_) => Err(Redirect::to("/unit").into_response()),
    }
}

/// `GET /admin`: 报送情况 and the submissions.
pub async fn admin_page(
    State(app): Shared,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let session = match admin_session(&app, &headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let job = app.clone();
    let status = match app.work.run(move || job.status()).await {
        Ok(Ok(status)) => status,
        Ok(Err(why)) => {
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                html::message_page("无法汇总", &why),
            )
        }
        Err(e) => return work_page(e),
    };
    let flash = (query.get("reviewed"))
        .and_then(|id| id.parse::<u64>().ok())
        .map(|id| format!("已记录对第 {id} 号报送的审核意见，该单位的页面上立即可以看到。"));
    let markup = html::admin_page(&status, &app.log(), &session.csrf, flash.as_deref());
    page(StatusCode::OK, markup)
}

/// `POST /admin/review`: 通过 / 退回 from the department's page.
pub async fn admin_review(
    State(app): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let session = match admin_session(&app, &headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = csrf_checked(&session, form.get("csrf").map(String::as_str)) {
        return r;
    }
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let Ok(id) = field("submission").parse::<u64>() else {
        return page(
            StatusCode::BAD_REQUEST,
            html::message_page("审核未记录", "缺少报送编号"),
        );
    };
    let refused =
        |r: ReviewRefused| page(r.status(), html::message_page("审核未记录", &r.message()));
    let review = match Review::parse(field("decision"), field("comment")) {
        Ok(review) => review,
        Err(r) => return refused(r),
    };
    let job = app.clone();
    let recorded = tokio::task::spawn_blocking(move || job.record_review(id, review));
    let failed = |e: tokio::task::JoinError| Err(ReviewRefused::Failed(e.to_string()));
    match recorded.await.unwrap_or_else(failed) {
        Ok(()) => Redirect::to(&format!("/admin?reviewed={id}")).into_response(),
        Err(r) => refused(r),
    }
}
