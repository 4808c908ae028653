//! `session/no-idle-timeout`: session middleware under which an idle
//! session never expires.

use syn::Expr;
use tree_sitter::Node;

use super::{Chain, JsLibrary, Options, RustLibrary, SessionSetup, chains, session_setups};
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

A lifetime that is set is not judged against a number by default: what
is short enough depends on the application. Where a limit applies (PCI DSS
asks for 15 minutes of inactivity on systems with card data and on admin
consoles), set it in `authlint.toml`:

```toml
[session]
max-idle-minutes = 15
```

Then longer lifetimes written as numbers are reported as well
(express-session and @fastify/session `cookie.maxAge`, cookie-session and
koa-session `maxAge`, @fastify/secure-session `expiry`, tower-sessions
`Expiry::OnInactivity(Duration::..)`, actix-session `session_ttl` /
`state_ttl`), and so are the one-day defaults of koa-session,
@fastify/secure-session and actix-session. Test files (the `[paths] tests`
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
caller. The limit applies to every session set-up scanned: there is no
way yet to hold only the admin area's sessions to it. Lifetimes computed
at run time (from configuration, or a `Date` for `expires`) are not
compared with it.

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
            JsLibrary::FastifySecureSession => check_secure_session(file, &setup, out),
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
    let cookie = match setup.cookie_options(file) {
        Options::Absent => None,
        Options::Object(cookie) => Some(cookie),
        Options::Unknown => return,
    };
    if let Some(cookie) = cookie
        && (sets_lifetime(file, cookie, "maxAge") || sets_lifetime(file, cookie, "expires"))
    {
        check_limit(file, cookie, "maxAge", MILLISECONDS, out);
        return;
    }
    // A store's own TTL may end idle sessions; it is not read here.
    if let Options::Object(options) = setup.options
        && !matches!(file.model.property(options, "store"), Property::Missing)
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
                check_limit(file, options, "maxAge", MILLISECONDS, out);
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
    let options = match setup.options {
        Options::Object(options) => options,
        Options::Absent => {
            check_default(file, setup, "koa-session's default `maxAge`", out);
            return;
        }
        Options::Unknown => return,
    };
    let value = match file.model.property(options, "maxAge") {
        Property::Set(value) => value,
        Property::Missing => {
            check_default(file, setup, "koa-session's default `maxAge`", out);
            return;
        }
        Property::Unknown => return,
    };
    if file.model.value(value).as_str() != Some("session") {
        check_limit(file, options, "maxAge", MILLISECONDS, out);
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        pair_of(value).byte_range(),
        "`maxAge: 'session'` takes the expiry out of koa-session's sessions: an idle session stays valid until the browser closes",
        "set `maxAge: 15 * 60 * 1000` with `rolling: true`",
    ));
}

/// @fastify/secure-session checks its `expiry` (seconds, a day by
/// default) on every request: only a configured limit can make it too long.
fn check_secure_session<'t>(
    file: &JsFile<'t>,
    setup: &SessionSetup<'t>,
    out: &mut Vec<Diagnostic>,
) {
    let default = "@fastify/secure-session's default `expiry`";
    match setup.options {
        Options::Absent => check_default(file, setup, default, out),
        Options::Object(options) => match file.model.property(options, "expiry") {
            Property::Missing => check_default(file, setup, default, out),
            Property::Set(_) => check_limit(file, options, "expiry", SECONDS, out),
            Property::Unknown => {}
        },
        Options::Unknown => {}
    }
}

const MILLISECONDS: f64 = 60_000.0;
const SECONDS: f64 = 60.0;
/// koa-session's `maxAge`, @fastify/secure-session's `expiry` and
/// actix-session's state TTL all default to a day.
const ONE_DAY_IN_MINUTES: f64 = 24.0 * 60.0;

/// The configured `[session] max-idle-minutes`, if any.
fn idle_limit(source: &crate::source::SourceFile) -> Option<f64> {
    source
        .project()
        .config
        .session_max_idle_minutes
        .map(f64::from)
}

