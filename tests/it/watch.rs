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

// --- The guards and the accounting of `ledger` -------------------------------------------------

/// Wait until every one of `wanted` is in some line; return every line seen until then.
fn expect_lines(rx: &mpsc::Receiver<String>, wanted: &[&str]) -> Vec<String> {
    let until = Instant::now() + PATIENCE;
    let mut seen: Vec<String> = Vec::new();
    let all_seen = |seen: &[String]| wanted.iter().all(|w| seen.iter().any(|l| l.contains(w)));
    while !all_seen(&seen) {
        let Some(left) = until.checked_duration_since(Instant::now()) else {
            break;
        };
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    assert!(
        all_seen(&seen),
        "not every one of {wanted:?} within {PATIENCE:?}; saw {seen:#?}"
    );
    seen
}

/// A watch on a thread: its log lines, the switch that stops it, the thread.
struct Watching {
    lines: mpsc::Receiver<String>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    worker: std::thread::JoinHandle<Result<(), taizhang::watch::WatchError>>,
}

impl Watching {
    fn start(options: WatchOptions) -> Watching {
        let stop = options.stop.clone();
        let (tx, lines) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            watch(&options, &mut |line| {
                let _ = tx.send(line);
            })
        });
        expect_line(&lines, "开始监视");
        Watching {
            lines,
            stop,
            worker,
        }
    }

    /// Stop it; every line it logged since the last look.
    fn stop(self) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        self.worker.join().unwrap().unwrap();
        self.lines.try_iter().collect()
    }
}

fn quick_options(inbox: &Path, ledger: &Path) -> WatchOptions {
    let mut options = WatchOptions::new(inbox.to_path_buf(), ledger.to_path_buf());
    options.debounce = Duration::from_millis(150);
    options.settle = Duration::from_millis(100);
    options.timeout = Some(Duration::from_secs(120));
    options
}

/// The form of unit `i` (its own code and name, so no file replaces another).
fn unit_form(i: usize) -> FormBuilder {
    FormBuilder::new()
        .unit(format!("第{i}镇"))
        .code(format!("5111010{i:02}"))
        .orgs(2)
}

/// Every file under `dir` and its bytes.
fn contents(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Every cell text of `sheet` in `book`.
fn sheet_texts(book: &Path, sheet: &str) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook(book).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// `taizhang watch` as a separate process, as a user without root's right to read anything
/// (`setpriv` to nobody when the tests run as root), so that a folder or file without read
/// permission really is unreadable to it.
struct Unprivileged {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Unprivileged {
    /// `None` (the test is skipped, and says why) when running as root without `setpriv`.
    fn start(inbox: &Path, ledger: &Path) -> Option<Unprivileged> {
        use std::process::{Command, Stdio};
        let bin = assert_cmd::cargo::cargo_bin("taizhang");
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let mut command = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin);
            c
        } else {
            Command::new(bin)
        };
        command
            .arg("watch")
            .arg(inbox)
            .arg("-o")
            .arg(ledger)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                eprintln!("skipped: cannot run watch as an unprivileged user: {e}");
                return None;
            }
        };
        let (tx, lines) = mpsc::channel();
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(out).lines() {
                    let _ = tx.send(line.unwrap_or_default());
                }
            });
        }
        Some(Unprivileged { child, lines })
    }

    /// Ctrl-C; what it logged since the last look.
    fn interrupt(mut self) -> Vec<String> {
        // SAFETY: kill with a child's pid and a signal number.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let until = Instant::now() + PATIENCE;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < until, "watch did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.lines.try_iter().collect()
    }
}

/// A folder everyone may write in (the unprivileged watch writes its ledger there).
fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
}

fn no_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).unwrap();
}

