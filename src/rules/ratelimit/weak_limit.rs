//! `ratelimit/weak-limit`: a limiter on an authentication route that lets
//! too many attempts through.

use std::path::Path;

use super::MAX_ATTEMPTS_PER_MINUTE;
use crate::finding::{Diagnostic, Severity};
use crate::routes::names::auth_route;
use crate::routes::{RouteIndex, count_text};
use crate::rules::{Checks, Rule};
use crate::source::{LanguageFamily, SourceFile};

pub static RULE: Rule = Rule {
    id: "ratelimit/weak-limit",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "a limiter on an authentication route that allows more than 10 attempts per minute",
    docs: DOCS,
    cwe: &[307],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
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
Flags the settings of a limiter that covers an authentication route (see
`ratelimit/auth-route-unthrottled` for which routes and limiters count)
when, written as literals or same-file constants, they let a client make
more than 10 attempts per minute. The finding sits on the setting, in the
file that defines the limiter, and names the route it protects.

Settings read: `express-rate-limit` `limit`/`max` per `windowMs` (defaults
5 per minute), `koa-ratelimit` `max` per `duration`, `@fastify/rate-limit`
`max` per `timeWindow` (milliseconds or `'1 minute'`; defaults 1000 per
minute) globally and in a route's `config.rateLimit`, `@nestjs/throttler`
`@Throttle({ default: { limit, ttl } })` and `ThrottlerModule.forRoot`
(`ttl` in milliseconds, or seconds in the version 4 object form), axum and
actix `GovernorConfigBuilder` `per_second`/`per_millisecond` (one request
per interval) and tower's `RateLimitLayer::new(n, duration)`. A handler that
locks accounts itself is flagged when its failure counter is compared with
a literal or constant above 10 (`if (user.failedAttempts > 50)`).

## Why is this bad
A limit of 100 attempts per minute is 144,000 guesses a day per address:
enough for a credential-stuffing list or a 6-digit one-time code. A limiter
set for general API traffic does little against password guessing. PCI DSS
8.3.4 asks for a lockout after at most 10 attempts.

## Example
```js
const loginLimiter = rateLimit({ windowMs: 60 * 1000, limit: 100 });
app.post('/login', loginLimiter, login);
```

## Use instead
```js
const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 10 });
app.post('/login', loginLimiter, login);
```

## Known problems
Settings computed at run time, read from configuration or the environment,
or given as functions are not known and not reported. Limits are compared
per client as configured; a key generator that limits per account rather
than per address is not recognised. How long a lockout lasts is not read. A limiter
used for both authentication and other routes is judged by the
authentication route alone.

## References
- OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks"
- CWE-307: Improper Restriction of Excessive Authentication Attempts
- PCI DSS v4.0.1 requirement 8.3.4
"#;

const FIX: &str =
    "at most 10 attempts per window; lock the account for at least 30 minutes after 10 failures";

fn check(source: &SourceFile, out: &mut Vec<Diagnostic>) {
    let configured = &source.project().config.auth_paths;
    super::with_index(source, |index, path| report(index, path, configured, out));
}

/// Every limiter defined in this file that covers an authentication route
/// anywhere in the project, reported once.
fn report(index: &RouteIndex, path: &Path, configured: &[String], out: &mut Vec<Diagnostic>) {
    let mut reported = Vec::new();
    for (route, limiter) in index.rates_in(path) {
        let Some(rate) = &limiter.rate else {
            continue;
        };
        if rate.per_minute() <= MAX_ATTEMPTS_PER_MINUTE
            || reported.contains(&rate.range.start)
            || auth_route(
                &route.method,
                &route.full_path,
                route.handler.as_deref(),
                configured,
            )
            .is_none()
        {
            continue;
        }
        reported.push(rate.range.start);
        let message = if rate.lockout {
            format!(
                "the lockout on authentication route `{} {}` allows {}; at most 10",
                route.method, route.full_path, rate.described
            )
        } else {
            let per_minute = if (rate.window_ms - 60_000.0).abs() < f64::EPSILON {
                String::new()
            } else {
                format!(" ({} per minute)", count_text(rate.per_minute().round()))
            };
            format!(
                "`{}` allows {}{per_minute} on authentication route `{} {}`, more than 10 attempts per minute",
                limiter.label, rate.described, route.method, route.full_path
            )
        };
        out.push(Diagnostic::new(&RULE, rate.range.clone(), message, FIX));
    }
}
