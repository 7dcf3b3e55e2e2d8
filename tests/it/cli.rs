//! The binary as a user runs it: exit codes, the JSON contracts, the report wording.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use taizhang::builder::{Cell, FormBuilder};

fn taizhang() -> Command {
    Command::cargo_bin("taizhang").unwrap()
}

/// A form with three typical mistakes and one warning.
fn form_with_mistakes() -> FormBuilder {
    FormBuilder::new()
        .unit("白马镇")
        .code("511101001")
        .org(|o| o.name("白马村党支部"))
        .org(|o| o.name("石桥村党支部").members(Cell::text("若干")))
        .org(|o| {
            o.name("白马社区党支部")
                .secretary_phone(Cell::text("1381234567"))
        })
        .org(|o| o.name("机关党支部").self_tier("一般"))
        .coverage(|c| c.set("has_party_org", "是").set("coverage", "未覆盖"))
}

fn stdout_of(cmd: &mut Command, expected_code: i32, dir: &std::path::Path) -> String {
    let output = cmd.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(expected_code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn check_json_matches_the_contract() {
    let dir = temp_dir();
    let path = form_with_mistakes()
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let json = stdout_of(
        taizhang().args(["check", "--format", "json"]).arg(&path),
        1,
        dir.path(),
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let file = &doc["files"][0];
    let keys = crate::support::json_keys(file);
    assert_eq!(
        keys,
        [
            "path",
            "unit_code",
            "unit_name",
            "organizations",
            "errors",
            "warnings",
            "issues"
        ]
    );
    let issue_keys = crate::support::json_keys(&file["issues"][0]);
    assert_eq!(
        issue_keys,
        ["severity", "code", "sheet", "cell", "row", "field", "value", "message"]
    );
    insta::assert_snapshot!("check_json", json);
}

#[test]
fn check_text_report_reads_like_a_clerks_list() {
    let dir = temp_dir();
    let path = form_with_mistakes()
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let text = stdout_of(taizhang().arg("check").arg(&path), 1, dir.path());
    insta::assert_snapshot!("check_text", text);
}

#[test]
fn check_exit_codes_say_clean_findings_or_unreadable() {
    let dir = temp_dir();
    let clean = FormBuilder::new()
        .org(|o| o)
        .coverage(|c| c)
        .write(dir.path().join("clean.xlsx"))
        .unwrap();
    taizhang().arg("check").arg(&clean).assert().code(0);
    let warned = FormBuilder::new()
        .org(|o| o.self_tier("一般"))
        .write(dir.path().join("warn.xlsx"))
        .unwrap();
    taizhang().arg("check").arg(&warned).assert().code(0);
    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, b"not a workbook").unwrap();
    let output = taizhang()
        .arg("check")
        .arg(&clean)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("bad.xlsx：无法读取") && text.contains("错误 E00"),
        "{text}"
    );
    taizhang().arg("check").assert().code(2); // usage error: no file
}

#[test]
fn readme_code_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = taizhang::issue::code_table_markdown();
    assert!(
        readme.contains(&table),
        "README's code table is stale; paste the output of `taizhang codes --format markdown`:\n{table}"
    );
}

#[test]
fn codes_command_prints_the_table() {
    let output = taizhang().args(["codes", "--format", "markdown"]).output();
    assert_eq!(
        String::from_utf8(output.unwrap().stdout).unwrap(),
        taizhang::issue::code_table_markdown()
    );
    let output = taizhang().args(["codes", "--format", "json"]).output();
    let json: serde_json::Value = serde_json::from_slice(&output.unwrap().stdout).unwrap();
    let codes = json.as_array().unwrap();
    assert_eq!(codes.len(), taizhang::issue::CODES.len());
    assert_eq!(codes[0]["code"], "E001");
    assert_eq!(codes[0]["severity"], "错误");
}

