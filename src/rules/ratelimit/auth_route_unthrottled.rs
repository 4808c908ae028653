//! `ratelimit/auth-route-unthrottled`: an authentication route that
//! nothing limits.

use std::path::Path;

use crate::finding::{Diagnostic, Severity};
use crate::routes::RouteIndex;
use crate::routes::names::auth_route;
use crate::rules::{Checks, Rule};
use crate::source::{LanguageFamily, SourceFile};

pub static RULE: Rule = Rule {
    id: "ratelimit/auth-route-unthrottled",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "an authentication route with no rate limiter or lockout in front of it",
    docs: DOCS,
    cwe: &[307, 799],
    owasp: &["API2:2023"],
    soc2: &["CC6.1", "CC6.6"],
    pci_dss: &["8.3.4"],
    // A lookup in the project's route table: cheap enough for every file,
    // and Next.js routes are known by their path, not their words.
    triggers: &[],
    checks: Checks {
        text: Some(check),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Builds the project's route table — every route with its full path and the
middleware in front of it, followed across files through imports and
mounts — and flags each authentication route that no limiter or lockout
covers. A route is an authentication route when it submits (`POST`, `PUT`,
`PATCH`, any method) and a path segment or its handler's name is about
logging in, sessions, tokens, `auth`, password reset or change, signup,
one-time codes or verification (`/login`, `/oauth/token`,
`/forgot-password`, `verifyOtp`), or when it falls under a segment or path
prefix listed under `[rate-limit] auth-paths` in `authlint.toml`.

A route counts as limited when its chain holds a limiter: one from a known
package (`express-rate-limit`, `express-slow-down`, `express-brute`,
`rate-limiter-flexible`, `koa-ratelimit`, `@fastify/rate-limit` including
per-route `config.rateLimit`, `@nestjs/throttler` guards, `tower_governor`,
`tower`'s `RateLimitLayer`, `actix-governor`, `actix-limitation`), any
middleware, guard or layer whose name says limit, throttle, brute, slow down,
governor or lockout, or a name listed under `[rate-limit] limiters` in
`authlint.toml`. A handler or middleware that counts failed attempts itself
(increments an `attempts`/`failures` counter and compares it) counts too.

Where middleware reaches follows each framework: Express and Koa `use`
covers what is registered after it, under its path; a router mounted with
`app.use('/auth', limiter, authRouter)` is limited there and not where it is
mounted without one; Fastify `register` of `@fastify/rate-limit` covers the
routes registered after it in that scope unless `global: false`; `NestJS`
throttler guards apply from `@UseGuards` on a handler or controller, or
from an `APP_GUARD` provider in any module, except on `@SkipThrottle()`
handlers; axum `layer` and `route_layer` cover the routes added before
them, and `nest`/`merge` carry a router's layers into the parent; actix
`wrap` covers the whole `App` or `scope`.

## Why is this bad
Without a limit on attempts an attacker can try passwords, one-time codes or
reset tokens as fast as the server answers: credential stuffing with leaked
password lists, brute force of 6-digit codes, enumeration of accounts. PCI
DSS 8.3.4 asks for a lockout after at most 10 failed attempts; OWASP API2
lists missing anti-brute-force protection as broken authentication.

## Example
```js
// app.js
const authRouter = require('./routes/auth');
app.use('/admin', authRouter); // no limiter on this mount
// routes/auth.js
router.post('/login', login);
```

## Use instead
```js
const rateLimit = require('express-rate-limit');
const loginLimiter = rateLimit({ windowMs: 60 * 1000, limit: 5 });
app.use('/auth', loginLimiter, authRouter);
```
```rust
let governor = GovernorConfigBuilder::default().per_second(12).burst_size(5).finish().unwrap();
let auth = Router::new()
    .route("/login", post(login))
    .layer(GovernorLayer::new(governor));
```

## Known problems
Routes are recognised by their path and handler names; an authentication
route with neutral names (`POST /api/v1/s`) is missed, and a route whose
path merely contains a word such as `token` is included. Routers mounted
through code authlint does not follow (a loop over `fs.readdirSync`, a
plugin loader, a router passed through several functions) are resolved as
if mounted at the root, with only their own middleware. Limits enforced
outside the code — an API gateway, a reverse proxy, a WAF — are invisible:
suppress with the reason, or name the middleware under `[rate-limit]
limiters`. Test code (`[paths] tests`) is left out of the route table: its routes
are not reported and its mounts do not count. Express, Koa, Fastify,
`NestJS`, Next.js API routes and route handlers, axum and
actix-web are covered; Hapi, rocket, warp and poem are not yet. A Next.js
route counts as limited when its handler calls something named for
limiting (`ratelimit.limit(ip)`); `middleware.ts` is not read.

## References
- OWASP API Security Top 10 2023, API2: Broken Authentication
- OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks"
- CWE-307: Improper Restriction of Excessive Authentication Attempts
- CWE-799: Improper Control of Interaction Frequency
- PCI DSS v4.0.1 requirement 8.3.4
"#;

const FIX: &str =
    "add a limiter (e.g. 10 failed attempts per minute per IP and account) and an account lockout";

fn check(source: &SourceFile, out: &mut Vec<Diagnostic>) {
    let configured = &source.project().config.auth_paths;
    super::with_index(source, |index, path| report(index, path, configured, out));
}

fn report(index: &RouteIndex, path: &Path, configured: &[String], out: &mut Vec<Diagnostic>) {
    let mut reported = Vec::new();
    for route in index.routes_in(path) {
        if route.is_limited() || reported.contains(&route.range.start) {
            continue;
        }
        let Some(why) = auth_route(
            &route.method,
            &route.full_path,
            route.handler.as_deref(),
            configured,
        ) else {
            continue;
        };
        reported.push(route.range.start);
        let mounted = route
            .mounted_from
            .filter(|from| *from != route.file)
            .and_then(|from| index.files()[from].path.file_name())
            .map(|name| format!(" (mounted from `{}`)", name.to_string_lossy()))
            .unwrap_or_default();
        out.push(Diagnostic::new(
            &RULE,
            route.range.clone(),
            format!(
                "authentication route `{} {}`{mounted} has no rate limiter or lockout in front of it ({why})",
                route.method, route.full_path
            ),
            FIX,
        ));
    }
}