/// Reports a lifetime option longer than the configured limit; `per_minute`
/// is how many of the option's units make a minute.
fn check_limit<'t>(
    file: &JsFile<'t>,
    options: Node<'t>,
    key: &str,
    per_minute: f64,
    out: &mut Vec<Diagnostic>,
) {
    let Some(limit) = idle_limit(file.source) else {
        return;
    };
    let Property::Set(value) = file.model.property(options, key) else {
        return;
    };
    let Some(minutes) = file.model.value(value).as_number().map(|n| n / per_minute) else {
        return;
    };
    if minutes > limit {
        out.push(over_limit(
            pair_of(value).byte_range(),
            &format!("`{key}`"),
            minutes,
            limit,
        ));
    }
}

/// Reports a library default of a day when a shorter limit is configured.
fn check_default<'t>(
    file: &JsFile<'t>,
    setup: &SessionSetup<'t>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(limit) = idle_limit(file.source)
        && ONE_DAY_IN_MINUTES > limit
    {
        out.push(over_limit(
            setup.call.byte_range(),
            what,
            ONE_DAY_IN_MINUTES,
            limit,
        ));
    }
}

fn over_limit(range: std::ops::Range<usize>, what: &str, minutes: f64, limit: f64) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        range,
        format!(
            "{what} keeps an idle session valid for {} minutes, longer than the {} allowed by `[session] max-idle-minutes`",
            minutes.round(),
            limit
        ),
        format!("expire idle sessions after at most {limit} minutes"),
    )
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
    let limit = idle_limit(file.source);
    for chain in chains(file) {
        match chain.library {
            RustLibrary::TowerSessions => check_tower(file, &chain, limit, out),
            RustLibrary::ActixSession => {
                if let Some(limit) = limit {
                    check_actix(file, &chain, limit, out);
                }
            }
            // A hand-built cookie is not a session middleware.
            RustLibrary::Cookie => {}
        }
    }
}

fn check_tower(
    file: &RustFile<'_>,
    chain: &Chain<'_, '_>,
    limit: Option<f64>,
    out: &mut Vec<Diagnostic>,
) {
    let expiries: Vec<_> = chain.calls_of(&["with_expiry"]).collect();
    if expiries.is_empty() {
        out.push(Diagnostic::new(
            &RULE,
            file.range(chain.root),
            "`SessionManagerLayer` without `with_expiry`: the session cookie has no `Max-Age` and an idle session stays valid until the browser closes",
            "add `.with_expiry(Expiry::OnInactivity(Duration::minutes(15)))`",
        ));
        return;
    }
    for call in expiries {
        let Some(argument) = call.args.first() else {
            continue;
        };
        let range = method_range(file, call);
        if is_variant(argument, "OnSessionEnd") {
            out.push(Diagnostic::new(
                &RULE,
                range,
                "`Expiry::OnSessionEnd` keeps an idle session valid until the browser closes",
                "use `Expiry::OnInactivity(Duration::minutes(15))`",
            ));
        } else if let (Some(limit), Expr::Call(inactivity)) = (limit, argument)
            && is_variant(&inactivity.func, "OnInactivity")
            && let Some(minutes) = inactivity
                .args
                .first()
                .and_then(|d| duration_minutes(file, d))
            && minutes > limit
        {
            out.push(over_limit(range, "`Expiry::OnInactivity`", minutes, limit));
        }
    }
}

