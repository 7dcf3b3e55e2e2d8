//! axum's own refusals in Chinese, and the small things a submission must not trip on.

use super::flows::BAIMA;
use super::*;
use taizhang::builder::FormBuilder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_addresses_methods_and_forms_are_answered_in_chinese() {
    let setup = Setup::new();
    let app = setup.open();
    let cookie = sign_in(&app, &setup.code_of(BAIMA)).await.unwrap();
    // 后退 to the page of a check: a GET on a form's address.
    let back = page(&app, "/unit/check", &cookie).await;
    assert_eq!(back.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(back.text().contains("不能直接打开"), "{}", back.text());
    let nowhere = page(&app, "/nowhere", &cookie).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert!(
        nowhere.text().contains("没有“/nowhere”这个地址"),
        "{}",
        nowhere.text()
    );
    let bad_id = send(&app, get("/api/feedback/abc", &setup.code_of(BAIMA))).await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
    assert!(bad_id.json()["message"]
        .as_str()
        .unwrap()
        .contains("格式不对"));
    let not_a_form = Request::post("/signin")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("code=x"))
        .unwrap();
    let reply = send(&app, not_a_form).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(reply.text().contains("内容类型不对"), "{}", reply.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flash_number_is_a_number_and_nothing_else_from_the_address() {
    let setup = Setup::new();
    let app = setup.open();
    let cookie = sign_in(&app, &setup.code_of(BAIMA)).await.unwrap();
    let shown = page(&app, "/unit?done=7", &cookie).await.text();
    assert!(shown.contains("已提交（第 7 号）"), "{shown}");
    let forged = page(&app, "/unit?done=%E8%AF%B7%E6%8B%A8%E6%89%93", &cookie)
        .await
        .text();
    assert!(!forged.contains("已提交（第"), "{forged}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_content_twice_in_one_second_and_an_xlsm_are_both_kept_as_sent() {
    let setup = Setup::new();
    let app = setup.open();
    let code = setup.code_of(BAIMA);
    let bytes = FormBuilder::new().orgs(1).to_bytes().unwrap();
    for name in ["白马镇.xlsx", "白马镇.xlsx", "白马镇.xlsm"] {
        let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some(name), &bytes)];
        let reply = send(&app, upload("/api/submit", &code, &fields)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let stored = stored_files(&setup.inbox);
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert!(stored.iter().any(|f| f.ends_with(".xlsm")), "{stored:?}");
    assert!(stored.iter().any(|f| f.ends_with("-2.xlsx")), "{stored:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_department_code_cannot_submit_and_is_told_before_any_check() {
    let setup = Setup::new();
    let app = setup.open();
    let bytes = FormBuilder::new().orgs(1).to_bytes().unwrap();
    let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some("白马镇.xlsx"), &bytes)];
    let reply = send(
        &app,
        upload("/api/submit", &setup.code_of("组织部"), &fields),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let json = reply.json();
    assert!(
        json["message"].as_str().unwrap().contains("不能代单位提交"),
        "{json}"
    );
    assert!(json.get("check").is_none(), "no check was run: {json}");
    assert!(stored_files(&setup.inbox).is_empty());
}