/// By default a table for the terminal, not Markdown: every line's 问题 and 何时出现 columns
/// start at the same display column (CJK characters two columns wide).
#[test]
fn codes_prints_an_aligned_table_for_the_terminal() {
    use unicode_width::UnicodeWidthStr;
    let output = taizhang().arg("codes").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), taizhang::issue::CODES.len() + 1);
    assert!(!text.contains('|'), "{text}");
    // Where the third and fourth columns start on each line, in display columns.
    let starts = |line: &str| {
        let mut starts = Vec::new();
        let mut at = 0;
        let mut gap = 0;
        for ch in line.chars() {
            if ch == ' ' {
                gap += 1;
            } else {
                if gap >= 2 {
                    starts.push(at);
                }
                gap = 0;
            }
            at += ch.to_string().width();
        }
        starts
    };
    let first = starts(lines[0]);
    assert_eq!(first.len(), 3, "{}", lines[0]);
    for line in &lines {
        assert_eq!(starts(line)[..3], first[..], "{line}");
    }
}

/// A temporary folder that cannot be written: one clear Chinese error naming it and what to
/// do, exit code 2, and no ledger.
#[test]
fn an_unusable_temporary_folder_is_a_clear_error() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let missing = dir.path().join("没有这个文件夹");
    let output = taizhang()
        .args(["ledger"])
        .arg(root().join("samples/摸底"))
        .arg("-o")
        .arg(&out)
        .env("TMPDIR", &missing)
        .output()
        .unwrap();
    assert_scratch_error(&output, &missing);
    assert!(!out.exists());
}

/// Exit code 2 and the temporary-folder error: the folder, why, and what to do.
fn assert_scratch_error(output: &std::process::Output, folder: &std::path::Path) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("无法写入临时文件"), "{stderr}");
    assert!(stderr.contains(&folder.display().to_string()), "{stderr}");
    let folder = format!("临时文件夹 {}）：不存在", folder.display());
    assert!(
        stderr.contains(&folder) && stderr.contains("TMPDIR"),
        "{stderr}"
    );
    // Said once, in Chinese: no system text, no repeated cause.
    assert!(!stderr.contains("os error"), "{stderr}");
    assert_eq!(stderr.matches("不存在").count(), 1, "{stderr}");
}

/// `status` spills its reports like `ledger`: the same error, and no status on stdout.
#[test]
fn status_with_an_unusable_temporary_folder_is_the_same_clear_error() {
    let dir = temp_dir();
    let missing = dir.path().join("没有这个文件夹");
    let output = taizhang()
        .args(["status"])
        .arg(root().join("samples/摸底"))
        .arg("--roster")
        .arg(root().join("samples/roster.xlsx"))
        .env("TMPDIR", &missing)
        .output()
        .unwrap();
    assert_scratch_error(&output, &missing);
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// `taizhang rules | head -1`: when the reader of the output goes away, the program stops
/// without a panic about printing (the reader is gone before anything is written).
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_run_without_a_panic() {
    use std::process::Stdio;
    // The reader is gone before the program starts: no race with what it writes.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("taizhang"))
        .arg("rules")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!output.status.success(), "the output could not be written");
}

