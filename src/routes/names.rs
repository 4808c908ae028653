//! What names say: which routes authenticate (by path segment and handler
//! name) and which middleware limits (by name, when no known package tells).

/// Path segment words of authentication routes. A segment matches when it
/// is one of these, or when its `-`/`_`-separated words are.
const AUTH_SEGMENTS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "log-in",
    "logon",
    "session",
    "sessions",
    "token",
    "auth",
    "authenticate",
    "authentication",
    "password",
    "passwords",
    "forgot",
    "forgot-password",
    "reset-password",
    "change-password",
    "register",
    "registration",
    "signup",
    "sign-up",
    "otp",
    "mfa",
    "2fa",
    "totp",
    "verify",
    "magic-link",
    "magiclink",
];

/// Segment words that count only as a whole segment.
const WHOLE_ONLY: &[&str] = &["session", "sessions", "token", "auth"];

/// Words in a handler name (split at case changes and separators) that
/// make it an authentication handler.
const AUTH_HANDLER_WORDS: &[&str] = &[
    "login",
    "signin",
    "logon",
    "authenticate",
    "register",
    "signup",
    "otp",
    "mfa",
    "2fa",
    "totp",
    "verify",
    "password",
    "magiclink",
];

/// Last segments that end a session or read the signed-in user: under an
/// `/auth` prefix they are not attempts to guess a credential.
const NOT_ATTEMPTS: &[&str] = &[
    "logout", "signout", "sign-out", "log-out", "logoff", "me", "profile", "callback", "status",
    "health",
];

/// Methods that submit credentials. `GET /login` renders a form; `DELETE
/// /session` logs out.
fn submits(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "ALL")
}

/// Why a route counts as an authentication route, if it does: the path
/// segment or handler name that says so. `configured` adds segments
/// (`unlock`) and path prefixes (`/api/pin`) from `[rate-limit] auth-paths`.
pub fn auth_route(
    method: &str,
    path: &str,
    handler: Option<&str>,
    configured: &[String],
) -> Option<String> {
    if !submits(method) {
        return None;
    }
    if let Some(prefix) = configured
        .iter()
        .find(|c| c.starts_with('/') && super::prefix_covers(c, path))
    {
        return Some(format!("configured path `{prefix}`"));
    }
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| {
            !s.is_empty() && !s.starts_with(':') && !s.starts_with('{') && !s.starts_with('<')
        })
        .map(str::to_ascii_lowercase)
        .collect();
    if segments
        .last()
        .is_some_and(|last| NOT_ATTEMPTS.contains(&last.as_str()))
    {
        return None;
    }
    let handler_words = handler.map(words).unwrap_or_default();
    if handler_words
        .iter()
        .any(|w| matches!(w.as_str(), "logout" | "signout" | "logoff"))
        || handler_words
            .windows(2)
            .any(|w| w[0] == "sign" && w[1] == "out")
    {
        return None;
    }
    // The most specific segment names the route best: `/auth/signup`.
    for segment in segments.iter().rev() {
        let parts: Vec<&str> = segment.split(['-', '_', '.']).collect();
        // Inside a longer segment, `session`, `token` and `auth` name other
        // things too (`create-checkout-session`, `token-usage`).
        if AUTH_SEGMENTS.contains(&segment.as_str())
            || parts
                .iter()
                .any(|p| AUTH_SEGMENTS.contains(p) && !WHOLE_ONLY.contains(p))
            || configured.iter().any(|c| c.eq_ignore_ascii_case(segment))
        {
            return Some(format!("path segment `{segment}`"));
        }
    }
    let joined = handler_words.join("");
    let hit = AUTH_HANDLER_WORDS
        .iter()
        .any(|w| handler_words.iter().any(|h| h == w))
        || ["signin", "signup", "logon", "login", "magiclink"]
            .iter()
            .any(|w| joined.contains(w));
    match handler {
        Some(name) if hit => Some(format!("handler `{name}`")),
        _ => None,
    }
}

/// Lower-case words of an identifier: `resetPassword` → `reset password`,
/// `verify_otp` → `verify otp`, `Login2FA` → `login 2fa`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a middleware, guard or layer name says it limits attempts.
pub fn says_limit(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "limit",
        "throttl",
        "brute",
        "slowdown",
        "slow_down",
        "lockout",
        "governor",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_routes_by_segment_and_handler() {
        assert!(auth_route("POST", "/auth/login", None, &[]).is_some());
        assert!(auth_route("POST", "/api/v1/forgot-password", None, &[]).is_some());
        assert!(auth_route("POST", "/oauth/token", None, &[]).is_some());
        assert!(auth_route("POST", "/users/:id/verify-email", None, &[]).is_some());
        assert!(auth_route("POST", "/x", Some("handleSignIn"), &[]).is_some());
        assert!(auth_route("POST", "/", Some("resetPassword"), &[]).is_some());
        assert!(auth_route("GET", "/login", None, &[]).is_none());
        assert!(auth_route("POST", "/auth/logout", None, &[]).is_none());
        assert!(auth_route("POST", "/articles", Some("create"), &[]).is_none());
        assert!(auth_route("POST", "/authors", None, &[]).is_none());
        assert!(auth_route("POST", "/api/create-checkout-session", None, &[]).is_none());
        assert!(auth_route("POST", "/refresh-token", None, &[]).is_none());
    }

    #[test]
    fn configured_auth_paths() {
        let configured = ["unlock".to_string(), "/api/pin".to_string()];
        assert!(auth_route("POST", "/doors/unlock", None, &configured).is_some());
        assert!(auth_route("POST", "/api/pin/check", None, &configured).is_some());
        assert!(auth_route("POST", "/api/pins", None, &configured).is_none());
        assert!(auth_route("POST", "/doors/unlock", None, &[]).is_none());
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("resetPassword"), ["reset", "password"]);
        assert_eq!(words("verify_otp"), ["verify", "otp"]);
        assert_eq!(words("SignIn"), ["sign", "in"]);
    }

    #[test]
    fn limiter_names() {
        assert!(says_limit("loginLimiter"));
        assert!(says_limit("ThrottlerGuard"));
        assert!(says_limit("bruteforce"));
        assert!(!says_limit("authenticate"));
    }
}
