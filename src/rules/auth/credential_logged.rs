//! `auth/credential-logged`: a password, token or secret written to a log.

use syn::Expr;
use tree_sitter::Node;

use super::is_login_credential;
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    FieldAccess, JsFile, Sensitive, call_arguments, string_literal, unwrap_expression,
};
use crate::lang::rust::sensitive::{MacroValue, macro_values, sensitive};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{Kind, classify_name, is_ambiguous, mentions_authentication};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "auth/credential-logged",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password, token or secret written to a log",
    docs: DOCS,
    cwe: &[532],
    owasp: &["API2:2023"],
    soc2: &["CC6.1", "CC7.2"],
    pci_dss: &["8.3.2"],
    triggers: &["console", "log", "print", "dbg", "debug", "tracing"],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: something is named a credential.
fn may_report(input: &GateInput<'_>) -> bool {
    input.names(|kind| kind != Kind::Nonce)
}

const DOCS: &str = r#"
## What it does
Flags a password, token, API key, secret or one-time code passed to a log:
`console.log/info/warn/error/debug/trace/dir`, a logger object (`logger`,
`log`, `this.logger`, `req.log`, `fastify.log`: winston, pino, bunyan,
NestJS `Logger`) and the `debug` package; in Rust `println!`, `eprintln!`,
`print!`, `dbg!`, the `log` macros and the `tracing` macros (including
fields such as `password = %form.password` and `?token`). The value is
recognised by name or because it came from the request, also inside
template literals, concatenations, format strings (`"{password}"`) and
objects (`{ email, password }`).

Lengths, presence checks and masked prefixes (`token.slice(0, 6)`) are not
reported, nor are password hashes. A bare `token`, `pin` or `pass` (a
dependency-injection token, a CPU pin) counts only when it came from the
request or the file is about authentication (it mentions JWTs, bearer
tokens, OAuth, logins, sessions, MFA or API keys).

## Why is this bad
Logs are copied to log shippers, search indexes, support tickets and
backups, with far wider access than the credential store. A password or
token in a log is readable by everyone who can read the log, for as long as
the log is kept.

## Example
```js
logger.info(`login attempt for ${email} with password ${password}`);
```
```rust
tracing::debug!(token = %token, "issued session");
```

## Use instead
```js
logger.info({ userId: user.id }, 'login attempt');
```
Log an identifier of the user or of the token (its `jti`), never the
credential; configure the logger to redact credential fields
(`pino({ redact: ['password', '*.token'] })`).

## Known problems
Whole objects that contain a credential (`console.log(req.body)`) are not
reported. Command-line tools that print an identifier named like a token to
their user (an upload `sessionId`) are reported. Values wrapped in types that redact themselves (`secrecy`'s
`Secret`) are not reported when logged directly.

## References
- CWE-532: Insertion of Sensitive Information into Log File
- OWASP Logging Cheat Sheet
- PCI DSS v4.0.1 requirement 8.3.2
"#;

const LOG_METHODS: &[&str] = &[
    "log", "info", "warn", "warning", "error", "debug", "trace", "fatal", "verbose", "silly",
    "http", "notice", "crit", "critical", "alert", "emerg", "dir",
];

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let about_authentication = mentions_authentication(&file.source.text);
    for &call in &file.model.calls {
        let Some(logger) = logger_name(file, call) else {
            continue;
        };
        for argument in call_arguments(call) {
            for (place, value) in logged_credentials(file, argument) {
                // A bare `token` is a DI token, a lexer token or a cursor as
                // often as a credential, outside authentication code.
                if is_ambiguous(&value.name) && value.source.is_none() && !about_authentication {
                    continue;
                }
                out.push(Diagnostic::new(
                    &RULE,
                    place.byte_range(),
                    format!(
                        "{} `{}` is written to the log by `{logger}`",
                        article(value.kind),
                        value.name
                    ),
                    "log an identifier (the user id, the token's `jti`) instead, and configure the logger to redact credential fields",
                ));
            }
        }
    }
}

fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Password => "the password",
        Kind::Token => "the token",
        Kind::Secret => "the secret",
        Kind::Otp => "the one-time code",
        _ => "the credential",
    }
}

/// The logger a call writes to, as written: `console.log`, `this.logger.warn`.
fn logger_name(file: &JsFile<'_>, call: Node<'_>) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.field("function")?;
    if function.kind() == "identifier" {
        // `const debug = require('debug')('app:auth')`
        let path = file.model.module_path(function);
        return path
            .is_some_and(|p| p.module == "debug")
            .then(|| file.text(function).to_string());
    }
    if function.kind() != "member_expression" {
        return None;
    }
    let method = file.text(function.field("property")?);
    if !LOG_METHODS.contains(&method) {
        return None;
    }
    let object = function.field("object")?;
    let receiver = match object.kind() {
        "member_expression" => file.text(object.field("property")?),
        "identifier" => file.text(object),
        _ => return None,
    };
    let lower = receiver.to_ascii_lowercase();
    let is_logger =
        lower == "console" || lower == "log" || lower.ends_with("logger") || lower == "logging";
    is_logger.then(|| file.text(function).to_string())
}

