//! What the routes do, whatever answers them (a page or JSON): verify a code, record the
//! department's review, build the ledger or a feedback workbook. `api` and `pages` both call
//! these; neither imports from the other.

use super::auth::{ClientIp, Refused};
use super::{App, Who};
use crate::check::FileReport;
use crate::intake_log::{Decision, Event, Reviewed};
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

/// The department's decision on a submission, as the route received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub decision: Decision,
    /// Trimmed.
    pub comment: String,
}

/// Why a review was not recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewRefused {
    /// Not 通过 nor 退回: what was sent.
    Decision(String),
    /// No submission of this number.
    NoSubmission(u64),
    /// A comment of this many characters, over [`super::MAX_TEXT`].
    TooLong(usize),
    /// 退回 without a comment.
    NoComment,
    /// The log could not be written (or the job failed): why.
    Failed(String),
}

impl ReviewRefused {
    pub fn status(&self) -> StatusCode {
        match self {
            ReviewRefused::NoSubmission(_) => StatusCode::NOT_FOUND,
            ReviewRefused::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ReviewRefused::Decision(said) => format!("审核结果“{said}”不对，应为 通过 或 退回"),
            ReviewRefused::NoSubmission(id) => format!("没有第 {id} 号报送"),
            ReviewRefused::TooLong(chars) => super::intake::text_too_long("审核意见", *chars),
            ReviewRefused::NoComment => "退回时请写明意见，告诉单位要改什么".to_string(),
            ReviewRefused::Failed(why) => format!("服务器未能记录审核结果：{why}；请稍后再试"),
        }
    }
}

impl Review {
    /// The review a route was sent: `decision` 通过 or 退回, a comment of at most
    /// [`super::MAX_TEXT`] characters, required with 退回.
    pub fn parse(decision: &str, comment: &str) -> Result<Review, ReviewRefused> {
        let decision = (Decision::parse(decision))
            .ok_or_else(|| ReviewRefused::Decision(decision.to_string()))?;
        let comment = comment.trim().to_string();
        let chars = comment.chars().count();
        if chars > super::MAX_TEXT {
            return Err(ReviewRefused::TooLong(chars));
        }
        if decision == Decision::Returned && comment.is_empty() {
            return Err(ReviewRefused::NoComment);
        }
        Ok(Review { decision, comment })
    }
}

impl App {
    /// Whose `code` is; a wrong one is answered late after a few ([`super::auth`]), and the
    /// access log notes when an address starts being slowed down.
    pub async fn verify_code(&self, code: &str, ip: ClientIp) -> Result<Who, Refused> {
        match self.auth.try_code(&self.codes, code, ip.0) {
            Ok(who) => Ok(who),
            Err(wrong) => {
                if wrong.starts_slowing {
                    self.note("?", "口令多次错误，开始放慢应答", &ip_text(ip));
                }
                Err(self.auth.hold_back(wrong.delay).await)
            }
        }
    }

    /// Log the department's `review` of submission `id` (blocking: the log is synced).
    pub fn record_review(&self, id: u64, review: Review) -> Result<(), ReviewRefused> {
        if !self.log().submissions().any(|s| s.id == id) {
            return Err(ReviewRefused::NoSubmission(id));
        }
        let label = review.decision.label();
        let event = Event::Reviewed(Reviewed {
            id,
            decision: review.decision,
            comment: review.comment,
            by: super::codes::ADMIN_CODE.to_string(),
            at: super::now_text(),
        });
        (self.append(|_| (event, ()))).map_err(|e| ReviewRefused::Failed(e.to_string()))?;
        self.note("组织部", "审核", &format!("第 {id} 号：{label}"));
        Ok(())
    }

    /// The ledger's bytes, built into a temporary file of ours in the private folder.
    pub fn build_ledger(&self) -> Result<Vec<u8>, String> {
        let temp = tempfile::Builder::new()
            .prefix("ledger-")
            .suffix(".xlsx")
            .tempfile_in(self.private_dir())
            .map_err(|e| crate::os_error::sentence(&e))?;
        let out = temp.path().to_path_buf();
        // The ledger is saved by renaming a file of its own over ours: ours must not be there.
        drop(temp);
        let expect = self.expectation().map_err(|e| e.to_string())?;
        let mut options = self.ledger_options(Some(&out));
        if let Some(path) = &self.options.decisions {
            let check = &options.check;
            let read = crate::decisions::Decisions::read(path, &check.rules, &check.limits);
            options.decisions = Some(std::sync::Arc::new(read.map_err(|e| e.to_string())?));
        }
        let run = crate::ledger::RunOptions {
            expect: &expect,
            feedback: None,
            progress: &|_| {},
        };
        let written = crate::ledger::write(self.inbox(), &out, &options, &run);
        let bytes = written
            .map_err(|e| e.to_string())
            .and_then(|_| std::fs::read(&out).map_err(|e| crate::os_error::sentence(&e)));
        let _ = std::fs::remove_file(&out);
        bytes
    }

    /// The feedback workbook of a checked file, when it has issues; why it could not be built.
    pub fn feedback_bytes(&self, report: &FileReport) -> Result<Option<Vec<u8>>, String> {
        if report.issues().is_empty() {
            return Ok(None);
        }
        let checked_at = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
        let limits = &self.options.check.limits;
        let mut book = (crate::feedback::build_feedback(report, limits, &checked_at))
            .map_err(|e| e.to_string())?;
        let bytes = book.save_to_buffer().map_err(|e| e.to_string())?;
        Ok(Some(bytes))
    }
}

/// What a feedback workbook that could not be built is answered with.
pub fn feedback_failed(why: &str) -> String {
    format!("服务器未能生成反馈表：{why}；请稍后再试")
}

/// The client's address as the access log writes it.
pub fn ip_text(ip: ClientIp) -> String {
    ip.0.map_or_else(String::new, |ip| ip.to_string())
}

/// A workbook download named `name` (any characters: RFC 6266's `filename*`).
pub fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    let encoded: String = (name.bytes())
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!("attachment; filename=\"taizhang.xlsx\"; filename*=UTF-8''{encoded}");
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