/// Operating-system errors are said in Chinese by kind, with advice that fits the cause: a
/// missing file is not "被其他程序占用", and the system's own English never shows.
#[test]
fn operating_system_errors_are_chinese_sentences_that_fit_the_cause() {
    let dir = temp_dir();
    let missing = dir.path().join("没有这个文件.xlsx");
    let output = taizhang().arg("check").arg(&missing).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("文件无法打开：不存在。请确认路径无误"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("占用") && !stdout.contains("os error"),
        "{stdout}"
    );

    // An output folder whose place is taken by a file.
    let file = dir.path().join("一个文件");
    std::fs::write(&file, b"x").unwrap();
    let output = taizhang()
        .args(["ledger"])
        .arg(root().join("samples/摸底"))
        .arg("-o")
        .arg(file.join("台账.xlsx"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("无法在输出文件夹"), "{stderr}");
    let said = stderr.replace(&file.display().to_string(), "");
    assert!(!said.chars().any(|c| c.is_ascii_alphabetic()), "{stderr}");
}

/// `check 文件夹` checks every spreadsheet in it (subfolders too), says what it left out, and
/// does not list the feedback workbooks an earlier `check --feedback` put there.
#[test]
fn check_given_a_folder_checks_the_spreadsheets_in_it() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(inbox.join("二组")).unwrap();
    FormBuilder::new()
        .unit("白马镇")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    FormBuilder::new()
        .unit("青山镇")
        .org(|o| o.set("org_type", "党小组"))
        .write(inbox.join("二组/青山镇.xlsx"))
        .unwrap();
    std::fs::write(inbox.join("说明.txt"), "不是报表").unwrap();
    let first = taizhang()
        .arg("check")
        .arg(&inbox)
        .arg("--feedback")
        .arg(&inbox)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("共检查 2 个文件"), "{stdout}");
    assert!(
        stdout.contains("青山镇.xlsx") && stdout.contains("E104"),
        "{stdout}"
    );
    assert!(stderr.contains("另有 1 个文件不是调查表"), "{stderr}");
    assert!(inbox.join("青山镇_反馈.xlsx").exists(), "{stderr}");
    // Again: the feedback workbook now in the folder is ours, not a form to check.
    let again = taizhang().arg("check").arg(&inbox).output().unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("共检查 2 个文件"), "{stdout}");
    assert!(!stdout.contains("反馈.xlsx"), "{stdout}");

    let empty = dir.path().join("空");
    std::fs::create_dir(&empty).unwrap();
    let output = taizhang().arg("check").arg(&empty).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("中没有调查表文件"), "{stderr}");
}

/// A file-level issue has no sheet: `null` in JSON, like its cell and row (README's contract).
#[test]
fn a_file_level_issue_has_a_null_sheet_in_json() {
    let dir = temp_dir();
    let path = dir.path().join("白马镇.xlsx");
    std::fs::write(&path, b"not a workbook").unwrap();
    let output = taizhang()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let issue = &doc["files"][0]["issues"][0];
    assert_eq!(issue["code"], "E003", "{issue}");
    assert!(issue["sheet"].is_null(), "{issue}");
    assert!(issue["cell"].is_null() && issue["row"].is_null(), "{issue}");
}

/// The words of `text` that are English prose: not option or command names, file extensions,
/// issue codes, dates, the program's name or the values a user types.
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &[
        "taizhang", "text", "json", "markdown", "README", "Ctrl-C", "TMPDIR", "template", "check",
        "ledger", "status", "watch", "upgrade", "rules", "codes", "serve", "HTTPS", "PEM", "MB",
        "rectify",
    ];
    let is_code = |t: &str| {
        t.len() == 4 && t.starts_with(['E', 'W']) && t[1..].chars().all(|c| c.is_ascii_digit())
    };
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|t| !(t.starts_with('-') || t.starts_with('.') || is_code(t)))
        .filter(|t| !ALLOWED.contains(t))
        .map(str::to_string)
        .collect()
}

