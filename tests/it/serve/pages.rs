//! The clerk's pages: what a refused or interrupted step leaves for the next try.

use super::flows::BAIMA;
use super::*;
use taizhang::builder::FormBuilder;

/// The value of the hidden field `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let after = page
        .split(&marker)
        .nth(1)
        .expect("the field is on the page");
    after.split('"').next().unwrap().to_string()
}

/// `POST uri` from the page with the session `cookie` and multipart `fields`.
fn post(uri: &str, cookie: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    let (content_type, body) = multipart(fields);
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_refused_by_a_busy_server_can_be_tried_again_with_the_same_check() {
    let setup = Setup::new();
    let mut options = setup.options();
    (options.workers, options.queue) = (1, 0);
    let app = App::open(options).unwrap().0;
    let cookie = sign_in(&app, &setup.code_of(BAIMA)).await.unwrap();
    let csrf = hidden(&page(&app, "/unit", &cookie).await.text(), "csrf");
    let bytes = FormBuilder::new().orgs(2).to_bytes().unwrap();
    let file = ("file", Some("白马镇.xlsx"), bytes.as_slice());
    let checked = send(
        &app,
        post(
            "/unit/check",
            &cookie,
            &[("csrf", None, csrf.as_bytes()), file],
        ),
    )
    .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text());
    let token = hidden(&checked.text(), "token");
    let submit = [
        ("csrf", None, csrf.as_bytes()),
        ("token", None, token.as_bytes()),
    ];

    // The only worker is busy: the submission is refused for now.
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let busy = app.clone();
    let holder = tokio::spawn(async move { busy.work.run(move || wait.recv().ok()).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let refused = send(&app, post("/unit/submit", &cookie, &submit)).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text()
    );
    assert!(refused.text().contains("请稍后再试"), "{}", refused.text());
    // A page route says so on a page, not in JSON.
    let feedback = page(&app, &format!("/unit/pending/{token}/feedback"), &cookie).await;
    assert_eq!(feedback.status, StatusCode::SERVICE_UNAVAILABLE);
    let kind = feedback.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(kind.starts_with("text/html"), "{kind}: {}", feedback.text());
    release.send(()).unwrap();
    holder.await.unwrap().unwrap();

    // The same check, sent again, is stored: it was not thrown away.
    let again = send(&app, post("/unit/submit", &cookie, &submit)).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
    assert_eq!(stored_files(&setup.inbox).len(), 1);
}
