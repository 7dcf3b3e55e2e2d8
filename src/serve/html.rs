//! The pages' HTML: maud templates, compiled in, every value escaped.
//!
//! Plain forms and tables that work without JavaScript and in old browsers, styled inline (no
//! file is fetched from anywhere), sized for a 1366×768 office screen.

use super::App;
use crate::check::FileReport;
use crate::intake_log::{Log, Submitted};
use crate::status::{State, StatusReport, UnitStatus};
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = r#"
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","SimSun",sans-serif;margin:0;background:#f3f4f6;color:#1f2937;font-size:15px}
header{background:#b91c1c;color:#fff;padding:10px 24px;overflow:hidden}
header h1{font-size:20px;margin:0;float:left;font-weight:normal}
header form{float:right;margin:0}
header .who{float:right;margin-right:12px;line-height:30px}
main{max-width:1240px;margin:16px auto;padding:0 16px}
section{background:#fff;border:1px solid #e5e7eb;padding:14px 18px;margin-bottom:16px}
h2{font-size:17px;margin:0 0 10px 0;color:#991b1b}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #d1d5db;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f9fafb;font-weight:bold;white-space:nowrap}
button,.button{background:#b91c1c;color:#fff;border:0;padding:6px 16px;font-size:15px;cursor:pointer;text-decoration:none;display:inline-block}
button.plain{background:#6b7280}
.small button{padding:3px 10px;font-size:13px}
input[type=text],input[type=password],textarea{font-size:15px;padding:5px;border:1px solid #9ca3af}
textarea{width:100%;box-sizing:border-box}
.ok{color:#166534;font-weight:bold}.bad{color:#b91c1c;font-weight:bold}.warn{color:#92400e;font-weight:bold}
.note{background:#fef3c7;border:1px solid #f59e0b;padding:8px 12px;margin-bottom:12px}
.flash{background:#dcfce7;border:1px solid #22c55e;padding:8px 12px;margin-bottom:12px}
.error{background:#fee2e2;border:1px solid #ef4444;padding:8px 12px;margin-bottom:12px}
.muted{color:#6b7280;font-size:13px}
tr.e td.sev{color:#b91c1c;font-weight:bold} tr.w td.sev{color:#92400e}
td.nw,th{white-space:nowrap}
td.num{text-align:right}
.tiles span{display:inline-block;border:1px solid #d1d5db;padding:6px 12px;margin:0 8px 8px 0;background:#f9fafb}
.tiles b{font-size:18px}
"#;

/// The frame of every page: title bar, who is signed in, the content.
pub fn layout(title: &str, signed_in: Option<(&str, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="X-UA-Compatible" content="IE=edge";
                title { (title) " - 网上报送" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "基层党组织分类定级 · 网上报送" }
                    @if let Some((name, csrf)) = signed_in {
                        form method="post" action="/signout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button.plain type="submit" { "退出" }
                        }
                        span.who { (name) }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page that only says something.
pub fn message_page(title: &str, message: &str) -> Markup {
    layout(
        title,
        None,
        html! {
            section { h2 { (title) } p { (message) } p { a href="/" { "返回首页" } } }
        },
    )
}

/// The sign-in page.
pub fn sign_in(message: Option<&str>) -> Markup {
    layout(
        "登录",
        None,
        html! {
            section style="max-width:520px;margin:40px auto" {
                h2 { "登录" }
                @if let Some(message) = message { div.error { (message) } }
                form method="post" action="/signin" {
                    p { "请输入组织部发给本单位的报送口令（字母不分大小写，可不输入短横线）：" }
                    p { input type="password" name="code" autocomplete="off" autofocus size="24" required; }
                    p { button type="submit" { "登录" } }
                }
                p.muted { "乡镇（街道）和县级部门用本单位口令登录后上传调查表；组织部用管理员口令登录查看报送情况。" }
            }
        },
    )
}

/// What a checked upload shows: the verdict, the findings, the feedback and the 提交 form.
pub struct CheckView<'a> {
    pub report: &'a FileReport,
    pub token: Option<&'a str>,
    pub message: Option<String>,
}

/// A line at the top of a page: something done, or something refused.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    Done(&'a str),
    Problem(&'a str),
}

fn notice(notice: Option<Notice>) -> Markup {
    html! {
        @match notice {
            Some(Notice::Done(text)) => div.flash { (text) },
            Some(Notice::Problem(text)) => div.error { (text) },
            None => {},
        }
    }
}

/// The township's page.
pub fn unit_page(
    app: &App,
    unit: usize,
    csrf: &str,
    top: Option<Notice>,
    check: Option<CheckView>,
    log: &Log,
) -> Markup {
    let roster_unit = &app.options.roster.units[unit];
    let name = format!("{}（{}）", roster_unit.name, roster_unit.code);
    layout(
        &roster_unit.name,
        Some((&name, csrf)),
        html! {
            (notice(top))
        (returned(log, &roster_unit.code))
            @if let Some(check) = &check { (check_section(check, csrf)) }
            section {
                h2 { "上传调查表" }
                form method="post" action="/unit/check" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    p { input type="file" name="file" accept=".xlsx,.xlsm,.xls,.ods" required; " " button type="submit" { "上传并检查" } }
                }
                p.muted { "上传后立即检查，列出每个有问题的单元格；检查不保存文件，确认无误后再点“提交”。大小限制 " (app.options.max_upload / (1024 * 1024)) " MB。" }
            }
            (history(log, &roster_unit.code))
        },
    )
}

fn check_section(view: &CheckView, csrf: &str) -> Markup {
    let report = view.report;
    let (class, verdict) = verdict_class(report);
    html! {
        section {
            h2 { "检查结果" }
            @if let Some(message) = &view.message { div.error { (message) } }
            p class=(class) { (verdict) }
            @if !report.issues().is_empty() { (issues_table(report)) }
            @if let (Some(token), false) = (view.token, report.issues().is_empty()) {
                p { a href={ "/unit/pending/" (token) "/feedback" } { "下载反馈表（问题单元格标红标黄，附说明）" } }
            }
            @if let (Some(token), true) = (view.token, report.form.is_some()) {
                form method="post" action="/unit/submit" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="token" value=(token);
                    @if report.errors() > 0 {
                        p.note { "报表还有错误。最好修改后重新上传；确需按现状提交的，请在下面写明原因，组织部审核时能看到。" }
                        p { "说明（必填）：" textarea name="reason" rows="3" required {} }
                    } @else {
                        p { "说明（可不填）：" textarea name="reason" rows="2" {} }
                    }
                    p { button type="submit" { "提交" } }
                }
            }
        }
    }
}

/// The class and words of a check's verdict.
fn verdict_class(report: &FileReport) -> (&'static str, String) {
    let verdict = crate::report::verdict(report);
    let class = match (report.form.is_some(), report.errors(), report.warnings()) {
        (false, _, _) => "bad",
        (_, 0, 0) => "ok",
        (_, 0, _) => "warn",
        _ => "bad",
    };
    (class, verdict)
}

/// 工作表, 单元格, 列, 填写内容, 问题: one row per finding.
fn issues_table(report: &FileReport) -> Markup {
    html! {
        table {
            tr { th { "级别" } th { "工作表" } th { "单元格" } th { "列" } th { "填写内容" } th { "问题" } }
            @for issue in report.issues() {
                tr class=(if issue.is_error() { "e" } else { "w" }) {
                    td.sev.nw { (issue.severity.label()) " " (issue.code.id()) }
                    td.nw { (issue.sheet) }
                    td.nw { (issue.cell.as_deref().unwrap_or("")) }
                    td.nw { (crate::report::field_header(issue.field)) }
                    td { (issue.value.as_deref().unwrap_or("")) }
                    td { (issue.message) }
                }
            }
        }
    }
}

/// When the unit's latest submission was returned: what the department said, on top.
fn returned(log: &Log, code: &str) -> Markup {
    let latest = log.submissions_of(code).last();
    let review = latest.and_then(|s| Some((s, log.review_of(s.id)?)));
    html! {
        @if let Some((s, r)) = review.filter(|(_, r)| r.decision == crate::intake_log::Decision::Returned) {
            div.error { "组织部退回了第 " (s.id) " 号报送（" (s.original_name) "）：" (r.comment) "。请修改后重新上传提交。" }
        }
    }
}

/// The unit's submissions, newest first, with the department's decisions.
fn history(log: &Log, code: &str) -> Markup {
    let mine: Vec<&Submitted> = log.submissions_of(code).collect();
    html! {
        section {
            h2 { "本单位的报送记录" }
            @if mine.is_empty() {
                p.muted { "还没有提交过。" }
            } @else {
                table {
                    tr { th { "编号" } th { "提交时间" } th { "文件" } th { "检查结果" } th { "说明" } th { "组织部审核" } th { "反馈" } }
                    @for s in mine.iter().rev() {
                        tr {
                            td.num { (s.id) }
                            td { (s.arrived_at) }
                            td { (s.original_name) }
                            td { (counts(s)) }
                            td { (s.reason.as_deref().unwrap_or("")) }
                            td { (decision(log, s.id)) }
                            td { @if s.errors + s.warnings > 0 { a href={ "/api/feedback/" (s.id) } { "下载" } } }
                        }
                    }
                }
                p.muted { "以最新提交的报表为准；被退回的，请按意见修改后重新上传提交。" }
            }
        }
    }
}

fn counts(s: &Submitted) -> Markup {
    html! {
        @match (s.errors, s.warnings) {
            (0, 0) => span.ok { "通过" },
            (0, w) => span.warn { (w) " 个警告" },
            (e, w) => span.bad { (e) " 个错误、" (w) " 个警告" },
        }
    }
}

fn decision(log: &Log, id: u64) -> Markup {
    html! {
        @match log.review_of(id) {
            None => span.muted { "待审核" },
            Some(r) => {
                span class=(if r.decision == crate::intake_log::Decision::Accepted { "ok" } else { "bad" }) { (r.decision.label()) }
                @if !r.comment.is_empty() { "：" (r.comment) }
                br; span.muted { (r.at) }
            }
        }
    }
}

/// The department's page: 报送情况 and every unit's submissions with review forms.
pub fn admin_page(status: &StatusReport, log: &Log, csrf: &str, flash: Option<&str>) -> Markup {
    let t = &status.totals;
    html! {
        (layout("组织部", Some(("组织部（管理员）", csrf)), html! {
            @if let Some(flash) = flash { div.flash { (flash) } }
            section {
                h2 { "报送情况" }
                p { (status.headline().join("　")) }
                div.tiles {
                    span { "应报 " b { (t.expected) } }
                    span { "已报 " b { (t.submitted) } }
                    span { "未报 " b.bad { (t.missing) } }
                    span { "有错误 " b.bad { (t.errors) } }
                    span { "仅警告 " b.warn { (t.warnings_only) } }
                    span { "通过 " b.ok { (t.passed) } }
                    span { "逾期 " b.bad { (t.late) } }
                }
                p { a.button href="/api/ledger.xlsx" { "下载当前台账" } " " span.muted { "与在本机运行 taizhang ledger 收件文件夹 得到的台账相同" } }
                (board(status, log))
            }
            section {
                h2 { "网上报送记录（最新在前）" }
                @for unit in status.units.iter().filter(|u| log.submissions_of(&u.code).next().is_some()) {
                    (unit_submissions(unit, log, csrf))
                }
                @if log.submissions().next().is_none() { p.muted { "还没有单位在网上提交。" } }
                p.muted { "直接放入收件文件夹的报表同样计入上面的报送情况和台账。" }
            }
        }))
    }
}

fn board(status: &StatusReport, log: &Log) -> Markup {
    // A file submitted on the web is shown by the name the unit gave it.
    let shown = |file: &str| match log
        .submissions()
        .find(|s| s.stored == file.replace('\\', "/"))
    {
        Some(s) => format!("{}（网上第 {} 号）", s.original_name, s.id),
        None => file.to_string(),
    };
    // The department's latest decision on the file that counts, from the log itself (not
    // the sentence 报送情况 makes of it).
    let review = |file: &str| {
        let file = file.replace('\\', "/");
        let submission = log.submissions().find(|s| s.stored == file);
        match submission.and_then(|s| log.review_of(s.id)) {
            Some(r) if r.comment.is_empty() => r.decision.label().to_string(),
            Some(r) => format!("{}（{}）", r.decision.label(), r.comment),
            None => String::new(),
        }
    };
    html! {
        table {
            tr { th { "单位代码" } th { "单位名称" } th { "报送状态" } th { "期限" } th { "文件" } th { "党组织" } th { "错误" } th { "警告" } th { "审核" } }
            @for u in &status.units {
                tr {
                    td { (u.code) }
                    td {
                        @if log.submissions_of(&u.code).next().is_some() {
                            a href={ "#u-" (u.code) } { (u.name) }
                        } @else { (u.name) }
                    }
                    td class={ "nw " (state_class(u.state)) } { (u.state_label) }
                    td class=(if u.late { "nw bad" } else { "nw" }) { (status.unit_deadline(u)) }
                    td { (u.file.as_deref().map(shown).unwrap_or_default()) }
                    td.num { @if u.state != State::Missing { (u.organizations) } }
                    td.num { @if u.state != State::Missing { (u.errors) } }
                    td.num { @if u.state != State::Missing { (u.warnings) } }
                    td { (u.file.as_deref().map(review).unwrap_or_default()) }
                }
            }
        }
    }
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Missing | State::Errors => "bad",
        State::WarningsOnly => "warn",
        State::Passed => "ok",
    }
}

fn unit_submissions(unit: &UnitStatus, log: &Log, csrf: &str) -> Markup {
    let mine: Vec<&Submitted> = log.submissions_of(&unit.code).collect();
    html! {
        h3 id={ "u-" (unit.code) } style="font-size:15px;margin:14px 0 6px 0" { (unit.name) " " span.muted { (unit.code) } }
        table {
            tr { th { "编号" } th { "提交时间" } th { "文件" } th { "检查结果" } th { "说明" } th { "审核" } th { "通过 / 退回" } }
            @for s in mine.iter().rev() {
                tr {
                    td.num { (s.id) }
                    td.nw { (s.arrived_at) }
                    td { (s.original_name) br; @if s.errors + s.warnings > 0 { a href={ "/api/feedback/" (s.id) } { "反馈表" } } }
                    td.nw { (counts(s)) }
                    td { (s.reason.as_deref().unwrap_or("")) }
                    td { (decision(log, s.id)) }
                    td.small.nw {
                        form method="post" action="/admin/review" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="submission" value=(s.id);
                            input type="text" name="comment" placeholder="意见（退回时必填）" size="18";
                            " " button type="submit" name="decision" value="通过" { "通过" }
                            " " button.plain type="submit" name="decision" value="退回" { "退回" }
                        }
                    }
                }
            }
        }
    }
}
