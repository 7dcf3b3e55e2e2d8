//! Whose file it is: a file tied to a roster unit by its 单位代码, its 填报单位 or its file
//! name, with an issue when the roster cannot tell.

use super::{Claim, Placed, Via};
use crate::check::FileReport;
use crate::issue::{Code, Issue};
use crate::roster::{code_key, name_key, Roster};
use crate::schema::UNIT_INFO;
use std::path::Path;

/// The unit a form belongs to: its code, else its name, else the file's stem.
pub fn unit_key(report: &FileReport) -> (String, String) {
    let stem = || {
        report
            .path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().to_string())
    };
    match &report.form {
        Some(form) => (
            form.unit_code().unwrap_or_default().to_string(),
            form.unit_name().map_or_else(stem, str::to_string),
        ),
        None => (String::new(), stem()),
    }
}

/// The unit key of a file without a roster unit: its code and name, else its file stem.
fn unlisted(report: &FileReport) -> Claim {
    let (code, name) = unit_key(report);
    Claim::Unlisted {
        code: code_key(&code),
        name,
    }
}

/// Tie one file to its owner, adding an issue to its form when the roster cannot tell whose
/// it is. Depends on this file alone, so it can run while files are read.
pub fn place(report: &mut FileReport, roster: Option<&Roster>) -> Placed {
    let modified = std::fs::metadata(&report.path)
        .and_then(|m| m.modified())
        .ok();
    let (claim, via) = match roster {
        Some(roster) => match_roster(report, roster),
        None => (unlisted(report), None),
    };
    Placed {
        claim,
        via,
        modified,
    }
}

/// Match a file against the roster, adding an issue when it matches nothing or two units.
fn match_roster(report: &mut FileReport, roster: &Roster) -> (Claim, Option<Via>) {
    let by_file = by_file_name(&report.path, roster);
    let Some(form) = report.form.as_mut() else {
        return match by_file {
            Some(i) => (Claim::Roster(i), Some(Via::FileName)),
            None => (unlisted(report), None),
        };
    };
    let code = form.unit_code().map(code_key).unwrap_or_default();
    let name = form.unit_name().unwrap_or_default().to_string();
    let by_code = roster.by_code(&code);
    let by_name = find_name(&name, roster);
    let matched = match (by_code, by_name) {
        (Some(a), Some(b)) if a != b => {
            form.issues.push(conflict(roster, &code, &name, a, b));
            None
        }
        (Some(a), _) => Some((a, Via::Code)),
        (None, Some(b)) => Some((b, Via::Name)),
        (None, None) => by_file.map(|f| (f, Via::FileName)),
    };
    let Some((unit, via)) = matched else {
        if by_code.is_none() || by_name.is_none() {
            form.issues.push(not_in_roster(roster, &code, &name));
        }
        return (unlisted(report), None);
    };
    if via != Via::Code && !code.is_empty() {
        form.issues.push(code_differs(roster, unit, &code, via));
    }
    (Claim::Roster(unit), Some(via))
}

/// A roster unit named by `text`: exactly, else the single longest roster name inside it
/// ("中共白马镇委员会" → 白马镇).
pub fn find_name(text: &str, roster: &Roster) -> Option<usize> {
    if let Some(i) = roster.by_name(text) {
        return Some(i);
    }
    let text = name_key(text);
    if text.is_empty() {
        return None;
    }
    let mut found: Vec<(usize, usize)> = roster
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (i, name_key(&u.name)))
        .filter(|(_, n)| !n.is_empty() && text.contains(n.as_str()))
        .map(|(i, n)| (n.chars().count(), i))
        .collect();
    found.sort_unstable_by(|a, b| b.cmp(a));
    match found.as_slice() {
        [(len, i), rest @ ..] if rest.first().is_none_or(|(l, _)| l < len) => Some(*i),
        _ => None,
    }
}

/// A roster unit named by the file name: a roster code among its digit runs, else a name.
pub fn by_file_name(path: &Path, roster: &Roster) -> Option<usize> {
    let stem = path.file_stem()?.to_string_lossy();
    let stem = name_key(&stem);
    let by_code = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .find_map(|part| roster.by_code(part));
    by_code.or_else(|| find_name(&stem, roster))
}

fn unit_label(roster: &Roster, i: usize) -> String {
    let unit = &roster.units[i];
    format!("{}（{}）", unit.name, unit.code)
}

fn roster_name(roster: &Roster) -> String {
    roster.path.file_name().map_or_else(
        || roster.path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}

fn conflict(roster: &Roster, code: &str, name: &str, by_code: usize, by_name: usize) -> Issue {
    Issue::sheet(
        Code::UnitConflict,
        UNIT_INFO.name,
        format!(
            "单位代码“{code}”在花名册中是 {}，填报单位“{name}”却是 {}；本文件未计入任何单位，请核对后重新报送",
            unit_label(roster, by_code),
            unit_label(roster, by_name)
        ),
    )
}

fn not_in_roster(roster: &Roster, code: &str, name: &str) -> Issue {
    let shown = |s: &str| {
        if s.is_empty() {
            "（未填）".to_string()
        } else {
            format!("“{s}”")
        }
    };
    Issue::sheet(
        Code::UnitNotInRoster,
        UNIT_INFO.name,
        format!(
            "单位代码{}、填报单位{}和文件名都对应不到花名册 {} 中的单位；本文件未计入任何单位，请核对单位代码，或把该单位补入花名册",
            shown(code),
            shown(name),
            roster_name(roster)
        ),
    )
}

fn code_differs(roster: &Roster, unit: usize, code: &str, via: Via) -> Issue {
    Issue::sheet(
        Code::UnitCodeNotInRoster,
        UNIT_INFO.name,
        format!(
            "单位代码“{code}”不在花名册中；已按{}计入 {}，请把单位代码改为“{}”",
            via.label(),
            unit_label(roster, unit),
            roster.units[unit].code
        ),
    )
}
