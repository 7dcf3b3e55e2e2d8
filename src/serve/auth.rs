//! Who is calling: a 报送口令 in the `X-Code` header (scripts) or a session cookie (pages).
//!
//! Signing in with a code starts a session: a random token in a cookie that is `HttpOnly`
//! (scripts in the page cannot read it), `SameSite=Strict` (another site's page cannot send
//! it) and `Secure` over HTTPS. Each session also has a CSRF token that every form of ours
//! carries and every state-changing request with the cookie must bring back (a form field, or
//! the `X-CSRF-Token` header for scripts that use the cookie): two locks where one would do.
//!
//! Wrong codes are counted per client address: after [`FREE_TRIES`] wrong codes each further
//! try must wait twice as long as the one before (up to [`MAX_WAIT`]); a right code clears the
//! count. Nothing of a wrong attempt is stored but its time in the access log.

use super::codes::{self, Who};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "taizhang_session";
/// The header a script puts its code in.
pub const CODE_HEADER: &str = "x-code";
/// The header a script using the session cookie puts the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Wrong codes from one address before it is slowed down.
pub const FREE_TRIES: u32 = 3;
/// The longest wait between two tries.
pub const MAX_WAIT: Duration = Duration::from_secs(300);
/// A session ends after a working day without use.
const SESSION_IDLE: Duration = Duration::from_secs(10 * 3600);

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct Session {
    pub who: Who,
    pub csrf: String,
    last_seen: Instant,
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A code in the `X-Code` header: no session, no CSRF token needed.
    Code(Who),
    /// A session cookie.
    Session(Session),
}

impl Caller {
    pub fn who(&self) -> Who {
        match self {
            Caller::Code(who) => *who,
            Caller::Session(s) => s.who,
        }
    }
}

/// Sessions and wrong-code counts, in memory.
pub struct Auth {
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<IpAddr, Failures>>,
    secure: bool,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    next_try: Instant,
}

/// Why a code was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not any unit's code.
    Wrong,
    /// Too many wrong codes from this address: try again in this many seconds.
    Wait(u64),
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Refused::Wrong => {
                "报送口令不正确，请核对组织部发给本单位的口令（字母不分大小写）".to_string()
            }
            Refused::Wait(secs) => format!("口令错误次数过多，请 {secs} 秒后再试"),
        }
    }
}

impl Auth {
    pub fn new(secure: bool) -> Auth {
        Auth {
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            secure,
        }
    }

    /// Whose `code` is, counting a wrong one against `ip`.
    pub fn try_code(
        &self,
        codes: &codes::Codes,
        code: &str,
        ip: Option<IpAddr>,
    ) -> Result<Who, Refused> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("auth lock");
        if let Some(f) = ip.and_then(|ip| failures.get(&ip)) {
            if f.next_try > now {
                return Err(Refused::Wait((f.next_try - now).as_secs() + 1));
            }
        }
        match codes.verify(code) {
            Some(who) => {
                if let Some(ip) = ip {
                    failures.remove(&ip);
                }
                Ok(who)
            }
            None => {
                if let Some(ip) = ip {
                    let f = failures.entry(ip).or_insert(Failures {
                        count: 0,
                        next_try: now,
                    });
                    f.count += 1;
                    f.next_try = now + wait_after(f.count);
                }
                Err(Refused::Wrong)
            }
        }
    }

    /// A new session for `who`: its cookie's value.
    pub fn start(&self, who: Who) -> Result<String, codes::CodesError> {
        let token = codes::hex(&codes::random_bytes::<32>()?);
        let csrf = codes::hex(&codes::random_bytes::<16>()?);
        let session = Session {
            who,
            csrf,
            last_seen: Instant::now(),
        };
        let mut sessions = self.sessions.lock().expect("auth lock");
        sessions.retain(|_, s| s.last_seen.elapsed() < SESSION_IDLE);
        sessions.insert(token.clone(), session);
        Ok(token)
    }

    pub fn end(&self, token: &str) {
        self.sessions.lock().expect("auth lock").remove(token);
    }

    /// The session of the cookie in `headers`, if it is one of ours and still open.
    pub fn session(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        let token = cookie(headers, COOKIE)?;
        let mut sessions = self.sessions.lock().expect("auth lock");
        let session = sessions.get_mut(&token)?;
        if session.last_seen.elapsed() > SESSION_IDLE {
            sessions.remove(&token);
            return None;
        }
        session.last_seen = Instant::now();
        Some((token, session.clone()))
    }

    /// The `Set-Cookie` value of a session.
    pub fn set_cookie(&self, token: &str) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
    }

    /// The `Set-Cookie` value that ends a session in the browser.
    pub fn clear_cookie(&self) -> String {
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// How long an address waits after its `count`-th wrong code: nothing for the first
/// [`FREE_TRIES`], then 2, 4, 8… seconds, at most [`MAX_WAIT`].
pub fn wait_after(count: u32) -> Duration {
    if count < FREE_TRIES {
        return Duration::ZERO;
    }
    let doubling = (count - FREE_TRIES).min(16);
    Duration::from_secs(2u64 << doubling).min(MAX_WAIT)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    (headers.get_all(axum::http::header::COOKIE).iter())
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The client's address, when the server knows it (not in tests that call the router
/// directly).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientIp(info.map(|i| i.0.ip())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_tries_and_stop_growing() {
        assert_eq!(wait_after(1), Duration::ZERO);
        assert_eq!(wait_after(FREE_TRIES), Duration::from_secs(2));
        assert_eq!(wait_after(FREE_TRIES + 1), Duration::from_secs(4));
        assert_eq!(wait_after(100), MAX_WAIT);
    }
}
