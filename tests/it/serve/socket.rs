//! `taizhang serve` itself, over a real loopback socket: it starts, says where, answers a
//! browser and a script, and stops on Ctrl-C.

use super::Setup;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One HTTP/1.1 exchange over a fresh connection: the status line and the body.
fn exchange(address: &str, head: &str, body: &[u8]) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply).to_string();
    let (headers, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (
        headers.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

#[test]
fn the_program_serves_on_loopback_and_stops_on_ctrl_c() {
    let setup = Setup::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .arg("serve")
        .arg(&setup.inbox)
        .arg("--roster")
        .arg(&setup.roster)
        .arg("--codes")
        .arg(&setup.codes)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let address = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .unwrap();
        said.push(line.clone());
        if let Some(rest) = line.strip_prefix("网上报送已开启：http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    assert!(said[0].contains("已为 5 个单位生成报送口令"), "{said:?}");
    let (status, page) = exchange(
        &address,
        "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("报送口令"), "{page}");

    let form = taizhang::builder::FormBuilder::new()
        .orgs(2)
        .phone("12345")
        .to_bytes()
        .unwrap();
    let (content_type, body) = super::multipart(&[("file", Some("白马镇.xlsx"), &form)]);
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: test\r\nConnection: close\r\nX-Code: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        setup.code_of("511101001"),
        body.len()
    );
    let (status, json) = exchange(&address, &head, &body);
    assert!(status.contains("200"), "{status} {json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["errors"], 1, "{json}");

    #[cfg(unix)]
    {
        // SAFETY: sends SIGINT (Ctrl-C) to the child we started.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(
            rest.iter().any(|l| l.contains("网上报送已停止")),
            "{rest:?}"
        );
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
