//! `session/insecure-cookie`: session and credential cookies sent without
//! `Secure`, readable by page scripts, or cross-site without `Secure`.

use syn::ExprMethodCall;
use tree_sitter::Node;

use super::js_api::SecureDefault;
use super::{
    Chain, Flag, Options, RustLibrary, bool_literal, chains, cookie_calls, flag, is_same_site_none,
    session_setups,
};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "session/insecure-cookie",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "session or token cookie sent without `Secure`, readable by scripts, or `SameSite=None` without `Secure`",
    docs: DOCS,
    cwe: &[614, 1004],
    owasp: &["API2:2023"],
    soc2: &["CC6.1", "CC6.7"],
    pci_dss: &["8.3.2", "4.2.1"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Flags cookies that carry a session or a credential and are configured to
leak it:

- `secure: false` (sent over plain HTTP as well), `httpOnly: false`
  (readable by any script on the page), and `sameSite: 'none'` where
  nothing turns `Secure` on;
- session middleware and cookies set up with no cookie options at all, or
  with options that set none of `secure`, `httpOnly` and `sameSite`
  (`{ maxAge: 900000 }`), where the library's default leaves `Secure` or
  `HttpOnly` off: express-session and @fastify/secure-session without
  `cookie` settings, `res.cookie(name, token)`. Test files (the `[paths]
  tests` patterns) are not production code and are skipped for this case.
  A cookie being cleared (`res.cookie('token', '')`) is not reported.

It reads `express-session`, `cookie-session`, `koa-session`,
`@fastify/session` and `@fastify/secure-session` set-ups, resolving the
import (`require`, `import`, renames), options held in a same-file
constant and spreads of a base object; and `res.cookie`,
`reply.setCookie` / `reply.cookie` and `ctx.cookies.set` when the cookie's
name (`sid`, `session`, `token`, `access_token`, `jwt`, `auth`) or value
(`accessToken`, `sessionId`) says it is a credential. Theme, locale and
consent cookies are not reported, nor are anti-CSRF cookies (`XSRF-TOKEN`),
which the double-submit pattern makes readable by scripts on purpose.

In Rust: actix-session's `SessionMiddleware::builder(..)` with
`cookie_secure(false)` or `cookie_http_only(false)`; tower-sessions'
`SessionManagerLayer::new(..)` with `with_secure(false)` or
`with_http_only(false)`; and a session or token cookie built with the
`cookie` crate (`Cookie::build`, `Cookie::new`, also through axum-extra,
actix-web, rocket and tower-cookies) with `secure(false)`,
`http_only(false)` (or their `set_` forms), or `same_site(SameSite::None)`
without `secure(true)`, or with none of `secure`, `http_only` and
`same_site` at all. The methods are followed along the chain and on the
`let` that holds the builder.

What each library does when an option is left out decides what is
reported:

| library | `Secure` when unset | `HttpOnly` when unset |
|---|---|---|
| express-session (`cookie: {..}`) | off | on |
| cookie-session, koa-session, `ctx.cookies.set` (the `cookies` module) | on only when the request came over HTTPS | on |
| @fastify/session (`cookie: {..}`) | on | on |
| @fastify/secure-session (`cookie: {..}`) | off | on |
| Express `res.cookie` | off | off |
| `reply.setCookie` | plugin-wide `parseOptions`, else off | plugin-wide, else off |
| actix-session, tower-sessions | on | on |
| `cookie` crate | off | off |

So `session({ secret })` from express-session is reported and the same
call to @fastify/session is not. `secure: 'auto'` (express-session,
@fastify/session) counts as secure. A value the file cannot decide, such
as `secure: process.env.NODE_ENV === 'production'`, is not reported: it is
secure where it matters, in production.

## Why is this bad
A session cookie is the user's login. Without `Secure` a browser also
sends it over plain HTTP, where anyone on the network path can copy it and
take over the session; without `HttpOnly` one cross-site scripting bug is
enough to read it; `SameSite=None` hands it to every cross-site request,
and without `Secure` also over HTTP.

## Example
```js
const session = require('express-session');
app.use(session({ secret: process.env.SESSION_SECRET, cookie: { secure: false } }));
res.cookie('access_token', token);
```
```rust
let layer = SessionManagerLayer::new(store).with_secure(false);
let cookie = Cookie::build(("session", id)).http_only(false);
```

## Use instead
```js
app.set('trust proxy', 1);
app.use(session({
  secret: process.env.SESSION_SECRET,
  cookie: { secure: true, httpOnly: true, sameSite: 'lax', maxAge: 15 * 60 * 1000 },
}));
res.cookie('access_token', token, { secure: true, httpOnly: true, sameSite: 'lax' });
```
```rust
let layer = SessionManagerLayer::new(store); // Secure, HttpOnly, SameSite=Strict
let cookie = Cookie::build(("session", id)).secure(true).http_only(true).same_site(SameSite::Lax);
```

## Known problems
Options that set one security attribute but leave another at an insecure
default (`res.cookie('token', t, { httpOnly: true })` without `secure`,
express-session's `cookie: { sameSite: 'strict' }`) are not reported: they
show a decision about the cookie's security, and reporting every missing
`secure` would flag deployments that set it per environment elsewhere.
A Rust cookie built with `http_only(true)` but without `secure` is not
reported either; one built with none of `secure`, `http_only` and
`same_site` is, unless it is built to be removed (no value, or `""`).
A cookie handed to a helper that sets its attributes is reported all the
same. Options computed by a
function or imported from another file are not judged. `reply.setCookie`
without options is not reported, because `@fastify/cookie` takes defaults
at registration. A cookie is recognised as a credential by its name or
its value's name only; a session id stored under a name such as `u` is
missed.

## References
- CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
- CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag
- OWASP Session Management Cheat Sheet, cookie attributes
- PCI DSS v4.0.1 requirements 4.2.1 and 8.3.2
"#;

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let is_test = file.source.project().config.is_test_path(&file.source.path);
    for setup in session_setups(file) {
        let library = setup.library;
        let nested = !library.cookie_keys().is_empty();
        let fix = if nested {
            "set `cookie: { secure: true, httpOnly: true, sameSite: 'lax' }` (`secure: 'auto'` behind a proxy that sets `X-Forwarded-Proto`)"
        } else {
            "set `secure: true, httpOnly: true, sameSite: 'lax'` in the session options"
        };
        let options = setup.cookie_options(file);
        let insecure_default = library.secure_default() == SecureDefault::Off;
        if insecure_default && !is_test && says_nothing(file, options) {
            let what = match (options, nested) {
                (Options::Absent, true) => "without `cookie` options",
                (Options::Absent, false) => "without options",
                _ => "with cookie options that set none of `secure`, `httpOnly` and `sameSite`",
            };
            out.push(Diagnostic::new(
                &RULE,
                setup.call.byte_range(),
                format!(
                    "{} is set up {what}: its session cookie is sent without `Secure`, over plain HTTP too",
                    library.module()
                ),
                fix,
            ));
        } else if let Options::Object(object) = options {
            let subject = format!("the {} cookie", library.module());
            check_attributes(file, object, library.secure_default(), &subject, fix, out);
        }
    }
    for cookie in cookie_calls(file) {
        let api = cookie.api;
        let mut missing = Vec::new();
        if api.secure_default() == SecureDefault::Off {
            missing.push("`Secure`");
        }
        if !api.http_only_default() {
            missing.push("`HttpOnly`");
        }
        let known = api.defaults_are_known();
        if known && !missing.is_empty() && !is_test && says_nothing(file, cookie.options) {
            let what = if matches!(cookie.options, Options::Absent) {
                "without options"
            } else {
                "with options that set none of `secure`, `httpOnly` and `sameSite`"
            };
            out.push(Diagnostic::new(
                &RULE,
                cookie.call.byte_range(),
                format!(
                    "`{}` sets {} {what}: no {}",
                    api.call_name(),
                    cookie.name,
                    missing.join(" and no ")
                ),
                "pass `{ secure: true, httpOnly: true, sameSite: 'lax' }` as the third argument",
            ));
        } else if let Options::Object(object) = cookie.options {
            let subject = format!("{} set by `{}`", cookie.name, api.call_name());
            let fix = "pass `{ secure: true, httpOnly: true, sameSite: 'lax' }` as the options";
            check_attributes(file, object, api.secure_default(), &subject, fix, out);
        }
    }
}

/// Whether cookie options leave every security attribute to the library:
/// none given, or an object that sets none of `secure`, `httpOnly` and
/// `sameSite` (`{ maxAge: 900000 }`). Options it cannot see say something.
fn says_nothing<'t>(file: &JsFile<'t>, options: Options<'t>) -> bool {
    match options {
        Options::Absent => true,
        Options::Object(object) => ["secure", "httpOnly", "sameSite"]
            .iter()
            .all(|key| matches!(flag(file, object, key), Flag::Missing)),
        Options::Unknown => false,
    }
}

