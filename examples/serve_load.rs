//! Load figures of `taizhang serve` on loopback: upload-to-result time and the server's memory.
//!
//! ```text
//! cargo build --release && cargo run --release --example serve_load -- [--orgs 100] [--burst 100]
//! ```
//!
//! Starts `target/release/taizhang serve` on a fresh inbox (a temporary folder, a 30-unit
//! roster), then sends `POST /api/check` with one generated form of `--orgs` organizations:
//! 20 times one after the other, 10 rounds of 4 at once, and one burst of `--burst` at once.
//! Prints per phase how many got 200 and how many 503 (the server's bounded queue: "服务器正
//! 忙"), p50 / p99 / max of the time from sending the upload to the last byte of the result,
//! and the server's resident memory idle and its peak (VmRSS, VmHWM from /proc; Linux only).
//! Every request goes to 127.0.0.1 only; the run is bounded (about 200 requests) and stops
//! the server when done.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use taizhang::builder::FormBuilder;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: usize| {
        (args.iter().position(|a| a == name))
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(default)
    };
    let (orgs, burst) = (value("--orgs", 100), value("--burst", 100));
    let dir = tempfile::tempdir().expect("temp dir");
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let roster = dir.path().join("花名册.csv");
    let mut csv = String::from("单位代码,单位名称,单位类别\n");
    csv.push_str("511101001,白马镇,乡镇\n");
    for i in 2..=30 {
        csv.push_str(&format!("5111019{i:02},第{i}镇,乡镇\n"));
    }
    std::fs::write(&roster, csv).unwrap();
    let codes = dir.path().join("口令.xlsx");
    let exe = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/taizhang");
    let mut server = Command::new(&exe)
        .arg("serve")
        .arg(&inbox)
        .arg("--roster")
        .arg(&roster)
        .arg("--codes")
        .arg(&codes)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo build --release first)", exe.display()));
    let address = listening_at(&mut server);
    let code = admin_code(&codes);
    let form = FormBuilder::new().orgs(orgs).to_bytes().unwrap();
    println!(
        "表单：{orgs} 个党组织，{} KB；服务器 {address}",
        form.len() / 1024
    );
    std::thread::sleep(Duration::from_millis(300));
    println!("空闲内存：{}", memory(server.id()));
    phase("逐个 20 次", &address, &code, &form, 1, 20);
    phase("4 个同时 × 10 轮", &address, &code, &form, 4, 10);
    println!("4 个同时之后：{}", memory(server.id()));
    phase(&format!("{burst} 个同时"), &address, &code, &form, burst, 1);
    println!("全部之后：{}", memory(server.id()));
    let _ = server.kill();
    let _ = server.wait();
}

/// Send `rounds` rounds of `at_once` uploads in parallel; print the figures.
fn phase(name: &str, address: &str, code: &str, form: &[u8], at_once: usize, rounds: usize) {
    let mut times = Vec::new();
    let (mut ok, mut busy, mut other) = (0, 0, 0);
    for _ in 0..rounds {
        let replies: Vec<(u16, Duration)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..at_once)
                .map(|_| s.spawn(|| check(address, code, form)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (status, took) in replies {
            match status {
                200 => {
                    ok += 1;
                    times.push(took);
                }
                503 => busy += 1,
                _ => other += 1,
            }
        }
    }
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0, |d| d.as_millis())
    };
    println!(
        "{name}：200 共 {ok}，503 共 {busy}，其他 {other}；p50 {} ms，p99 {} ms，最长 {} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// One `POST /api/check` over a fresh connection: the status and the time to the last byte.
fn check(address: &str, code: &str, form: &[u8]) -> (u16, Duration) {
    let boundary = "----serve-load";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"form.xlsx\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(form);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: load\r\nConnection: close\r\nX-Code: {code}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let start = Instant::now();
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let took = start.elapsed();
    let status = String::from_utf8_lossy(&reply[..reply.len().min(12)])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, took)
}

fn listening_at(server: &mut std::process::Child) -> String {
    let lines = BufReader::new(server.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("网上报送已开启：http://") {
            return rest.split('/').next().unwrap().to_string();
        }
    }
    panic!("the server did not start");
}

/// The department's code from the codes workbook.
fn admin_code(path: &std::path::Path) -> String {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("报送口令").unwrap();
    range
        .rows()
        .find(|row| matches!(row.first(), Some(Data::String(s)) if s == "组织部"))
        .and_then(|row| row.get(2).map(|c| c.to_string()))
        .expect("the department's row")
}

/// VmRSS and VmHWM of process `pid`.
fn memory(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        (status.lines())
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| "?".to_string())
    };
    format!("常驻 {}，峰值 {}", field("VmRSS:"), field("VmHWM:"))
}