/// Every help page and the common usage errors are Chinese: no English word outside option
/// names, file extensions and codes; usage errors exit 2 with the usage line.
#[test]
fn help_and_usage_errors_are_chinese() {
    let subcommands = [
        "template", "check", "ledger", "status", "watch", "serve", "upgrade", "rectify", "rules",
        "codes",
    ];
    let mut pages = vec![vec!["--help"], vec!["-h"], vec!["--version"]];
    pages.extend(subcommands.iter().map(|s| vec![*s, "--help"]));
    for args in pages {
        let output = taizhang().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(!text.is_empty(), "{args:?}");
        assert_eq!(
            english_words(&text),
            Vec::<String>::new(),
            "{args:?}:\n{text}"
        );
        if args[0] != "--version" {
            assert!(text.contains("用法："), "{args:?}:\n{text}");
        }
    }
    let errors: [(&[&str], &str); 8] = [
        (&["chek"], "没有“chek”这个命令；是不是想用 check？"),
        (&["rules", "--file", "x"], "不认识的参数“--file”"),
        (&["check"], "缺少必需的参数：<文件或文件夹>"),
        (
            &["ledger", "收件", "-o", "台账.xlsx", "--format", "xml"],
            "的值“xml”不对，可选：text、json",
        ),
        (
            &["ledger", "收件", "-o", "台账.xlsx", "--deadline", "明天"],
            "“明天”不是日期",
        ),
        (
            &[
                "status",
                "收件",
                "--roster",
                "花名册.xlsx",
                "--stage",
                "期中",
            ],
            "“期中”不是调查阶段",
        ),
        (&["status", "收件"], "缺少必需的参数：--roster <花名册>"),
        (&["template", "--year", "明年"], "“明年”不是年份"),
    ];
    for (args, expected) in errors {
        let output = taizhang().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = String::from_utf8(output.stderr).unwrap();
        assert!(text.contains(expected), "{args:?}:\n{text}");
        assert!(text.contains("用法：taizhang"), "{args:?}:\n{text}");
        // What the user typed is quoted back as typed.
        let words: Vec<String> = (english_words(&text).into_iter())
            .filter(|w| !args.contains(&w.as_str()))
            .collect();
        assert_eq!(words, Vec::<String>::new(), "{args:?}:\n{text}");
    }
    // With no command: the help, on stderr, and exit 2.
    let output = taizhang().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("命令:"));
}

/// A folder dropped on the program (the only argument, no command): its ledger is written
/// beside it with a dated name, the inbox untouched.
#[test]
fn a_folder_dropped_on_the_program_gets_its_ledger_beside_it() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件箱");
    std::fs::create_dir(&inbox).unwrap();
    let form = form_with_mistakes()
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let before = std::fs::read(&form).unwrap();
    let output = taizhang().arg(&inbox).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "收件箱")
        .collect();
    let [name] = written.as_slice() else {
        panic!("one ledger beside the inbox: {written:?}");
    };
    let stamp = name
        .strip_prefix("收件箱_台账_")
        .and_then(|rest| rest.strip_suffix(".xlsx"))
        .unwrap_or_else(|| panic!("named after the inbox, dated: {name}"));
    assert!(
        chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M").is_ok(),
        "{stamp}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("党组织：4 个"), "{stdout}");
    assert!(stdout.contains(name.as_str()), "{stdout}");
    assert_eq!(std::fs::read(&form).unwrap(), before);
    let rules = taizhang::rules::Rules::embedded();
    let limits = taizhang::read::Limits::default();
    let ledger = taizhang::upgrade::readback::read_ledger(&dir.path().join(name), &rules, &limits)
        .expect("a ledger taizhang can read back");
    assert_eq!(ledger.organizations.len(), 4);
}

/// Files dropped on the program are checked; the feedback of those with issues goes into a
/// 检查反馈 folder beside them.
#[test]
fn files_dropped_on_the_program_are_checked_with_feedback_beside_them() {
    let dir = temp_dir();
    let with_issues = form_with_mistakes()
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let clean = FormBuilder::new()
        .unit("石门乡")
        .code("511101002")
        .org(|o| o.name("石门村党支部"))
        .write(dir.path().join("石门乡.xlsx"))
        .unwrap();
    let output = taizhang().arg(&with_issues).arg(&clean).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "errors found: {stdout}");
    assert!(stdout.contains("白马镇.xlsx") && stdout.contains("石门乡.xlsx"));
    let feedback: Vec<String> = std::fs::read_dir(dir.path().join("检查反馈"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(feedback, ["白马镇_反馈.xlsx"]);
}

/// A folder and a file together is refused in Chinese; a path that does not exist is named as
/// one, a mistyped command still gets clap's suggestion.
#[test]
fn what_is_not_a_drop_is_said_in_chinese() {
    let dir = temp_dir();
    let form = form_with_mistakes()
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let output = taizhang().arg(dir.path()).arg(&form).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("请只拖入一个收件文件夹"), "{stderr}");
    let output = taizhang()
        .arg(dir.path().join("没有这个文件夹"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("错误：找不到文件或文件夹“"), "{stderr}");
    assert!(stderr.contains("用法"), "{stderr}");
    let words = stderr.replace(&dir.path().display().to_string(), "");
    assert!(english_words(&words).is_empty(), "{stderr}");
    let output = taizhang().arg("chek").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("check"), "the suggestion: {stderr}");
}