/// The explicit attribute values of one cookie's options.
fn check_attributes<'t>(
    file: &JsFile<'t>,
    object: Node<'t>,
    secure_default: SecureDefault,
    subject: &str,
    fix: &str,
    out: &mut Vec<Diagnostic>,
) {
    let secure = flag(file, object, "secure");
    if let Flag::Off(place) = secure {
        out.push(Diagnostic::new(
            &RULE,
            place.byte_range(),
            format!("`secure: false` sends {subject} over plain HTTP too"),
            fix,
        ));
    }
    if let Flag::Off(place) = flag(file, object, "httpOnly") {
        out.push(Diagnostic::new(
            &RULE,
            place.byte_range(),
            format!("`httpOnly: false` lets page scripts read {subject}"),
            fix,
        ));
    }
    // Only where `Secure` is certainly off by default: an explicit
    // `secure: false` is reported above already.
    let secure_missing_and_off =
        matches!(secure, Flag::Missing) && secure_default == SecureDefault::Off;
    if let Flag::Text(place, value) = flag(file, object, "sameSite")
        && value == "none"
        && secure_missing_and_off
    {
        out.push(Diagnostic::new(
            &RULE,
            place.byte_range(),
            format!(
                "`sameSite: 'none'` without `secure` sends {subject} with cross-site requests, over plain HTTP too"
            ),
            "add `secure: true`, or use `sameSite: 'lax'` unless the cookie must cross sites",
        ));
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for chain in chains(file) {
        let (secure, http_only): (&[&str], &[&str]) = match chain.library {
            RustLibrary::ActixSession => (&["cookie_secure"], &["cookie_http_only"]),
            RustLibrary::TowerSessions => (&["with_secure"], &["with_http_only"]),
            RustLibrary::Cookie => (&["secure", "set_secure"], &["http_only", "set_http_only"]),
        };
        let subject = chain
            .cookie
            .clone()
            .unwrap_or_else(|| format!("the session cookie of {}", chain.library.name()));
        for call in chain.calls_of(secure) {
            if first_bool(file, call) == Some(false) {
                report_method(
                    file,
                    call,
                    format!(
                        "`{}(false)` sends {subject} over plain HTTP too",
                        call.method
                    ),
                    format!(
                        "remove `{}(false)`; the cookie must be `Secure`",
                        call.method
                    ),
                    out,
                );
            }
        }
        for call in chain.calls_of(http_only) {
            if first_bool(file, call) == Some(false) {
                report_method(
                    file,
                    call,
                    format!("`{}(false)` lets page scripts read {subject}", call.method),
                    format!(
                        "remove `{}(false)`; the cookie must be `HttpOnly`",
                        call.method
                    ),
                    out,
                );
            }
        }
        if chain.library == RustLibrary::Cookie {
            check_same_site_none(file, &chain, &subject, out);
            check_silent_cookie(file, &chain, &subject, out);
        }
    }
}

/// A hand-built cookie has no `Secure` unless asked for, so `SameSite=None`
/// needs `secure(true)` in the same chain or on the same binding.
fn check_same_site_none(
    file: &RustFile<'_>,
    chain: &Chain<'_, '_>,
    subject: &str,
    out: &mut Vec<Diagnostic>,
) {
    let made_secure = chain
        .calls_of(&["secure", "set_secure"])
        .any(|call| first_bool(file, call) != Some(false));
    if made_secure {
        return;
    }
    for call in chain.calls_of(&["same_site", "set_same_site"]) {
        if call.args.first().is_some_and(is_same_site_none) {
            report_method(
                file,
                call,
                format!(
                    "`SameSite::None` without `secure(true)` sends {subject} with cross-site requests, over plain HTTP too"
                ),
                "add `.secure(true)`, or use `SameSite::Lax` unless the cookie must cross sites"
                    .to_string(),
                out,
            );
        }
    }
}

/// A hand-built credential cookie that sets none of `Secure`, `HttpOnly`
/// and `SameSite` gets none of them: the `cookie` crate sets nothing by
/// itself. Test code and cookies built to be removed are left alone.
fn check_silent_cookie(
    file: &RustFile<'_>,
    chain: &Chain<'_, '_>,
    subject: &str,
    out: &mut Vec<Diagnostic>,
) {
    let attributes = [
        "secure",
        "set_secure",
        "http_only",
        "set_http_only",
        "same_site",
        "set_same_site",
    ];
    let is_test = file.source.project().config.is_test_path(&file.source.path);
    if is_test || !chain.carries_value || chain.calls_of(&attributes).next().is_some() {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        file.range(chain.root),
        format!("{subject} is built without `secure`, `http_only` or `same_site`: no `Secure` and no `HttpOnly`"),
        "chain `.secure(true).http_only(true).same_site(SameSite::Lax)` onto the builder",
    ));
}

fn first_bool(file: &RustFile<'_>, call: &ExprMethodCall) -> Option<bool> {
    bool_literal(file, call.args.first()?)
}

fn report_method(
    file: &RustFile<'_>,
    call: &ExprMethodCall,
    message: String,
    fix: String,
    out: &mut Vec<Diagnostic>,
) {
    // From the method name on: the receiver chain may start lines above.
    let start = call.method.span().byte_range().start;
    let end = file.range(call).end;
    out.push(Diagnostic::new(&RULE, start..end, message, fix));
}
