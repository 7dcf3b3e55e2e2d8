//! `watch` in a real temporary folder: a new file, the same file replaced, a newer copy, a lock
//! file, all within a bounded time.

use crate::support::temp_dir;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use taizhang::builder::FormBuilder;
use taizhang::watch::{watch, WatchOptions};

/// How long any one expected log line may take to appear.
const PATIENCE: Duration = Duration::from_secs(20);

/// Wait for a line containing `wanted`; return every line seen until then.
fn expect_line(rx: &mpsc::Receiver<String>, wanted: &str) -> Vec<String> {
    let until = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => {
                seen.push(line);
                return seen;
            }
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    panic!("no line with “{wanted}” within {PATIENCE:?}; saw {seen:#?}");
}

fn file_statuses(ledger: &Path) -> Vec<(String, String)> {
    let mut book: Xlsx<_> = open_workbook(ledger).unwrap();
    let files = book.worksheet_range("文件清单").unwrap();
    (1..files.height())
        .filter_map(|r| match (files.get((r, 0)), files.get((r, 1))) {
            (Some(Data::String(f)), Some(Data::String(s))) => Some((f.clone(), s.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn watch_picks_up_a_new_file_a_replaced_file_and_a_newer_copy() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let feedback = inbox.join("反馈");
    let mut options = WatchOptions::new(inbox.clone(), ledger.clone());
    options.feedback = Some(feedback.clone());
    options.debounce = Duration::from_millis(150);
    options.settle = Duration::from_millis(100);
    options.timeout = Some(Duration::from_secs(120));
    let stop = options.stop.clone();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        watch(&options, &mut |line| {
            let _ = tx.send(line);
        })
    });
    expect_line(&rx, "开始监视");

    FormBuilder::new()
        .phone("12345")
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let seen = expect_line(&rx, "收到 白马镇.xlsx");
    assert!(
        seen.last().unwrap().ends_with("1 个错误，已生成反馈"),
        "{seen:?}"
    );
    assert!(feedback.join("511101001_白马镇_反馈.xlsx").is_file());

    std::fs::write(inbox.join("~$白马镇.xlsx"), b"lock").unwrap();
    FormBuilder::new()
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let seen = expect_line(&rx, "更新 白马镇.xlsx");
    assert!(
        seen.last().unwrap().ends_with("通过，已删除旧反馈"),
        "{seen:?}"
    );
    assert!(!feedback.join("511101001_白马镇_反馈.xlsx").exists());

    FormBuilder::new()
        .filled_on("2026-04-14")
        .orgs(3)
        .write(inbox.join("白马镇（二）.xlsx"))
        .unwrap();
    let seen = expect_line(&rx, "收到 白马镇（二）.xlsx");
    assert!(
        seen.last().unwrap().ends_with("通过，替代了 白马镇.xlsx"),
        "{seen:?}"
    );

    stop.store(true, Ordering::SeqCst);
    worker.join().unwrap().unwrap();
    let all: Vec<String> = rx.try_iter().collect();
    assert!(all.iter().any(|l| l == "已停止监视"), "{all:?}");
    assert!(!all.iter().any(|l| l.contains("~$")), "{all:?}");
    let statuses = file_statuses(&ledger);
    assert!(
        statuses.contains(&("白马镇.xlsx".into(), "已被替代".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("白马镇（二）.xlsx".into(), "已读取".into())),
        "{statuses:?}"
    );
    assert!(
        !statuses.iter().any(|(f, _)| f.starts_with("反馈")),
        "{statuses:?}"
    );
}

#[test]
fn watch_refuses_a_missing_inbox() {
    let dir = temp_dir();
    let options = WatchOptions::new(dir.path().join("nope"), dir.path().join("台账.xlsx"));
    let err = watch(&options, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("找不到收件文件夹"), "{err}");
}
