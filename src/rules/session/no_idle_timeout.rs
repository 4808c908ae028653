//! `session/no-idle-timeout`: session middleware under which an idle
//! session never expires.

use syn::Expr;
use tree_sitter::Node;

use super::{JsLibrary, Options, RustLibrary, SessionSetup, chains, session_setups};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{JsFile, Property, Value};
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "session/no-idle-timeout",
    severity: Severity::Low,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "session middleware under which an idle session never expires",
    docs: DOCS,
    cwe: &[613],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.2.8"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags session middleware that sets no lifetime for its sessions where the
library's own default sets none either, so a session nobody uses stays
valid until the browser is closed (browsers that restore tabs keep it
longer) and, on the server, until the store happens to drop it.

What each library does when no lifetime is configured:

| library | lifetime options | without them | reported |
|---|---|---|---|
| express-session | `cookie.maxAge`, `cookie.expires`; a `store` with its own TTL | browser-session cookie; the default MemoryStore never expires entries | yes, unless a `store` is given (its TTL is the store's business) |
| cookie-session | `maxAge`, `expires` | browser-session cookie, and the signed cookie stays valid for ever | yes |
| @fastify/session | `cookie.maxAge`, `cookie.expires`; a `store` | browser-session cookie; the default store never expires entries | yes, unless a `store` is given |
| koa-session | `maxAge` | one day | only `maxAge: 'session'`, which drops the expiry |
| @fastify/secure-session | `expiry` | one day, checked on every request | no |
| tower-sessions | `with_expiry(..)` | no `Max-Age`: the cookie lives as long as the browser session (`Expiry::OnSessionEnd`), the stored record two weeks | yes, and `with_expiry(Expiry::OnSessionEnd)` too |
| actix-session | `session_lifecycle(..)` | browser-session cookie whose server state expires a day after its last change | no |

A lifetime that is set is not judged against a number: what is short
enough depends on the application (PCI DSS asks for 15 minutes of
inactivity on systems with card data). Test files (the `[paths] tests`
patterns) are skipped: their set-ups are not what runs in production.

## Why is this bad
A session that never times out turns every forgotten login into an open
door: a shared or stolen computer, a copied cookie, or a session id that
leaked into a log stays usable for as long as the browser keeps running.
An idle timeout bounds how long such a leak is worth anything.

## Example
```js
const session = require('express-session');
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
```
```rust
let layer = SessionManagerLayer::new(store).with_secure(true);
```

## Use instead
```js
app.use(session({
  secret: process.env.SESSION_SECRET,
  resave: false,
  saveUninitialized: false,
  rolling: true,                           // each response restarts the clock
  cookie: { maxAge: 15 * 60 * 1000, secure: true, sameSite: 'lax' },
}));
```
```rust
let layer = SessionManagerLayer::new(store)
    .with_expiry(Expiry::OnInactivity(Duration::minutes(15)));
```

## Known problems
With express-session or @fastify/session and a `store`, the store's TTL
decides and is not read, so nothing is reported. Options computed by a
function or imported from another file are not judged, nor is a
tower-sessions layer returned from a function and configured by its
caller. A lifetime set to a long value (days) is not reported; there is
no setting for a stricter limit on admin areas yet.

## References
- CWE-613: Insufficient Session Expiration
- OWASP Session Management Cheat Sheet, idle timeout
- PCI DSS v4.0.1 requirement 8.2.8
";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    if file.source.project().config.is_test_path(&file.source.path) {
        return;
    }
    for setup in session_setups(file) {
        match setup.library {
            JsLibrary::ExpressSession | JsLibrary::FastifySession => {
                check_cookie_lifetime(file, &setup, out);
            }
            JsLibrary::CookieSession => check_cookie_session(file, &setup, out),
            JsLibrary::KoaSession => check_koa_session(file, &setup, out),
            // Its `expiry` defaults to a day and is enforced server-side.
            JsLibrary::FastifySecureSession => {}
        }
    }
}

