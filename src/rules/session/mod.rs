//! Session and cookie rules, and what they share: which session libraries
//! exist, where each keeps its cookie options, what each does when an
//! option is left out, and which cookies carry a session or a token. Both
//! rules read the same facts, so a library's defaults are written once.

pub mod insecure_cookie;
pub mod no_idle_timeout;

mod js_api;
mod rust_api;

pub use js_api::{
    CookieApi, CookieCall, Flag, JsLibrary, Options, SessionSetup, cookie_calls, flag,
    session_setups,
};
pub use rust_api::{Chain, RustLibrary, bool_literal, chains, is_same_site_none};

use crate::lang::sensitive::{classify_name, words};

/// The words every session library and cookie API the rules know is
/// written with. Plain `cookie` and `session` are left out on purpose: they
/// occur in most web code and would make the prefilter pass everything.
pub const TRIGGERS: &[&str] = &[
    "express-session",
    "cookie-session",
    "koa-session",
    "fastify/session",
    "fastify-session",
    "secure-session",
    ".cookie(",
    "setCookie(",
    "cookies.set(",
    "SessionMiddleware",
    "SessionManagerLayer",
    "Cookie::",
    "CookieBuilder",
];

/// Words in a cookie name that make it a session or login cookie even
/// though [`classify_name`] does not call them credentials by themselves:
/// `sid`, `connect.sid`, `session`, `koa.sess`, `jwt`, `auth`,
/// `remember_me`.
const SESSION_COOKIE_WORDS: &[&str] = &[
    "session", "sess", "sid", "ssid", "jwt", "auth", "sso", "remember", "login",
];

/// Whether a cookie name says the cookie carries a session or a
/// credential. Anti-CSRF cookies (`XSRF-TOKEN`, `csrf_token`) are left
/// out: the double-submit pattern makes them readable by scripts on
/// purpose, and they authenticate nobody by themselves.
pub fn is_credential_cookie_name(name: &str) -> bool {
    let words = words(name);
    if words.iter().any(|w| w == "csrf" || w == "xsrf") {
        return false;
    }
    words
        .iter()
        .any(|w| SESSION_COOKIE_WORDS.contains(&w.as_str()))
        || classify_name(name).is_some_and(crate::lang::sensitive::Kind::is_credential)
}

/// Whether the name of a constant that holds a cookie's name says the
/// cookie is a session or token cookie: `SESSION_COOKIE`, `TOKEN_KEY`,
/// `authCookieName`. Such names mention `token` without saying which kind,
/// which is enough here: the constant names a cookie.
pub fn is_credential_cookie_constant(name: &str) -> bool {
    let words = words(name);
    !words.iter().any(|w| w == "csrf" || w == "xsrf")
        && words
            .iter()
            .any(|w| w == "token" || SESSION_COOKIE_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::{is_credential_cookie_constant, is_credential_cookie_name};

    #[test]
    fn constants_holding_cookie_names_are_read_by_their_own_name() {
        for name in [
            "TOKEN_KEY",
            "SESSION_COOKIE",
            "authCookieName",
            "SID_COOKIE",
        ] {
            assert!(is_credential_cookie_constant(name), "{name}");
        }
        for name in [
            "STATE_COOKIE",
            "CSRF_TOKEN_COOKIE",
            "THEME_COOKIE",
            "cookieName",
        ] {
            assert!(!is_credential_cookie_constant(name), "{name}");
        }
    }

    #[test]
    fn session_and_token_cookies_are_told_from_the_rest() {
        for name in [
            "sid",
            "connect.sid",
            "session",
            "__Host-session",
            "koa.sess",
            "token",
            "access_token",
            "refreshToken",
            "jwt",
            "auth",
            "remember_me",
        ] {
            assert!(is_credential_cookie_name(name), "{name}");
        }
        for name in [
            "theme",
            "locale",
            "lang",
            "cookie_consent",
            "XSRF-TOKEN",
            "csrf_token",
            "deviceToken",
            "oauth_state",
        ] {
            assert!(!is_credential_cookie_name(name), "{name}");
        }
    }
}
