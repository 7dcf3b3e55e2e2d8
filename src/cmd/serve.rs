//! `taizhang serve`: the web intake on this machine until Ctrl-C.

use crate::cli::ServeArgs;
use anyhow::{Context, Result};
use std::path::PathBuf;
use taizhang::roster::Roster;
use taizhang::serve::{App, ServeOptions, Tls};

pub fn run(args: &ServeArgs) -> Result<u8> {
    let rules = super::load_rules(args.rules.as_deref())?;
    let roster = Roster::load(&args.roster)?;
    let codes = args
        .codes
        .clone()
        .unwrap_or_else(|| codes_beside(&args.inbox));
    let mut options = ServeOptions::new(args.inbox.clone(), roster, args.roster.clone(), codes);
    options.check = super::check_options(rules);
    options.rules_path = args.rules.clone();
    options.deadline = args.deadline;
    options.stage = args.stage;
    options.max_upload = args.max_upload * 1024 * 1024;
    options.secure_cookies = args.tls_cert.is_some();
    // A decisions workbook that cannot be read is said now, not at the first download.
    super::decisions(args.decisions.as_deref(), &options.check)?;
    options.decisions = args.decisions.clone();
    let (app, issued) = App::open(options)?;
    if let Some(book) = &issued.workbook {
        println!(
            "已为 {} 个单位生成报送口令，写在 {}：请分别交给各单位，组织部用“组织部”一行的口令登录",
            issued.new.len(),
            book.display()
        );
    }
    let listener = bind(args.listen)?;
    let address = listener.local_addr()?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .context("无法启动网上报送")?;
    runtime.block_on(async {
        let config = match &tls {
            Some(tls) => Some(taizhang::serve::load_tls(tls).await?),
            None => None,
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("网上报送已开启：{scheme}://{address}/ （按 Ctrl-C 停止）");
        if address.ip().is_unspecified() {
            println!(
                "其他电脑用本机的局域网地址访问，如 {scheme}://本机IP:{}/",
                address.port()
            );
        }
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        taizhang::serve::run(app, listener, config, stop).await
    })?;
    println!("网上报送已停止");
    Ok(0)
}

/// The listening socket, or why not in words a clerk can act on.
fn bind(address: std::net::SocketAddr) -> Result<std::net::TcpListener> {
    std::net::TcpListener::bind(address).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "端口 {} 已被其他程序占用（可能已经开着一个网上报送），请关掉它或换一个端口，如 --listen {}:{}",
            address.port(),
            address.ip(),
            address.port().wrapping_add(1)
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow::anyhow!(
            "本机没有地址 {}：只在本机使用写 127.0.0.1，供其他电脑访问写 0.0.0.0",
            address.ip()
        ),
        _ => anyhow::Error::new(e).context(format!("无法在 {address} 上开启网上报送")),
    })
}

/// `收件_报送口令.xlsx` beside the inbox folder `收件` (an absolute path as the clerk would
/// write it: not canonicalized, which on Windows gives `\\?\Z:\…`).
fn codes_beside(inbox: &std::path::Path) -> PathBuf {
    let mut inbox = std::path::absolute(inbox).unwrap_or_else(|_| inbox.to_path_buf());
    if inbox.ends_with("..") {
        inbox = inbox.canonicalize().unwrap_or(inbox);
    }
    let name = (inbox.components().next_back())
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .filter(|n| n != "." && n != "..")
        .unwrap_or_else(|| "收件".to_string());
    let folder = inbox
        .parent()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    folder.join(format!("{name}_报送口令.xlsx"))
}