/// A 填报日期 after the day of the check is a warning at its cell (W116); one before it is
/// not, and a library check (no day given) never looks.
#[test]
fn a_filing_date_after_today_is_a_warning_at_its_cell() {
    let dir = temp_dir();
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let yesterday = chrono::Local::now().date_naive() - chrono::Days::new(1);
    let cell = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        Cell::date(d.year(), d.month(), d.day())
    };
    let form = |name: &str, date| {
        form_with_mistakes()
            .filled_on(cell(date))
            .write(dir.path().join(name))
    };
    let future = form("未来.xlsx", tomorrow).unwrap();
    let past = form("昨天.xlsx", yesterday).unwrap();
    let json = stdout_of(
        taizhang()
            .args(["check", "--format", "json"])
            .arg(&future)
            .arg(&past),
        1,
        dir.path(),
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let w116 = |file: usize| -> Vec<serde_json::Value> {
        let issues = doc["files"][file]["issues"].as_array().unwrap();
        issues
            .iter()
            .filter(|i| i["code"] == "W116")
            .cloned()
            .collect()
    };
    let found = w116(0);
    assert_eq!(found.len(), 1, "{json}");
    let expected_cell = FormBuilder::new().unit_cell("filled_on");
    assert_eq!(found[0]["cell"], expected_cell.as_str(), "{json}");
    assert_eq!(found[0]["severity"], "warning", "{json}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains(&tomorrow.to_string()), "{message}");
    assert!(w116(1).is_empty(), "yesterday is fine: {json}");
    let report = taizhang::check::check_file(&future, &Default::default());
    assert!(!report
        .issues()
        .iter()
        .any(|i| i.code == taizhang::Code::FiledInFuture));
}

/// Every help page and the common usage errors, word for word: a change of wording shows as a
/// snapshot difference (`tests/it/snapshots/`), reviewed like code.
#[test]
fn help_pages_and_usage_errors_are_kept_as_snapshots() {
    let commands = [
        "", "template", "check", "ledger", "status", "watch", "serve", "upgrade", "rectify",
        "rules", "codes",
    ];
    for command in commands {
        let mut cmd = taizhang();
        if !command.is_empty() {
            cmd.arg(command);
        }
        let output = cmd.arg("--help").output().unwrap();
        let name = format!(
            "help_{}",
            if command.is_empty() {
                "taizhang"
            } else {
                command
            }
        );
        insta::assert_snapshot!(name, String::from_utf8(output.stdout).unwrap());
    }
    let errors: [(&str, &[&str]); 5] = [
        ("unknown_command", &["chek"]),
        ("missing_argument", &["check"]),
        ("missing_output", &["ledger", "收件箱"]),
        ("bad_value", &["check", "--format", "xml", "白马镇.xlsx"]),
        (
            "bad_date",
            &[
                "status",
                "收件箱",
                "--roster",
                "r.csv",
                "--deadline",
                "明天",
            ],
        ),
    ];
    for (name, args) in errors {
        let output = taizhang().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        insta::assert_snapshot!(format!("usage_error_{name}"), stderr);
    }
}