#[test]
fn watch_lists_an_unreadable_file_as_read_failed_like_ledger() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    let staging = dir.path().join("暂存");
    for folder in [dir.path(), &inbox, &staging] {
        std::fs::create_dir_all(folder).unwrap();
        open_to_all(folder);
    }
    let ledger = dir.path().join("台账.xlsx");
    FormBuilder::new()
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let Some(running) = Unprivileged::start(&inbox, &ledger) else {
        return;
    };
    expect_line(&running.lines, "开始监视");

    unit_form(2).write(staging.join("青山镇.xlsx")).unwrap();
    no_permissions(&staging.join("青山镇.xlsx"));
    std::fs::write(
        staging.join("乱码.xlsx"),
        [0x5a_u8, 0x17, 0xff, 0x00, 0x42].repeat(99),
    )
    .unwrap();
    let before = contents(&staging);
    for name in ["青山镇.xlsx", "乱码.xlsx"] {
        std::fs::rename(staging.join(name), inbox.join(name)).unwrap();
    }
    let seen = expect_lines(
        &running.lines,
        &["收到 青山镇.xlsx：无法读取", "收到 乱码.xlsx：无法读取"],
    );
    let rest = running.interrupt();
    assert!(
        rest.iter().any(|l| l.contains("已停止监视")),
        "{seen:?} {rest:?}"
    );

    let statuses = file_statuses(&ledger);
    for name in ["青山镇.xlsx", "乱码.xlsx"] {
        assert!(
            statuses.contains(&(name.into(), "读取失败".into())),
            "{statuses:?}"
        );
    }
    assert!(statuses.contains(&("白马镇.xlsx".into(), "已读取".into())));
    for (path, bytes) in before {
        let now = inbox.join(path.file_name().unwrap());
        assert_eq!(std::fs::read(now).unwrap(), bytes);
    }
}

#[test]
fn watch_rejects_a_file_over_the_size_limit_without_reading_it() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let mut options = quick_options(&inbox, &ledger);
    options.check.limits.max_file_bytes = 1 << 20;
    let watching = Watching::start(options);

    // Made elsewhere: 2 MiB, more than the limit, with an access time long past, so that any
    // read of it moves its access time (relatime updates it when it is older than the
    // modification time).
    let staging = dir.path().join("暂存");
    std::fs::create_dir(&staging).unwrap();
    let long_ago = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let set_atime = |path: &Path| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_times(std::fs::FileTimes::new().set_accessed(long_ago))
            .unwrap();
    };
    let big = staging.join("大表.xlsx");
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize(2 << 20, b'x');
    std::fs::write(&big, &bytes).unwrap();
    set_atime(&big);
    // Whether this file system records reads at all (not on a noatime mount).
    let control = staging.join("对照.bin");
    std::fs::write(&control, b"read me").unwrap();
    set_atime(&control);
    std::fs::read(&control).unwrap();
    let records_reads = std::fs::metadata(&control).unwrap().accessed().unwrap() != long_ago;

    std::fs::rename(&big, inbox.join("大表.xlsx")).unwrap();
    let seen = expect_line(&watching.lines, "收到 大表.xlsx");
    let line = seen.last().unwrap();
    assert!(
        line.contains("无法读取（文件大小 2 MB，超过调查表的合理大小（1 MB）"),
        "{line}"
    );
    watching.stop();

    let big = inbox.join("大表.xlsx");
    let accessed = std::fs::metadata(&big).unwrap().accessed().unwrap();
    if records_reads {
        assert_eq!(accessed, long_ago, "the file over the limit was read");
    } else {
        eprintln!("no-read check skipped: this file system does not record reads (noatime)");
    }
    assert_eq!(std::fs::read(&big).unwrap(), bytes);
    let statuses = file_statuses(&ledger);
    assert!(
        statuses.contains(&("大表.xlsx".into(), "读取失败".into())),
        "{statuses:?}"
    );
    assert!(sheet_texts(&ledger, "校验问题").iter().any(|c| c == "E004"));
}