/// actix-session keeps a session's server state a day after its last
/// change unless `session_lifecycle(..)` sets a TTL.
fn check_actix(file: &RustFile<'_>, chain: &Chain<'_, '_>, limit: f64, out: &mut Vec<Diagnostic>) {
    let lifecycles: Vec<_> = chain.calls_of(&["session_lifecycle"]).collect();
    if lifecycles.is_empty() {
        if ONE_DAY_IN_MINUTES > limit {
            out.push(over_limit(
                file.range(chain.root),
                "actix-session's default state TTL",
                ONE_DAY_IN_MINUTES,
                limit,
            ));
        }
        return;
    }
    for call in lifecycles {
        let Some(argument) = call.args.first() else {
            continue;
        };
        let minutes = match lifecycle_ttl(argument) {
            Lifecycle::Ttl(duration) => duration_minutes(file, duration),
            Lifecycle::Default => Some(ONE_DAY_IN_MINUTES),
            Lifecycle::Unknown => None,
        };
        if let Some(minutes) = minutes.filter(|m| *m > limit) {
            out.push(over_limit(
                method_range(file, call),
                "`session_lifecycle`",
                minutes,
                limit,
            ));
        }
    }
}

enum Lifecycle<'a> {
    Ttl(&'a Expr),
    /// `BrowserSession::default()` or `PersistentSession::default()` as is.
    Default,
    Unknown,
}

/// The TTL a `PersistentSession` / `BrowserSession` builder sets.
fn lifecycle_ttl(mut expression: &Expr) -> Lifecycle<'_> {
    loop {
        match expression {
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if method == "session_ttl" || method == "state_ttl" {
                    return call.args.first().map_or(Lifecycle::Unknown, Lifecycle::Ttl);
                }
                expression = &call.receiver;
            }
            Expr::Call(call) => {
                let is_default = matches!(call.func.as_ref(), Expr::Path(path)
                    if path.path.segments.iter().any(|s| s.ident == "BrowserSession" || s.ident == "PersistentSession"));
                return if is_default {
                    Lifecycle::Default
                } else {
                    Lifecycle::Unknown
                };
            }
            _ => return Lifecycle::Unknown,
        }
    }
}

/// `Duration::minutes(30)`, `Duration::hours(8)`, `Duration::from_secs(900)`
/// and friends, in minutes, when the count is written in the code.
fn duration_minutes(file: &RustFile<'_>, expression: &Expr) -> Option<f64> {
    let Expr::Call(call) = expression else {
        return None;
    };
    let Expr::Path(path) = call.func.as_ref() else {
        return None;
    };
    let unit = path.path.segments.last()?.ident.to_string();
    let count = number(file, call.args.first()?, 0)?;
    let per_minute = match unit.as_str() {
        "seconds" | "from_secs" => 1.0 / 60.0,
        "minutes" | "from_mins" => 1.0,
        "hours" | "from_hours" => 60.0,
        "days" | "from_days" => ONE_DAY_IN_MINUTES,
        "weeks" | "from_weeks" => 7.0 * ONE_DAY_IN_MINUTES,
        _ => return None,
    };
    Some(count * per_minute)
}

/// An integer written as a literal, a same-file const, or products and
/// sums of them (`60 * 15`).
fn number(file: &RustFile<'_>, expression: &Expr, depth: usize) -> Option<f64> {
    if depth > 8 {
        return None;
    }
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse::<f64>().ok(),
            _ => None,
        },
        Expr::Paren(inner) => number(file, &inner.expr, depth + 1),
        Expr::Cast(cast) => number(file, &cast.expr, depth + 1),
        Expr::Binary(binary) => {
            let left = number(file, &binary.left, depth + 1)?;
            let right = number(file, &binary.right, depth + 1)?;
            match binary.op {
                syn::BinOp::Mul(_) => Some(left * right),
                syn::BinOp::Add(_) => Some(left + right),
                _ => None,
            }
        }
        Expr::Path(path) if path.path.segments.len() == 1 => {
            let value = file
                .model
                .const_value(&path.path.segments[0].ident.to_string())?;
            number(file, value, depth + 1)
        }
        _ => None,
    }
}

fn method_range(file: &RustFile<'_>, call: &syn::ExprMethodCall) -> std::ops::Range<usize> {
    // From the method name on: the receiver chain may start lines above.
    call.method.span().byte_range().start..file.range(call).end
}

fn is_variant(expression: &Expr, variant: &str) -> bool {
    matches!(expression, Expr::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == variant))
}