/// express-session and @fastify/session: `cookie.maxAge` or
/// `cookie.expires`, unless a store is given.
fn check_cookie_lifetime<'t>(
    file: &JsFile<'t>,
    setup: &SessionSetup<'t>,
    out: &mut Vec<Diagnostic>,
) {
    let module = setup.library.module();
    if let Options::Object(options) = setup.options
        && !matches!(file.model.property(options, "store"), Property::Missing)
    {
        return;
    }
    let cookie = match setup.cookie_options(file) {
        Options::Absent => None,
        Options::Object(cookie) => Some(cookie),
        Options::Unknown => return,
    };
    if let Some(cookie) = cookie
        && (sets_lifetime(file, cookie, "maxAge") || sets_lifetime(file, cookie, "expires"))
    {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        setup.call.byte_range(),
        format!(
            "{module} sets no `cookie.maxAge` and no store: an idle session stays valid until the browser closes, and the in-memory store never drops it"
        ),
        "set `cookie: { maxAge: 15 * 60 * 1000 }` with `rolling: true`, or a store whose TTL expires idle sessions",
    ));
}

/// cookie-session: the session lives in the signed cookie, so without
/// `maxAge` or `expires` a copied cookie stays valid for ever.
fn check_cookie_session<'t>(
    file: &JsFile<'t>,
    setup: &SessionSetup<'t>,
    out: &mut Vec<Diagnostic>,
) {
    match setup.options {
        Options::Absent => {}
        Options::Object(options) => {
            if sets_lifetime(file, options, "maxAge") || sets_lifetime(file, options, "expires") {
                return;
            }
        }
        Options::Unknown => return,
    }
    out.push(Diagnostic::new(
        &RULE,
        setup.call.byte_range(),
        "cookie-session sets no `maxAge`: the signed session cookie never expires, so a copy of it stays valid for ever",
        "set `maxAge: 15 * 60 * 1000` and refresh it on activity (`req.session.nowInMinutes = Math.floor(Date.now() / 60e3)`)",
    ));
}

/// koa-session expires sessions after a day unless `maxAge: 'session'`
/// drops the expiry.
fn check_koa_session<'t>(file: &JsFile<'t>, setup: &SessionSetup<'t>, out: &mut Vec<Diagnostic>) {
    let Options::Object(options) = setup.options else {
        return;
    };
    let Property::Set(value) = file.model.property(options, "maxAge") else {
        return;
    };
    if file.model.value(value).as_str() != Some("session") {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        pair_of(value).byte_range(),
        "`maxAge: 'session'` takes the expiry out of koa-session's sessions: an idle session stays valid until the browser closes",
        "set `maxAge: 15 * 60 * 1000` with `rolling: true`",
    ));
}

/// Whether an option sets a lifetime: present, and not `null`,
/// `undefined` or `'session'`. Values the file cannot decide count as set.
fn sets_lifetime<'t>(file: &JsFile<'t>, object: Node<'t>, key: &str) -> bool {
    match file.model.property(object, key) {
        Property::Missing => false,
        Property::Unknown => true,
        Property::Set(value) => !matches!(file.model.value(value), Value::Null | Value::Undefined),
    }
}

fn pair_of(value: Node<'_>) -> Node<'_> {
    value
        .parent()
        .filter(|p| p.kind() == "pair")
        .unwrap_or(value)
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    if file.source.project().config.is_test_path(&file.source.path) {
        return;
    }
    for chain in chains(file) {
        // actix-session's default lifecycle already expires server state a
        // day after its last change; hand-built cookies are not sessions.
        if chain.library != RustLibrary::TowerSessions {
            continue;
        }
        let expiries: Vec<_> = chain.calls_of(&["with_expiry"]).collect();
        if expiries.is_empty() {
            out.push(Diagnostic::new(
                &RULE,
                file.range(chain.root),
                "`SessionManagerLayer` without `with_expiry`: the session cookie has no `Max-Age` and an idle session stays valid until the browser closes",
                "add `.with_expiry(Expiry::OnInactivity(Duration::minutes(15)))`",
            ));
            continue;
        }
        for call in expiries {
            if call.args.first().is_some_and(is_on_session_end) {
                let start = call.method.span().byte_range().start;
                out.push(Diagnostic::new(
                    &RULE,
                    start..file.range(call).end,
                    "`Expiry::OnSessionEnd` keeps an idle session valid until the browser closes",
                    "use `Expiry::OnInactivity(Duration::minutes(15))`",
                ));
            }
        }
    }
}

fn is_on_session_end(expression: &Expr) -> bool {
    matches!(expression, Expr::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "OnSessionEnd"))
}