#[test]
fn watch_keeps_the_ledger_while_the_inbox_is_gone_and_reads_it_again_when_it_is_back() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    FormBuilder::new()
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let watching = Watching::start(quick_options(&inbox, &ledger));
    let first = std::fs::read(&ledger).unwrap();

    // Moved away: an error line, and the ledger stays as it was.
    let moved = dir.path().join("收件（旧）");
    std::fs::rename(&inbox, &moved).unwrap();
    let kept = contents(&moved);
    expect_line(&watching.lines, "错误：收件文件夹");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(std::fs::read(&ledger).unwrap(), first);

    // Made again with another file: watched again, and the ledger is the new folder's.
    std::fs::create_dir(&inbox).unwrap();
    unit_form(2).write(inbox.join("青山镇.xlsx")).unwrap();
    let seen = expect_lines(
        &watching.lines,
        &["已重新出现", "收到 青山镇.xlsx：", "移除 白马镇.xlsx"],
    );
    let statuses = file_statuses(&ledger);
    assert_eq!(
        statuses,
        [("青山镇.xlsx".into(), "已读取".into())],
        "{seen:?}"
    );
    let second = std::fs::read(&ledger).unwrap();
    let arrived = contents(&inbox);

    // A file dropped in later is seen (the new folder is watched, not the old one).
    unit_form(3).write(inbox.join("柳溪镇.xlsx")).unwrap();
    expect_line(&watching.lines, "收到 柳溪镇.xlsx");
    let third = std::fs::read(&ledger).unwrap();
    assert_ne!(third, second);

    // Removed: an error line again, the ledger untouched.
    let arrived_later = contents(&inbox);
    std::fs::remove_dir_all(&inbox).unwrap();
    expect_line(&watching.lines, "错误：收件文件夹");
    std::thread::sleep(Duration::from_millis(800));
    let rest = watching.stop();
    assert_eq!(std::fs::read(&ledger).unwrap(), third, "{rest:?}");
    assert_eq!(contents(&moved), kept);
    assert!(arrived.keys().all(|k| arrived_later.contains_key(k)));
    assert!(arrived
        .iter()
        .all(|(path, bytes)| arrived_later.get(path) == Some(bytes)));
}

#[test]
fn watch_starts_despite_an_unreadable_subfolder_and_lists_it() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    let locked = inbox.join("锁住");
    for folder in [dir.path(), &inbox, &locked] {
        std::fs::create_dir_all(folder).unwrap();
        open_to_all(folder);
    }
    let ledger = dir.path().join("台账.xlsx");
    FormBuilder::new()
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    unit_form(2).write(locked.join("青山镇.xlsx")).unwrap();
    let before = contents(&inbox);
    no_permissions(&locked);
    let Some(running) = Unprivileged::start(&inbox, &ledger) else {
        return;
    };
    let seen = expect_lines(&running.lines, &["无法监视子文件夹 锁住", "开始监视"]);
    let rest = running.interrupt();
    assert!(
        rest.iter().any(|l| l.contains("已停止监视")),
        "{seen:?} {rest:?}"
    );

    let statuses = file_statuses(&ledger);
    assert!(
        statuses.contains(&("锁住".into(), "已忽略".into())),
        "{statuses:?}"
    );
    let texts = sheet_texts(&ledger, "文件清单");
    let why = (texts.iter())
        .find(|c| c.starts_with("无法访问"))
        .expect("why the folder is not read");
    assert!(why.contains("没有权限"), "in Chinese, by its cause: {why}");
    let words = why.replace("Excel", "").replace("WPS", "");
    assert!(!words.chars().any(|c| c.is_ascii_alphabetic()), "{why}");
    assert!(statuses.contains(&("白马镇.xlsx".into(), "已读取".into())));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(contents(&inbox), before);
}

#[test]
fn watch_settles_many_files_dropped_at_once_in_one_batch() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    let staging = dir.path().join("暂存");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::create_dir(&staging).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let mut options = quick_options(&inbox, &ledger);
    // One file at a time, twenty of these waits would take 20 s.
    options.settle = Duration::from_secs(1);
    options.max_batches = Some(1);
    let names: Vec<String> = (1..=20).map(|i| format!("第{i}镇.xlsx")).collect();
    for (i, name) in names.iter().enumerate() {
        unit_form(i + 1).write(staging.join(name)).unwrap();
    }
    let before = contents(&staging);
    let watching = Watching::start(options);

    let dropped = Instant::now();
    for name in &names {
        std::fs::rename(staging.join(name), inbox.join(name)).unwrap();
    }
    let wanted: Vec<String> = names.iter().map(|n| format!("收到 {n}：")).collect();
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let seen = expect_lines(&watching.lines, &wanted);
    let took = dropped.elapsed();
    // max_batches = 1: the watch ends after the one refresh that read all twenty.
    watching.worker.join().unwrap().unwrap();
    assert!(took < Duration::from_secs(10), "{took:?} {seen:#?}");
    let statuses = file_statuses(&ledger);
    assert_eq!(statuses.len(), 20, "{statuses:?}");
    assert!(statuses.iter().all(|(_, s)| s == "已读取"), "{statuses:?}");
    for (path, bytes) in before {
        let now = inbox.join(path.file_name().unwrap());
        assert_eq!(std::fs::read(now).unwrap(), bytes);
    }
}

