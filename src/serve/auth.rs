//! Who is calling: a 报送口令 in the `X-Code` header (scripts) or a session cookie (pages).
//!
//! Signing in with a code starts a session: a random token in a cookie that is `HttpOnly`
//! (scripts in the page cannot read it), `SameSite=Strict` (another site's page cannot send
//! it) and `Secure` over HTTPS. Each session also has a CSRF token that every form of ours
//! carries and every state-changing request with the cookie must bring back (a form field, or
//! the `X-CSRF-Token` header for scripts that use the cookie): two locks where one would do.
//!
//! Wrong codes are counted per client address: after [`FREE_TRIES`] wrong codes each further
//! wrong answer is held back, twice as long as the one before (up to [`MAX_DELAY`]), so guessing
//! is slow; at most [`MAX_WAITING`] wrong answers wait at once, beyond that a wrong code is
//! answered 429 at once. A right code is never refused nor held back: a county office behind
//! one address, where one clerk mistyped, is not locked out. The access log gets one line
//! when an address starts being slowed down (once per [`WINDOW`]), not one per wrong code;
//! counts older than the window are forgotten, and at most [`MAX_ADDRESSES`] are kept.

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
/// The longest a wrong answer is held back.
pub const MAX_DELAY: Duration = Duration::from_secs(10);
/// Wrong answers held back at once (each a sleeping task, no thread).
pub const MAX_WAITING: usize = 64;
/// Wrong codes from an address are forgotten this long after its last one.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses whose wrong codes are counted at once.
pub const MAX_ADDRESSES: usize = 4096;
/// Sessions kept per unit (and for the department): a new sign-in beyond them ends the one
/// unused longest, so signing in again and again cannot fill the memory.
pub const SESSIONS_PER_CALLER: usize = 16;
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
    /// Wrong answers being held back.
    waiting: tokio::sync::Semaphore,
    secure: bool,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Why a code was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not any unit's code.
    Wrong,
    /// Not any unit's code, and too many wrong answers are already being held back.
    Busy,
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Refused::Wrong => {
                "报送口令不正确，请核对组织部发给本单位的口令（字母不分大小写）".to_string()
            }
            Refused::Busy => {
                "报送口令不正确；此时错误的尝试过多，请稍后再试（正确的口令不受影响）".to_string()
            }
        }
    }

    /// The status a refusal is answered with.
    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            Refused::Wrong => axum::http::StatusCode::FORBIDDEN,
            Refused::Busy => axum::http::StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

/// A wrong code as counted: how long to hold the answer back, and whether its address starts
/// being slowed down with it (worth a line in the access log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongCode {
    pub delay: Duration,
    pub starts_slowing: bool,
}

impl Auth {
    pub fn new(secure: bool) -> Auth {
        Auth {
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            waiting: tokio::sync::Semaphore::new(MAX_WAITING),
            secure,
        }
    }

    /// Whose `code` is, counting a wrong one against `ip`; a right code is always taken.
    pub fn try_code(
        &self,
        codes: &codes::Codes,
        code: &str,
        ip: Option<IpAddr>,
    ) -> Result<Who, WrongCode> {
        let who = codes.verify(code);
        let Some(ip) = ip else {
            return who.ok_or(WrongCode {
                delay: Duration::ZERO,
                starts_slowing: false,
            });
        };
        let mut failures = self.failures.lock().expect("auth lock");
        // A right code does not clear the count: another at the same address may be guessing.
        if let Some(who) = who {
            return Ok(who);
        }
        let now = Instant::now();
        if failures.len() >= MAX_ADDRESSES && !failures.contains_key(&ip) {
            forget_some(&mut failures, now);
        }
        let f = failures.entry(ip).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(f.last) > WINDOW {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        Err(WrongCode {
            delay: wait_after(f.count),
            starts_slowing: f.count == FREE_TRIES,
        })
    }

    /// Hold a wrong answer back for `delay`, unless too many already wait ([`Refused::Busy`]).
    pub async fn hold_back(&self, delay: Duration) -> Refused {
        if delay.is_zero() {
            return Refused::Wrong;
        }
        let Ok(_slot) = self.waiting.try_acquire() else {
            return Refused::Busy;
        };
        tokio::time::sleep(delay).await;
        Refused::Wrong
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
        let mut theirs: Vec<(Instant, String)> = (sessions.iter())
            .filter(|(_, s)| s.who == who)
            .map(|(token, s)| (s.last_seen, token.clone()))
            .collect();
        theirs.sort();
        let surplus = (theirs.len() + 1).saturating_sub(SESSIONS_PER_CALLER);
        for (_, token) in theirs.into_iter().take(surplus) {
            sessions.remove(&token);
        }
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

/// How long the answer to an address's `count`-th wrong code is held back: nothing for the
/// first [`FREE_TRIES`] - 1, then 1, 2, 4… seconds, at most [`MAX_DELAY`].
pub fn wait_after(count: u32) -> Duration {
    if count < FREE_TRIES {
        return Duration::ZERO;
    }
    let doubling = (count - FREE_TRIES).min(16);
    Duration::from_secs(1u64 << doubling).min(MAX_DELAY)
}

/// Make room among the counted addresses: those quiet for a [`WINDOW`] go, and if that is not
/// enough, the quietest half.
fn forget_some(failures: &mut HashMap<IpAddr, Failures>, now: Instant) {
    failures.retain(|_, f| now.duration_since(f.last) <= WINDOW);
    if failures.len() >= MAX_ADDRESSES {
        let mut lasts: Vec<Instant> = failures.values().map(|f| f.last).collect();
        let (_, &mut middle, _) = lasts.select_nth_unstable(MAX_ADDRESSES / 2);
        failures.retain(|_, f| f.last > middle);
    }
}

/// Whether `given` is the secret `kept`, in a time that says nothing of where they differ
/// (both hashed, and BLAKE3 hashes compare in constant time).
pub fn same_secret(given: &str, kept: &str) -> bool {
    blake3::hash(given.as_bytes()) == blake3::hash(kept.as_bytes())
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
        assert_eq!(wait_after(FREE_TRIES), Duration::from_secs(1));
        assert_eq!(wait_after(FREE_TRIES + 1), Duration::from_secs(2));
        assert_eq!(wait_after(100), MAX_DELAY);
    }

    #[test]
    fn the_count_of_addresses_is_capped() {
        let mut failures = HashMap::new();
        let now = Instant::now();
        for i in 0..MAX_ADDRESSES as u32 {
            let ip = IpAddr::from(i.to_be_bytes());
            failures.insert(
                ip,
                Failures {
                    count: 1,
                    last: now,
                },
            );
        }
        forget_some(&mut failures, now);
        assert!(failures.len() <= MAX_ADDRESSES / 2, "{}", failures.len());
    }
}
