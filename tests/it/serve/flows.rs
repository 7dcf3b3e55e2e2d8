//! The web intake's flows through the router: sign-in and its slow-down, check, submit, what
//! is refused (errors without a reason, hostile files, another unit's form, no CSRF token, too
//! large).

use super::*;
use taizhang::builder::FormBuilder;

pub const BAIMA: &str = "511101001";
pub const LONGQUAN: &str = "511101004";

/// 白马镇's form with one error (a phone number too short).
pub fn erroneous() -> Vec<u8> {
    FormBuilder::new()
        .orgs(2)
        .phone("12345")
        .to_bytes()
        .unwrap()
}

fn clean() -> Vec<u8> {
    FormBuilder::new().orgs(2).to_bytes().unwrap()
}

pub fn longquan() -> Vec<u8> {
    FormBuilder::new()
        .unit("龙泉镇")
        .code(LONGQUAN)
        .orgs(1)
        .to_bytes()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_right_code_signs_in_with_a_strict_cookie_and_a_wrong_one_is_refused_in_chinese() {
    let setup = Setup::new();
    let app = setup.open();
    let codes = setup.codes();
    assert_eq!(codes.len(), 5, "four units and the department: {codes:?}");
    let body = |code: &str| Body::from(format!("code={code}"));
    let request = |code: &str| {
        Request::post("/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body(code))
            .unwrap()
    };
    let right = send(&app, request(&codes[BAIMA].to_lowercase())).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let cookie = right.headers[header::SET_COOKIE].to_str().unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let wrong = send(&app, request("AAAA-AAAA-AAAA")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.text().contains("报送口令不正确"), "{}", wrong.text());
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    // The unit's page names the unit; the department's page is not for it.
    let cookie = cookie.split(';').next().unwrap();
    let unit = page(&app, "/unit", cookie).await;
    assert!(
        unit.text().contains("白马镇（511101001）"),
        "{}",
        unit.text()
    );
    let admin = page(&app, "/admin", cookie).await;
    assert_eq!(admin.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_wrong_codes_from_one_address_are_answered_late_but_a_right_code_never_waits() {
    let setup = Setup::new();
    let app = setup.open();
    let address: std::net::SocketAddr = "192.0.2.7:5000".parse().unwrap();
    let from = |code: &str| {
        let mut request = get("/api/status", code);
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(address));
        request
    };
    for _ in 1..taizhang::serve::auth::FREE_TRIES {
        assert_eq!(
            send(&app, from("WRONG")).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // The next wrong code is answered late: guessing is slow.
    let started = std::time::Instant::now();
    let slowed = send(&app, from("WRONG")).await;
    assert_eq!(slowed.status, StatusCode::FORBIDDEN);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(slowed.json()["message"]
        .as_str()
        .unwrap()
        .contains("口令不正确"));
    // Many more from the same address (a county office behind one address, or someone
    // guessing): the department's right code from there is still taken at once.
    for _ in 0..50 {
        let wrong = app.auth.try_code(&app.codes, "WRONG", Some(address.ip()));
        assert!(wrong.is_err());
    }
    let started = std::time::Instant::now();
    let right = send(&app, from(&setup.code_of("组织部"))).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text());
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let mut request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("code={}", setup.code_of(BAIMA))))
        .unwrap();
    for _ in 0..50 {
        let _ = app.auth.try_code(&app.codes, "WRONG", Some(address.ip()));
    }
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(address));
    let signed_in = send(&app, request).await;
    assert!(
        signed_in.headers.get(header::SET_COOKIE).is_some(),
        "{}",
        signed_in.text()
    );
    // One line in the access log for the address being slowed down, not one per wrong code.
    let lines = access_log_with(&setup.inbox, "开始放慢");
    assert_eq!(lines.matches("开始放慢").count(), 1, "{lines}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_gives_what_taizhang_check_json_gives_and_stores_nothing() {
    let setup = Setup::new();
    let app = setup.open();
    std::fs::write(setup.file("白马镇.xlsx"), erroneous()).unwrap();
    let bytes = erroneous();
    let reply = send(
        &app,
        upload(
            "/api/check",
            &setup.code_of(BAIMA),
            &[("file", Some("白马镇.xlsx"), &bytes)],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let output = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .current_dir(setup.dir.path())
        .args(["check", "白马镇.xlsx", "--format", "json"])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reply.json(), cli["files"][0]);
    assert_eq!(reply.json()["errors"], 1);
    assert!(
        stored_files(&setup.inbox).is_empty(),
        "a check stores nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_without_a_reason_are_refused_and_with_one_stored_and_logged() {
    let setup = Setup::new();
    let app = setup.open();
    let (code, bytes) = (setup.code_of(BAIMA), erroneous());
    let refused = send(
        &app,
        upload(
            "/api/submit",
            &code,
            &[("file", Some("白马镇.xlsx"), &bytes)],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let json = refused.json();
    assert_eq!(json["accepted"], false);
    assert_eq!(json["check"]["errors"], 1);
    assert!(json["message"].as_str().unwrap().contains("说明"), "{json}");
    assert!(stored_files(&setup.inbox).is_empty(), "nothing stored");
    assert!(app.log().events.is_empty(), "nothing logged");

    let fields: [(&str, Option<&str>, &[u8]); 2] = [
        ("file", Some("白马镇.xlsx"), &bytes),
        ("reason", None, "书记手机号正在核实".as_bytes()),
    ];
    let accepted = send(&app, upload("/api/submit", &code, &fields)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    let json = accepted.json();
    assert_eq!(
        (json["accepted"].clone(), json["submission"].clone()),
        (true.into(), 1.into())
    );
    let files = stored_files(&setup.inbox);
    let stored: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with(&format!("{BAIMA}/")))
        .collect();
    assert_eq!(stored.len(), 1, "{files:?}");
    assert!(
        stored[0].ends_with(".xlsx") && !stored[0].contains("白马镇"),
        "{}",
        stored[0]
    );
    assert_eq!(
        std::fs::read(setup.inbox.join(stored[0])).unwrap(),
        bytes,
        "stored as sent"
    );
    let line = std::fs::read_to_string(setup.inbox.join("报送记录.jsonl")).unwrap();
    let event: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(event["event"], "submitted");
    assert_eq!(event["reason"], "书记手机号正在核实");
    assert_eq!(event["original_name"], "白马镇.xlsx");
    assert_eq!(event["blake3"], blake3::hash(&bytes).to_hex().as_str());
    assert_eq!(event["stored"], stored[0].as_str());
    let access = access_log_with(&setup.inbox, "\"what\":\"提交\"");
    assert!(access.contains("\"what\":\"提交\""), "{access}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_pdf_and_a_zip_bomb_get_the_file_level_message_of_check() {
    let setup = Setup::new();
    let app = setup.open();
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let bomb = zip_bomb();
    for (name, bytes) in [("白马镇.xlsx", pdf), ("白马镇(2).xlsx", bomb)] {
        std::fs::write(setup.file(name), &bytes).unwrap();
        let expected = taizhang::check::check_file(&setup.file(name), &Default::default());
        let expected = expected.failure.expect("a file-level issue").message;
        let fields: [(&str, Option<&str>, &[u8]); 2] = [
            ("file", Some(name), &bytes),
            ("reason", None, "试试".as_bytes()),
        ];
        let reply = send(&app, upload("/api/submit", &setup.code_of(BAIMA), &fields)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let json = reply.json();
        assert_eq!(json["message"], expected.as_str(), "{name}");
        assert_eq!(json["check"]["issues"][0]["message"], expected.as_str());
    }
    assert!(stored_files(&setup.inbox).is_empty());
}

/// A form whose 党组织情况 sheet inflates to 64 MiB of spaces (about 64 KB sent).
fn zip_bomb() -> Vec<u8> {
    use std::io::{Read, Write};
    let form = clean();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(form)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let options = zip::write::SimpleFileOptions::default();
        out.start_file(name.as_str(), options).unwrap();
        if name == "xl/worksheets/sheet3.xml" || name == "xl/worksheets/sheet2.xml" {
            let chunk = vec![b' '; 1 << 20];
            (0..64).for_each(|_| out.write_all(&chunk).unwrap());
        } else {
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_submits_for_its_own_unit_only_and_the_department_only_reviews() {
    let setup = Setup::new();
    let app = setup.open();
    let bytes = longquan();
    let reply = send(
        &app,
        upload(
            "/api/submit",
            &setup.code_of(BAIMA),
            &[("file", Some("龙泉镇.xlsx"), &bytes)],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("不是本单位"),
        "{}",
        reply.text()
    );
    let by_admin = send(
        &app,
        upload(
            "/api/submit",
            &setup.code_of("组织部"),
            &[("file", Some("龙泉镇.xlsx"), &bytes)],
        ),
    )
    .await;
    assert_eq!(by_admin.status, StatusCode::FORBIDDEN);
    assert!(stored_files(&setup.inbox).is_empty());
    // A unit sees neither the status nor another unit's feedback.
    let status = send(&app, get("/api/status", &setup.code_of(BAIMA))).await;
    assert_eq!(status.status, StatusCode::FORBIDDEN);
    let ok = send(
        &app,
        upload(
            "/api/submit",
            &setup.code_of(LONGQUAN),
            &[("file", Some("龙泉镇.xlsx"), &bytes)],
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    let theirs = send(&app, get("/api/feedback/1", &setup.code_of(BAIMA))).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let review = send(&app, review(&setup.code_of(LONGQUAN), 1, "通过", "")).await;
    assert_eq!(review.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_limit_is_refused_in_chinese_with_413() {
    let setup = Setup::new();
    let mut options = setup.options();
    options.max_upload = 4 * 1024;
    let app = App::open(options).unwrap().0;
    let big = vec![7u8; 64 * 1024];
    let reply = send(
        &app,
        upload(
            "/api/check",
            &setup.code_of(BAIMA),
            &[("file", Some("白马镇.xlsx"), &big)],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("大小限制"),
        "{}",
        reply.text()
    );
    // The page says it too.
    let cookie = sign_in(&app, &setup.code_of(BAIMA)).await.unwrap();
    let unit = page(&app, "/unit", &cookie).await.text();
    let csrf = unit.split("name=\"csrf\" value=\"").nth(1).unwrap();
    let csrf = csrf.split('"').next().unwrap();
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("白马镇.xlsx"), &big),
    ]);
    let request = Request::post("/unit/check")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let on_page = send(&app, request).await;
    assert_eq!(on_page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(on_page.text().contains("大小限制"), "{}", on_page.text());
    assert!(stored_files(&setup.inbox).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_needs_its_csrf_token_to_change_anything() {
    let setup = Setup::new();
    let app = setup.open();
    let cookie = sign_in(&app, &setup.code_of(BAIMA)).await.unwrap();
    let bytes = clean();
    let (content_type, body) = multipart(&[("file", Some("白马镇.xlsx"), &bytes)]);
    let request = Request::post("/api/submit")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    assert!(stored_files(&setup.inbox).is_empty());
    // The page's own form carries the token: the upload goes through.
    let unit = page(&app, "/unit", &cookie).await.text();
    let csrf = unit
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("白马镇.xlsx"), &bytes),
    ]);
    let request = Request::post("/unit/check")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let checked = send(&app, request).await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(
        checked.text().contains("通过，可以报送"),
        "{}",
        checked.text()
    );
    let token = checked
        .text()
        .split("name=\"token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("token", None, token.as_bytes()),
    ]);
    let request = Request::post("/unit/submit")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let submitted = send(&app, request).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text()
    );
    assert_eq!(stored_files(&setup.inbox).len(), 1);
}