/// watch keeps a 收件记录: each version of a return that arrives while it watches, with when
/// it was first seen; a file already in the inbox when watching started is not known to have
/// arrived then, and is not recorded. The record reads back as `status --arrivals` uses it.
#[test]
fn watch_records_when_each_return_arrived() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    unit_form(1).write(inbox.join("第1镇.xlsx")).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let record = dir.path().join("台账_收件记录.csv");
    let mut options = quick_options(&inbox, &ledger);
    options.arrivals = Some(record.clone());
    let stop = options.stop.clone();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        watch(&options, &mut |line| {
            let _ = tx.send(line);
        })
    });
    expect_line(&rx, "开始监视");
    let before = chrono::Local::now().naive_local() - chrono::Duration::seconds(1);
    unit_form(2).write(inbox.join("第2镇.xlsx")).unwrap();
    expect_line(&rx, "收到 第2镇.xlsx");
    unit_form(2)
        .orgs(1)
        .write(inbox.join("第2镇.xlsx"))
        .unwrap();
    expect_line(&rx, "更新 第2镇.xlsx");
    stop.store(true, Ordering::SeqCst);
    worker.join().unwrap().unwrap();

    let arrivals = taizhang::arrivals::Arrivals::load(&record).unwrap();
    let text = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "the header and two versions of 第2镇: {text}"
    );
    assert!(
        !text.contains("第1镇"),
        "there before watching started: {text}"
    );
    let hash = taizhang::arrivals::hash_file(&inbox.join("第2镇.xlsx")).unwrap();
    let when = arrivals.arrival(&hash).expect("the current version");
    assert!(when >= before, "{when} after {before}");
}

/// A decisions workbook with one decision on `org` of 第1镇, its 依据 `basis`.
fn write_decision(path: &Path, org: &str, basis: &str) {
    let header = ["单位名称", "党组织名称", "审定等次", "依据"];
    crate::support::write_rows(path, &[&header, &["第1镇", org, "后进", basis]]);
}

/// With `--decisions` the ledger carries them; a change to the workbook alone rebuilds it; a
/// workbook that cannot be read keeps the last ledger (never one without the decisions).
#[test]
fn watch_keeps_the_decisions_and_rebuilds_when_they_change() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    let form = unit_form(1);
    let org = form.org_rows()[0].get("org_name").display().to_string();
    form.write(inbox.join("第1镇.xlsx")).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let decisions = dir.path().join("审定意见.xlsx");
    write_decision(&decisions, &org, "督查发现问题甲");
    let mut options = quick_options(&inbox, &ledger);
    options.decisions = Some(decisions.clone());
    let watching = Watching::start(options);
    let rx = &watching.lines;
    assert!(sheet_texts(&ledger, "台账明细").contains(&"督查发现问题甲".to_string()));

    write_decision(&decisions, &org, "督查发现问题乙");
    expect_line(rx, "审定意见表有改动，台账已重算");
    let texts = sheet_texts(&ledger, "台账明细");
    assert!(texts.contains(&"督查发现问题乙".to_string()), "{texts:?}");

    let kept = std::fs::read(&ledger).unwrap();
    std::thread::sleep(Duration::from_millis(1100)); // a rebuild would differ in its time
    std::fs::write(&decisions, b"not a workbook").unwrap();
    expect_line(rx, "错误：台账未更新：无法读取审定意见表");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        std::fs::read(&ledger).unwrap() == kept,
        "the ledger was rebuilt"
    );
    watching.stop();
}

/// An idle watcher stays idle: looking at the inbox is not a change (inotify reports a
/// folder opened), so a ledger that cannot be built is tried again on the next real change,
/// not over and over.
#[test]
fn watch_does_not_stir_itself() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    unit_form(1).write(inbox.join("第1镇.xlsx")).unwrap();
    let ledger = dir.path().join("台账.xlsx");
    let decisions = dir.path().join("审定意见.xlsx");
    std::fs::write(&decisions, b"not a workbook").unwrap();
    let mut options = quick_options(&inbox, &ledger);
    options.decisions = Some(decisions);
    let watching = Watching::start(options);
    let rx = &watching.lines;
    std::thread::sleep(Duration::from_secs(2));
    let failed = rx.try_iter().filter(|l| l.contains("台账未更新")).count();
    assert_eq!(failed, 0, "no change, no new try");
    unit_form(2).write(inbox.join("第2镇.xlsx")).unwrap();
    expect_line(rx, "错误：台账未更新：无法读取审定意见表");
    watching.stop();
}
