//! Check reports for people (text) and programs (JSON). Rendering only: no decisions.

use crate::check::FileReport;
use crate::issue::Issue;
use crate::schema::{COVERAGE, ORGANIZATIONS, UNIT_INFO};
use serde::Serialize;
use std::fmt::Write;

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    unit_code: Option<&'a str>,
    unit_name: Option<&'a str>,
    organizations: usize,
    errors: usize,
    warnings: usize,
    issues: &'a [Issue],
}

/// The check's JSON document: `{"files":[…]}`.
pub fn check_json(reports: &[FileReport]) -> String {
    let files = reports
        .iter()
        .map(|r| JsonFile {
            path: r.path.display().to_string(),
            unit_code: r.form.as_ref().and_then(|f| f.unit_code()),
            unit_name: r.form.as_ref().and_then(|f| f.unit_name()),
            organizations: r.organizations(),
            errors: r.errors(),
            warnings: r.warnings(),
            issues: r.issues(),
        })
        .collect();
    serde_json::to_string_pretty(&JsonReport { files }).expect("report serializes")
}

/// The header of the column an issue is about, for the text report.
pub fn field_header(field: Option<&str>) -> &'static str {
    let Some(key) = field else { return "" };
    [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE]
        .iter()
        .flat_map(|s| s.columns.iter())
        .find(|c| c.key == key)
        .map_or("", |c| c.header)
}

/// One line saying whether the file can be submitted.
pub fn verdict(report: &FileReport) -> String {
    let name = report.path.file_name().map_or_else(
        || report.path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let Some(form) = &report.form else {
        return format!("{name}：无法读取，请按下面的说明处理后重新报送");
    };
    let unit = form.unit_name().unwrap_or("单位名称未填");
    let orgs = form.organizations.len();
    match (report.errors(), report.warnings()) {
        (0, 0) => format!("{name}（{unit}，{orgs} 个党组织）：通过，可以报送"),
        (0, w) => format!("{name}（{unit}，{orgs} 个党组织）：通过，有 {w} 个警告，请核对"),
        (e, w) => format!(
            "{name}（{unit}，{orgs} 个党组织）：有 {e} 个错误、{w} 个警告，请修改后重新报送"
        ),
    }
}

/// The human-readable report: per file a verdict line, then the issues grouped by sheet.
pub fn check_text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let _ = writeln!(out, "{}", verdict(report));
        let mut current_sheet: Option<&str> = None;
        for issue in report.issues() {
            if current_sheet != Some(issue.sheet.as_str()) {
                current_sheet = Some(issue.sheet.as_str());
                if !issue.sheet.is_empty() {
                    let _ = writeln!(out, "  【{}】", issue.sheet);
                }
            }
            let _ = writeln!(out, "    {}", issue_line(issue));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", totals(reports));
    out
}

fn issue_line(issue: &Issue) -> String {
    let head = format!("{} {}", issue.severity.label(), issue.code);
    match issue.cell.as_deref() {
        Some(cell) => format!("{cell:<6} {head}  {}", issue.message),
        None => format!("{head}  {}", issue.message),
    }
}

fn totals(reports: &[FileReport]) -> String {
    let unreadable = reports.iter().filter(|r| r.is_unreadable()).count();
    let with_errors = reports
        .iter()
        .filter(|r| !r.is_unreadable() && r.errors() > 0)
        .count();
    let passed = reports.len() - unreadable - with_errors;
    let errors: usize = reports.iter().map(FileReport::errors).sum();
    let warnings: usize = reports.iter().map(FileReport::warnings).sum();
    format!(
        "共检查 {} 个文件：通过 {passed} 个，有错误 {with_errors} 个，无法读取 {unreadable} 个；错误 {errors} 个，警告 {warnings} 个",
        reports.len()
    )
}
