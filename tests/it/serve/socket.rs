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

/// Start `taizhang serve` with `extra` arguments; the child and its HTTPS address.
fn start(setup: &Setup, extra: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .arg("serve")
        .arg(&setup.inbox)
        .arg("--roster")
        .arg(&setup.roster)
        .arg("--codes")
        .arg(&setup.codes)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address = https_address(child.stdout.take().unwrap());
    if address.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start over HTTPS");
    }
    (child, address.unwrap())
}

/// The address the server says it listens at over HTTPS.
fn https_address(stdout: std::process::ChildStdout) -> Option<String> {
    (BufReader::new(stdout).lines().map_while(Result::ok))
        .find_map(|line| Some(line.split_once("网上报送已开启：https://")?.1.to_string()))
        .map(|rest| rest.split('/').next().unwrap_or_default().to_string())
}

#[test]
fn with_a_certificate_it_serves_https_and_its_cookie_is_secure() {
    let setup = Setup::new();
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert_path, key_path) = (setup.file("证书.pem"), setup.file("私钥.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, signing_key.serialize_pem()).unwrap();
    let args = [
        std::ffi::OsStr::new("--tls-cert"),
        cert_path.as_os_str(),
        std::ffi::OsStr::new("--tls-key"),
        key_path.as_os_str(),
    ];
    let (mut child, address) = start(&setup, &args);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.der().clone()).unwrap();
    let config = std::sync::Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let exchange_tls = |request: &str| {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let connection = rustls::ClientConnection::new(config.clone(), name).unwrap();
        let socket = TcpStream::connect(&address).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut tls = rustls::StreamOwned::new(connection, socket);
        tls.write_all(request.as_bytes()).unwrap();
        let mut reply = Vec::new();
        let _ = tls.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).to_string()
    };
    let page = exchange_tls("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("报送口令"), "{page}");
    let body = format!("code={}", setup.code_of("组织部"));
    let request = format!(
        "POST /signin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let signed_in = exchange_tls(&request);
    let cookie = (signed_in.lines())
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("{signed_in}"));
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// A client that never finishes its request head is cut off, and an upload that trickles in
/// past the request time limit is answered 408 in Chinese; the server answers others meanwhile.
#[test]
fn a_slow_client_is_cut_off() {
    let setup = Setup::new();
    let mut options = setup.options();
    options.header_timeout = Duration::from_millis(300);
    options.request_timeout = Duration::from_millis(600);
    let app = taizhang::serve::App::open(options).unwrap().0;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(taizhang::serve::run(app, listener, None, async {
            let _ = stopped.await;
        }))
    });

    // Half a request head, then nothing: the connection is closed, not kept.
    let mut stalled = TcpStream::connect(&address).unwrap();
    stalled
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: te").unwrap();
    let started = std::time::Instant::now();
    let mut reply = Vec::new();
    stalled
        .read_to_end(&mut reply)
        .expect("closed by the server");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // A whole head promising 100 KB of upload, of which 10 bytes come: 408, in Chinese.
    let mut slow = TcpStream::connect(&address).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: test\r\nConnection: close\r\nX-Code: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\nConte",
        setup.code_of("511101001")
    );
    slow.write_all(head.as_bytes()).unwrap();
    // Meanwhile another client is answered.
    let (status, _) = exchange(
        &address,
        "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert!(status.contains("200"), "{status}");
    let mut reply = Vec::new();
    slow.read_to_end(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("请求太久没有完成"), "{reply}");

    stop.send(()).unwrap();
    server.join().unwrap().unwrap();
}
