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