/// The credentials an argument of a log call carries, with where each is.
fn logged_credentials<'t>(file: &JsFile<'t>, argument: Node<'t>) -> Vec<(Node<'t>, Sensitive<'t>)> {
    let argument = unwrap_expression(argument);
    if argument.kind() == "object" {
        let mut found = Vec::new();
        let mut cursor = argument.walk();
        for entry in argument.named_children(&mut cursor) {
            let value = match entry.kind() {
                "pair" => {
                    let Some(value) = entry.field("value") else {
                        continue;
                    };
                    let key = entry.field("key").map(|k| string_literal(file.text(k)));
                    // `{ password: body.password }` or `{ token: t }` where
                    // the key names a credential and the value is not a literal.
                    let by_key = key
                        .as_deref()
                        .and_then(classify_name)
                        .filter(|k| is_login_credential(*k));
                    match (file.model.sensitive(value), by_key) {
                        (Some(s), _) => Some(s),
                        (None, Some(kind)) if !is_literal(value) && !is_masked(file, value) => {
                            Some(Sensitive {
                                kind,
                                source: None,
                                name: key.unwrap_or_default(),
                                node: value,
                            })
                        }
                        _ => None,
                    }
                }
                "shorthand_property_identifier" => file.model.sensitive(entry),
                _ => None,
            };
            if let Some(value) = value.filter(|v| is_login_credential(v.kind))
                && !is_masked(file, entry)
            {
                found.push((entry, value));
            }
        }
        return found;
    }
    match file.model.sensitive(argument) {
        Some(value) if is_login_credential(value.kind) && !is_masked(file, argument) => {
            vec![(argument, value)]
        }
        _ => Vec::new(),
    }
}

fn is_literal(node: Node<'_>) -> bool {
    matches!(
        unwrap_expression(node).kind(),
        "string" | "number" | "true" | "false" | "null" | "undefined"
    )
}

/// A deliberately shortened value: `token.slice(0, 6)`, `key.substring(0, 4)`.
fn is_masked(file: &JsFile<'_>, node: Node<'_>) -> bool {
    let text = file.text(node);
    [".slice(0", ".substring(0", ".substr(0", ".slice(-"]
        .iter()
        .any(|m| text.contains(m))
}

const PRINT_MACROS: &[&str] = &[
    "println", "print", "eprintln", "eprint", "dbg", "info", "debug", "warn", "error", "trace",
    "event", "log",
];

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for mac in &body.macros {
            let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if !PRINT_MACROS.contains(&name.as_str()) {
                continue;
            }
            if !is_logging_macro(file, mac, &name) {
                continue;
            }
            for value in macro_values(mac) {
                report_rust_value(file, body, &name, value, out);
            }
        }
    }
}

/// `println!` and friends from the standard library; `info!` and the other
/// level macros when they resolve to `log` or `tracing` (through a `use`, a
/// glob or a full path), or when the file brings them in with
/// `#[macro_use]` and names one of those crates. `defmt::info!` and other
/// crates' macros of the same names are not logs this rule knows.
fn is_logging_macro(file: &RustFile<'_>, mac: &syn::Macro, name: &str) -> bool {
    if matches!(name, "println" | "print" | "eprintln" | "eprint" | "dbg") {
        return mac.path.segments.len() == 1
            || mac.path.segments.first().is_some_and(|s| s.ident == "std");
    }
    let resolved = file.model.resolve(&mac.path, &["log", "tracing"]);
    match resolved.first().map(String::as_str) {
        Some("log" | "tracing") => true,
        Some(_) if resolved.len() == 1 => {
            let text = &file.source.text;
            text.contains("macro_use") && (text.contains("log") || text.contains("tracing"))
        }
        _ => false,
    }
}

fn report_rust_value(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    macro_name: &str,
    value: MacroValue,
    out: &mut Vec<Diagnostic>,
) {
    let (found, range) = match value {
        MacroValue::Expr { expr, field } => {
            if self_redacting(body, &expr) || is_masked_rust(&expr) {
                return;
            }
            let by_value =
                sensitive(file, body, &expr).map(|s| (s.kind, s.name, s.source.is_some()));
            let by_field = field
                .as_deref()
                .and_then(|f| {
                    classify_name(f.rsplit('.').next().unwrap_or(f))
                        .map(|k| (k, f.to_string(), false))
                })
                .filter(|_| !matches!(*expr, Expr::Lit(_)));
            (by_value.or(by_field), file.range(&expr))
        }
        MacroValue::Capture { name, range } => {
            let Ok(expr) = syn::parse_str::<Expr>(&name) else {
                return;
            };
            if self_redacting(body, &expr) {
                return;
            }
            (
                sensitive(file, body, &expr).map(|s| (s.kind, s.name, s.source.is_some())),
                range,
            )
        }
    };
    let Some((kind, name, from_request)) = found else {
        return;
    };
    if !is_login_credential(kind)
        || (is_ambiguous(&name) && !from_request && !mentions_authentication(&file.source.text))
    {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!("{} `{name}` is written to the log by `{macro_name}!`", article(kind)),
        "log an identifier (the user id, the token's `jti`) instead; keep credentials in `secrecy::SecretString`, which prints as `[REDACTED]`",
    ));
}

/// A local or parameter of a type that redacts itself when printed.
fn self_redacting(body: &FnBody<'_>, expression: &Expr) -> bool {
    let Expr::Path(path) = expression else {
        return false;
    };
    let Some(name) = path.path.get_ident() else {
        return false;
    };
    body.type_of(&name.to_string()).is_some_and(|ty| {
        let text = quote::ToTokens::to_token_stream(ty).to_string();
        text.contains("Secret") || text.contains("Redact") || text.contains("Sensitive")
    })
}

fn is_masked_rust(expression: &Expr) -> bool {
    match expression {
        Expr::Index(_) => true,
        Expr::MethodCall(call) => {
            matches!(call.method.to_string().as_str(), "get" | "chars" | "take")
                || is_masked_rust(&call.receiver)
        }
        Expr::Reference(inner) => is_masked_rust(&inner.expr),
        _ => false,
    }
}
