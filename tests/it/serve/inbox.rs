//! What the web intake leaves in the inbox: decisions kept across a restart, codes kept as
//! the roster grows, concurrent submissions, and the ledger and status built from it.

use super::flows::{erroneous, longquan, BAIMA, LONGQUAN};
use super::*;
use taizhang::builder::FormBuilder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_shows_on_the_township_page_and_survives_a_restart() {
    let setup = Setup::new();
    let app = setup.open();
    let (code, admin) = (setup.code_of(BAIMA), setup.code_of("组织部"));
    let bytes = erroneous();
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
    let without_comment = send(&app, review(&admin, 1, "退回", " ")).await;
    assert_eq!(without_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reviewed = send(&app, review(&admin, 1, "退回", "请核实书记手机号后重报")).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.text());
    let cookie = sign_in(&app, &code).await.unwrap();
    let township = page(&app, "/unit", &cookie).await.text();
    assert!(
        township.contains("退回") && township.contains("请核实书记手机号后重报"),
        "{township}"
    );

    // A new start on the same inbox: same codes, same submissions, same decision.
    drop(app);
    let (again, issued) = App::open(setup.options()).unwrap();
    assert!(
        issued.new.is_empty() && issued.workbook.is_none(),
        "{issued:?}"
    );
    assert_eq!(
        setup.code_of(BAIMA),
        code,
        "the codes workbook is untouched"
    );
    let cookie = sign_in(&again, &code)
        .await
        .expect("the old code still signs in");
    let township = page(&again, "/unit", &cookie).await.text();
    assert!(
        township.contains("请核实书记手机号后重报") && township.contains("来不及改"),
        "{township}"
    );
    let status = send(&again, get("/api/status", &admin)).await.json();
    let baima = &status["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == BAIMA)
        .unwrap()
        .clone();
    assert_eq!(baima["submissions"][0]["decision"], "退回");
    assert_eq!(
        baima["review"],
        "网上报送审核：退回（请核实书记手机号后重报）"
    );
    // The department's board says the decision on the file that counts.
    let admin_cookie = sign_in(&again, &admin).await.unwrap();
    let board = page(&again, "/admin", &admin_cookie).await.text();
    assert!(
        board.contains("<td>退回（请核实书记手机号后重报）</td>"),
        "{board}"
    );
    let feedback = send(&again, get("/api/feedback/1", &code)).await;
    assert_eq!(feedback.status, StatusCode::OK);
    assert!(feedback.body.starts_with(b"PK"), "a workbook");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_added_to_the_roster_later_gets_a_new_code_and_the_others_keep_theirs() {
    let setup = Setup::new();
    let _ = setup.open();
    let before = setup.codes();
    let mut text = std::fs::read_to_string(&setup.roster).unwrap();
    text.push_str("511101005,西河镇,乡镇,,\n");
    std::fs::write(&setup.roster, text).unwrap();
    let (_, issued) = App::open(setup.options()).unwrap();
    assert_eq!(issued.new, vec!["西河镇".to_string()]);
    let after = setup.codes();
    assert_eq!(after.len(), before.len() + 1);
    for (unit, code) in &before {
        assert_eq!(&after[unit], code, "{unit} keeps its code");
    }
    // Only hashes rest in the inbox.
    let store = std::fs::read_to_string(setup.inbox.join(".taizhang/口令.json")).unwrap();
    assert!(after.values().all(|code| !store.contains(code.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_of_one_unit_are_all_stored_under_their_own_numbers() {
    let setup = Setup::new();
    let mut options = setup.options();
    options.workers = 2;
    options.queue = 8;
    let app = App::open(options).unwrap().0;
    let code = setup.code_of(BAIMA);
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (app, code) = (app.clone(), code.clone());
            let bytes = FormBuilder::new().orgs(1 + i).to_bytes().unwrap();
            tokio::spawn(async move {
                send(
                    &app,
                    upload(
                        "/api/submit",
                        &code,
                        &[("file", Some("白马镇.xlsx"), &bytes)],
                    ),
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let reply = task.await.unwrap();
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        ids.push(reply.json()["submission"].as_u64().unwrap());
    }
    ids.sort();
    assert_eq!(ids, (1..=6).collect::<Vec<u64>>());
    let stored = stored_files(&setup.inbox)
        .into_iter()
        .filter(|f| f.starts_with(BAIMA))
        .count();
    assert_eq!(stored, 6);
    assert_eq!(
        taizhang::intake_log::Log::load(&setup.inbox)
            .unwrap()
            .submissions()
            .count(),
        6
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_downloaded_is_the_ledger_of_taizhang_ledger_cell_for_cell() {
    let setup = Setup::new();
    // With the department's decisions, as `ledger --decisions` takes them.
    let decisions = setup.file("审定意见.xlsx");
    let org = FormBuilder::new().orgs(1).org_rows()[0]
        .get("org_name")
        .display()
        .to_string();
    let header = ["单位名称", "党组织名称", "审定等次", "依据"];
    let row = ["龙泉镇", &org, "后进", "督查发现问题"];
    crate::support::write_rows(&decisions, &[&header, &row]);
    let mut options = setup.options();
    options.decisions = Some(decisions.clone());
    let app = taizhang::serve::App::open(options).unwrap().0;
    let fields: [(&str, Option<&str>, &[u8]); 2] = [
        ("file", Some("白马镇.xlsx"), &erroneous()),
        ("reason", None, "稍后补".as_bytes()),
    ];
    assert_eq!(
        send(&app, upload("/api/submit", &setup.code_of(BAIMA), &fields))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(
            &app,
            upload(
                "/api/submit",
                &setup.code_of(LONGQUAN),
                &[("file", Some("龙泉镇.xlsx"), &longquan())]
            )
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, review(&setup.code_of("组织部"), 2, "通过", ""))
            .await
            .status,
        StatusCode::OK
    );
    let reply = send(&app, get("/api/ledger.xlsx", &setup.code_of("组织部"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    std::fs::write(setup.file("网上.xlsx"), &reply.body).unwrap();
    let output = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(&setup.inbox)
        .arg("-o")
        .arg(setup.file("命令行.xlsx"))
        .arg("--roster")
        .arg(&setup.roster)
        .arg("--decisions")
        .arg(&decisions)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (web, cli) = (
        sheets(&setup.file("网上.xlsx")),
        sheets(&setup.file("命令行.xlsx")),
    );
    assert_eq!(web.len(), cli.len());
    for ((name, a), (_, b)) in web.iter().zip(&cli) {
        assert_eq!(a, b, "sheet {name}");
    }
    // 报送情况 shows the decision; 文件清单 names the logs as the tool's own.
    let text = format!("{web:?}");
    assert!(text.contains("网上报送审核：通过"), "{text}");
    assert!(text.contains("本程序网上报送的记录"), "{text}");
    assert!(text.contains("督查发现问题"), "{text}");
}

/// Every sheet of a workbook: its name and its cells.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logged_arrival_time_decides_lateness_in_status() {
    let setup = Setup::new();
    let app = setup.open();
    // Filled in long before the deadline, but it arrived (now) after it. The stage is the one
    // a deadline of this month collects.
    use chrono::Datelike;
    let stage = if chrono::Local::now().month() <= 6 {
        "摸底"
    } else {
        "年终"
    };
    let bytes = FormBuilder::new()
        .orgs(1)
        .stage(stage)
        .filled_on(taizhang::builder::Cell::date(2020, 1, 2))
        .to_bytes()
        .unwrap();
    assert_eq!(
        send(
            &app,
            upload(
                "/api/submit",
                &setup.code_of(BAIMA),
                &[("file", Some("白马镇.xlsx"), &bytes)]
            )
        )
        .await
        .status,
        StatusCode::OK
    );
    let status = |deadline: &str| {
        let output = assert_cmd::Command::cargo_bin("taizhang")
            .unwrap()
            .arg("status")
            .arg(&setup.inbox)
            .args(["--roster"])
            .arg(&setup.roster)
            .args(["--deadline", deadline, "--format", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == BAIMA)
            .unwrap()
            .clone()
    };
    let yesterday = (chrono::Local::now().date_naive() - chrono::Days::new(1)).to_string();
    let baima = status(&yesterday);
    assert_eq!(baima["late"], true, "{baima}");
    assert_eq!(baima["late_by"], "收到时间");
    let logged = app.log().submissions().next().unwrap().arrived_at.clone();
    assert_eq!(baima["arrived_at"], logged[..16], "{baima}");
    // Before the deadline by its arrival, whatever its file's time says.
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    assert_eq!(status(&tomorrow)["late"], false);
}

#[test]
fn watch_reads_the_log_for_lateness_and_decisions() {
    use std::sync::atomic::Ordering;
    use taizhang::intake_log::{append, Decision, Event, Reviewed, Submitted};
    let setup = Setup::new();
    // Filled in before the deadline, arrived on the web the day after it, then returned.
    let folder = setup.inbox.join(BAIMA);
    std::fs::create_dir_all(&folder).unwrap();
    let bytes = FormBuilder::new()
        .orgs(1)
        .stage("摸底")
        .filled_on(taizhang::builder::Cell::date(2025, 12, 20))
        .to_bytes()
        .unwrap();
    std::fs::write(folder.join("网上.xlsx"), &bytes).unwrap();
    let submitted = Submitted {
        id: 1,
        unit_code: BAIMA.into(),
        unit_name: "白马镇".into(),
        original_name: "白马镇.xlsx".into(),
        stored: format!("{BAIMA}/网上.xlsx"),
        arrived_at: "2026-01-02 09:00:00".into(),
        size: bytes.len() as u64,
        blake3: blake3::hash(&bytes).to_hex().to_string(),
        verdict: String::new(),
        errors: 0,
        warnings: 0,
        reason: None,
    };
    append(&setup.inbox, &Event::Submitted(submitted)).unwrap();
    let review = Reviewed {
        id: 1,
        decision: Decision::Returned,
        comment: "请补报两新组织".into(),
        by: "组织部".into(),
        at: "2026-01-03 10:00:00".into(),
    };
    append(&setup.inbox, &Event::Reviewed(review)).unwrap();
    let ledger = setup.file("台账.xlsx");
    let mut options = taizhang::watch::WatchOptions::new(setup.inbox.clone(), ledger.clone());
    options.roster = Some(taizhang::roster::Roster::load(&setup.roster).unwrap());
    options.deadline = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
    options.timeout = Some(std::time::Duration::from_secs(60));
    let stop = options.stop.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        taizhang::watch::watch(&options, &mut |line| {
            let _ = tx.send(line);
        })
    });
    let started = std::iter::from_fn(|| rx.recv_timeout(std::time::Duration::from_secs(30)).ok())
        .find(|line| line.contains("开始监视"));
    assert!(started.is_some(), "watch started");
    stop.store(true, Ordering::SeqCst);
    worker.join().unwrap().unwrap();
    let status = sheets(&ledger)
        .into_iter()
        .find(|(name, _)| name == "报送情况")
        .unwrap()
        .1;
    let baima = status
        .iter()
        .find(|row| row.first() == Some(&Data::String(BAIMA.into())))
        .unwrap();
    let text = format!("{baima:?}");
    assert!(
        text.contains("逾期报送"),
        "late by the logged arrival: {text}"
    );
    assert!(
        text.contains("网上报送审核：退回（请补报两新组织）"),
        "{text}"
    );
}

#[test]
fn a_second_server_on_the_same_inbox_refuses_to_start_in_chinese() {
    let setup = Setup::new();
    let first = setup.open();
    let Err(second) = App::open(setup.options()) else {
        panic!("two servers on one inbox");
    };
    let message = second.to_string();
    assert!(message.contains("只能开一个服务"), "{message}");
    drop(first);
    assert!(
        App::open(setup.options()).is_ok(),
        "free again once it stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_number_follows_the_last_in_the_log_on_disk_not_in_memory() {
    use taizhang::intake_log::{append, Event, Submitted};
    let setup = Setup::new();
    let app = setup.open();
    // A line the server did not write itself (its memory does not know number 7).
    let line = Submitted {
        id: 7,
        unit_code: LONGQUAN.into(),
        unit_name: "龙泉镇".into(),
        original_name: "龙泉镇.xlsx".into(),
        stored: format!("{LONGQUAN}/别处.xlsx"),
        arrived_at: "2026-01-02 09:00:00".into(),
        size: 1,
        blake3: "0".repeat(64),
        verdict: String::new(),
        errors: 0,
        warnings: 0,
        reason: None,
    };
    append(&setup.inbox, &Event::Submitted(line)).unwrap();
    let bytes = longquan();
    let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some("龙泉镇.xlsx"), &bytes)];
    let reply = send(
        &app,
        upload("/api/submit", &setup.code_of(LONGQUAN), &fields),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["submission"], 8);
}

#[test]
fn watch_rebuilds_the_ledger_when_only_a_review_is_appended_to_the_log() {
    use taizhang::intake_log::{append, Decision, Event, Reviewed};
    let setup = Setup::new();
    let app = setup.open();
    let bytes = FormBuilder::new().orgs(1).to_bytes().unwrap();
    let fields: [(&str, Option<&str>, &[u8]); 1] = [("file", Some("白马镇.xlsx"), &bytes)];
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let submitted = runtime.block_on(send(
        &app,
        upload("/api/submit", &setup.code_of(BAIMA), &fields),
    ));
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let ledger = setup.file("台账.xlsx");
    let mut options = taizhang::watch::WatchOptions::new(setup.inbox.clone(), ledger.clone());
    options.roster = Some(taizhang::roster::Roster::load(&setup.roster).unwrap());
    options.debounce = std::time::Duration::from_millis(150);
    options.settle = std::time::Duration::from_millis(100);
    options.timeout = Some(std::time::Duration::from_secs(60));
    let stop = options.stop.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        taizhang::watch::watch(&options, &mut |line| {
            let _ = tx.send(line);
        })
    });
    let mut lines = std::iter::from_fn(|| rx.recv_timeout(std::time::Duration::from_secs(30)).ok());
    assert!(lines.any(|line| line.contains("开始监视")));
    let review = Reviewed {
        id: 1,
        decision: Decision::Returned,
        comment: "请补报两新组织".into(),
        by: "组织部".into(),
        at: "2026-01-03 10:00:00".into(),
    };
    append(&setup.inbox, &Event::Reviewed(review)).unwrap();
    let rebuilt = lines.find(|line| line.contains("报送记录有更新"));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    worker.join().unwrap().unwrap();
    assert!(rebuilt.is_some(), "watch saw the review");
    let status = sheets(&ledger)
        .into_iter()
        .find(|(name, _)| name == "报送情况");
    let text = format!("{:?}", status.unwrap().1);
    assert!(
        text.contains("网上报送审核：退回（请补报两新组织）"),
        "{text}"
    );
}
