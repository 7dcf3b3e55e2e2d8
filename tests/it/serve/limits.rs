//! What the server refuses to take: oversized bodies on the small routes, floods of wrong
//! codes, overlong text.

use super::flows::BAIMA;
use super::*;

/// `POST /signin` with `body` (form-encoded).
fn sign_in_with(body: Vec<u8>) -> Request<Body> {
    Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_sign_in_is_refused_as_too_large_in_chinese_and_nothing_is_kept() {
    let setup = Setup::new();
    let app = setup.open();
    let mut body = format!("code={}&x=", setup.code_of(BAIMA)).into_bytes();
    body.resize(1024 * 1024, b'a');
    let reply = send(&app, sign_in_with(body)).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("超过 16 KB"), "{}", reply.text());
    assert!(
        reply.headers.get(header::SET_COOKIE).is_none(),
        "not signed in"
    );
    assert!(stored_files(&setup.inbox).is_empty());
    // A review is held to the same limit.
    let admin = setup.code_of("组织部");
    let reply = send(&app, review(&admin, 1, "退回", &"很".repeat(400_000))).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert!(reply.json()["message"]
        .as_str()
        .unwrap()
        .contains("超过 16 KB"));
}

#[test]
fn a_codes_workbook_inside_the_inbox_is_refused_in_chinese() {
    let setup = Setup::new();
    for inside in [
        setup.inbox.join("报送口令.xlsx"),
        setup.inbox.join("子目录/口令.xlsx"),
    ] {
        std::fs::create_dir_all(inside.parent().unwrap()).unwrap();
        let mut options = setup.options();
        options.codes = inside.clone();
        let Err(error) = App::open(options) else {
            panic!("plain codes in the inbox: {}", inside.display());
        };
        assert!(error.to_string().contains("在收件文件夹之内"), "{error}");
        assert!(!inside.exists(), "nothing written");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_reason_or_comment_is_refused_in_chinese_and_nothing_is_kept() {
    let setup = Setup::new();
    let app = setup.open();
    let code = setup.code_of(BAIMA);
    let bytes = super::flows::erroneous();
    let reason = "说".repeat(taizhang::serve::MAX_TEXT + 1);
    let fields: [(&str, Option<&str>, &[u8]); 2] = [
        ("file", Some("白马镇.xlsx"), &bytes),
        ("reason", None, reason.as_bytes()),
    ];
    let reply = send(&app, upload("/api/submit", &code, &fields)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert!(reply.json()["message"]
        .as_str()
        .unwrap()
        .contains("超过 1000 字"));
    assert!(stored_files(&setup.inbox).is_empty());
    let fields: [(&str, Option<&str>, &[u8]); 2] = [
        ("file", Some("白马镇.xlsx"), &bytes),
        ("reason", None, "来不及改".as_bytes()),
    ];
    assert_eq!(
        send(&app, upload("/api/submit", &code, &fields))
            .await
            .status,
        StatusCode::OK
    );
    let admin = setup.code_of("组织部");
    let comment = "改".repeat(taizhang::serve::MAX_TEXT + 1);
    let reply = send(&app, review(&admin, 1, "退回", &comment)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert!(reply.json()["message"]
        .as_str()
        .unwrap()
        .contains("审核意见有 1001 字"));
    assert!(app.log().events.len() == 1, "no review logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_and_again_keeps_a_bounded_number_of_sessions() {
    let setup = Setup::new();
    let app = setup.open();
    let code = setup.code_of(BAIMA);
    let first = sign_in(&app, &code).await.unwrap();
    assert_eq!(page(&app, "/unit", &first).await.status, StatusCode::OK);
    for _ in 0..taizhang::serve::auth::SESSIONS_PER_CALLER {
        sign_in(&app, &code).await.unwrap();
    }
    // The oldest of the unit's sessions made room for the newest.
    assert_eq!(
        page(&app, "/unit", &first).await.status,
        StatusCode::SEE_OTHER
    );
}
