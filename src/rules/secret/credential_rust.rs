//! `secret/hardcoded-credential` in Rust: literals that reach a credential
//! sink (paths resolved through `use`), literals given a secret-like name
//! (`let`, `const`, `static`, struct literal fields, field assignments,
//! `env::set_var`), and connection URLs with an inline password.

use std::collections::HashMap;
use std::ops::Range;

use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use super::credential_gate::authorization_credential;
use super::hardcoded_credential::{
    Hit, NAME_FIX, Use, inner_range, name_message, near_its_name, sink_message, url_message,
};
use super::names::{self, SecretName};
use super::values::{self, SERVICE_SCHEMES};
use crate::lang::rust::RustFile;
use crate::source::LanguageFamily;

pub fn hits(file: &RustFile<'_>) -> Vec<Hit> {
    let database = DATABASE_CRATES.iter().any(|c| file.model.uses_crate(c));
    let http = HTTP_CRATES.iter().any(|c| file.model.uses_crate(c));
    let mut collector = Collector {
        file,
        hits: Vec::new(),
        lets: vec![HashMap::new()],
        database,
        http,
    };
    collector.visit_file(file.syntax);
    collector.hits
}

/// Crates whose builders take a `.password(..)` and whose `connect` and
/// `open` functions take connection URLs.
const DATABASE_CRATES: &[&str] = &[
    "sqlx",
    "tokio_postgres",
    "postgres",
    "deadpool_postgres",
    "bb8_postgres",
    "mysql",
    "mysql_async",
    "sea_orm",
    "diesel",
    "mongodb",
    "redis",
    "deadpool_redis",
    "lapin",
    "lettre",
    "tiberius",
    "scylla",
];

/// HTTP clients whose request builders have `basic_auth` and `bearer_auth`.
const HTTP_CRATES: &[&str] = &["reqwest", "ureq", "awc", "surf", "isahc", "attohttpc"];

/// Cookie and session key constructors: crate and path tail.
const KEY_CONSTRUCTORS: &[(&str, &[&str])] = &[
    ("cookie", &["Key", "from"]),
    ("cookie", &["Key", "derive_from"]),
    ("cookie", &["Key", "try_from"]),
    ("actix_web", &["Key", "from"]),
    ("actix_web", &["Key", "derive_from"]),
    ("actix_web", &["Key", "try_from"]),
    ("actix_session", &["Key", "from"]),
    ("tower_sessions", &["Key", "from"]),
    ("tower_sessions", &["Key", "derive_from"]),
    ("tower_sessions", &["Key", "try_from"]),
    ("axum_extra", &["Key", "from"]),
    ("axum_extra", &["Key", "derive_from"]),
    ("axum_extra", &["Key", "try_from"]),
    ("tower_cookies", &["Key", "from"]),
    ("tower_cookies", &["Key", "derive_from"]),
    ("rocket", &["SecretKey", "from"]),
    ("rocket", &["SecretKey", "derive_from"]),
];

/// Functions and methods that open a connection from a URL.
const URL_OPENERS: &[&str] = &[
    "connect",
    "connect_lazy",
    "establish",
    "open",
    "with_uri_str",
    "from_url",
    "new_with_url",
];

struct Collector<'f, 'a> {
    file: &'f RustFile<'a>,
    hits: Vec<Hit>,
    /// `let` initializers of the functions being visited, innermost last.
    lets: Vec<HashMap<String, &'a Expr>>,
    database: bool,
    http: bool,
}

/// A literal an expression holds.
struct RustLiteral {
    text: String,
    range: Range<usize>,
    fallback: bool,
    /// An array of byte literals (`[0u8; 64]`): key material, not text.
    bytes: bool,
}

impl<'a> Collector<'_, 'a> {
    fn text(&self, range: &Range<usize>) -> &str {
        self.file.source.text.get(range.clone()).unwrap_or("")
    }

    /// The literal behind an expression: through `&`, `Some(..)`,
    /// `.to_string()` and friends, `String::from`, `Secret::new`, `let`
    /// bindings, `const` and `static` items, and the fallback of
    /// `env::var(..).unwrap_or(..)`.
    fn literal(&self, expression: &'a Expr, depth: usize) -> Option<RustLiteral> {
        if depth > 12 {
            return None;
        }
        let next = |e: &'a Expr| self.literal(e, depth + 1);
        match expression {
            Expr::Lit(lit) => {
                let text = match &lit.lit {
                    Lit::Str(s) => s.value(),
                    Lit::ByteStr(b) => String::from_utf8_lossy(&b.value()).into_owned(),
                    _ => return None,
                };
                Some(RustLiteral {
                    text,
                    range: self.file.range(lit),
                    fallback: false,
                    bytes: false,
                })
            }
            Expr::Array(array)
                if !array.elems.is_empty()
                    && array.elems.iter().all(|e| matches!(e, Expr::Lit(_))) =>
            {
                Some(self.byte_array(expression))
            }
            Expr::Repeat(repeat) if matches!(repeat.expr.as_ref(), Expr::Lit(_)) => {
                Some(self.byte_array(expression))
            }
            Expr::Reference(r) => next(&r.expr),
            Expr::Paren(p) => next(&p.expr),
            Expr::Group(g) => next(&g.expr),
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                match method.as_str() {
                    "as_bytes" | "as_ref" | "to_string" | "to_owned" | "into" | "as_str"
                    | "to_vec" | "clone" | "into_bytes" | "parse" | "unwrap" | "expect" => {
                        next(&call.receiver)
                    }
                    "unwrap_or" | "unwrap_or_else" if reads_environment(&call.receiver) => {
                        let fallback = call.args.first()?;
                        let fallback = match fallback {
                            Expr::Closure(closure) => closure.body.as_ref(),
                            other => other,
                        };
                        next(fallback).map(|l| RustLiteral {
                            fallback: true,
                            ..l
                        })
                    }
                    _ => None,
                }
            }
            Expr::Call(call) => {
                let Expr::Path(path) = call.func.as_ref() else {
                    return None;
                };
                let last = path.path.segments.last()?.ident.to_string();
                let wraps =
                    matches!(last.as_str(), "from" | "new" | "Some" | "Ok") && call.args.len() == 1;
                if wraps { next(&call.args[0]) } else { None }
            }
            Expr::Path(path) => {
                let name = path.path.get_ident()?.to_string();
                let init = self
                    .lets
                    .last()
                    .and_then(|lets| lets.get(&name).copied())
                    .or_else(|| self.file.model.const_value(&name))?;
                next(init)
            }
            _ => None,
        }
    }

    fn byte_array(&self, expression: &Expr) -> RustLiteral {
        let range = self.file.range(expression);
        RustLiteral {
            text: self.text(&range).to_string(),
            range,
            fallback: false,
            bytes: true,
        }
    }

    fn push_sink(&mut self, literal: &RustLiteral, what: Use, callee: &str, line: usize) {
        if literal.text.trim().is_empty() {
            return;
        }
        let secret = if literal.bytes {
            literal.range.clone()
        } else {
            inner_range(&literal.range, self.text(&literal.range))
        };
        self.hits.push(Hit {
            range: literal.range.clone(),
            secret,
            message: sink_message(what, callee, line, literal.fallback),
            fix: what.fix(LanguageFamily::Rs).to_string(),
            at_sink: true,
        });
    }

    /// A connection URL: any password at a sink (`sink` set), a plausible
    /// one with a service scheme elsewhere.
    fn push_url(&mut self, range: &Range<usize>, sink: Option<(&str, usize)>) {
        let written = self.text(range).to_string();
        for credentials in values::url_credentials(&written) {
            let password = &written[credentials.password.clone()];
            let acceptable = match sink {
                Some(_) => !values::is_reference(password),
                None => {
                    SERVICE_SCHEMES.contains(&credentials.scheme.as_str())
                        && values::plausible_url_password(password, &credentials.user)
                }
            };
            if !acceptable {
                continue;
            }
            let what = if credentials.scheme.starts_with("smtp") {
                Use::MailPassword
            } else {
                Use::DatabasePassword
            };
            self.hits.push(Hit {
                range: range.clone(),
                secret: range.start + credentials.password.start
                    ..range.start + credentials.password.end,
                message: url_message(&credentials.scheme, sink),
                fix: what.fix(LanguageFamily::Rs).to_string(),
                at_sink: sink.is_some(),
            });
        }
    }

    /// A literal given a secret-like name.
    fn named(&mut self, name: &str, name_line: usize, expression: &'a Expr) {
        let accepted = match names::classify(name) {
            SecretName::Yes => true,
            SecretName::Pass => names::words(name).len() >= 2,
            SecretName::No => false,
        };
        if !accepted {
            return;
        }
        let Some(literal) = self.literal(expression, 0) else {
            return;
        };
        let literal_line = self.file.source.position(literal.range.start).line;
        if literal.bytes
            || !near_its_name(name_line, literal_line)
            || !values::plausible_named_secret(&literal.text, name)
        {
            return;
        }
        let secret = inner_range(&literal.range, self.text(&literal.range));
        self.hits.push(Hit {
            range: literal.range.clone(),
            secret,
            message: name_message(
                name,
                (name_line != literal_line).then_some(name_line),
                literal.fallback,
            ),
            fix: NAME_FIX.to_string(),
            at_sink: false,
        });
    }

    fn call_sink(&mut self, call: &'a syn::ExprCall) {
        let Expr::Path(path) = call.func.as_ref() else {
            return;
        };
        let line = self.file.line_of(call);
        let model = &self.file.model;
        let last = path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let callee = callee_name(&path.path);
        let key = KEY_CONSTRUCTORS
            .iter()
            .any(|(krate, tail)| model.path_is(&path.path, krate, tail));
        let (what, index) = if key {
            (Use::SessionSecret, 0)
        } else if model.path_is(&path.path, "lettre", &["Credentials", "new"]) {
            (Use::MailPassword, 1)
        } else if model.path_is(&path.path, "ring", &["hmac", "Key", "new"]) {
            (Use::HmacKey, 1)
        } else if matches!(last.as_str(), "new_from_slice" | "new_varkey") {
            (Use::HmacKey, 0)
        } else if last == "set_var" && is_env_path(model, &path.path) {
            self.set_var(call, line);
            return;
        } else {
            if self.database
                && URL_OPENERS.contains(&last.as_str())
                && let Some(literal) = call.args.first().and_then(|a| self.literal(a, 0))
                && !literal.bytes
            {
                self.push_url(&literal.range, Some((&callee, line)));
            }
            return;
        };
        if let Some(literal) = call.args.iter().nth(index).and_then(|a| self.literal(a, 0)) {
            self.push_sink(&literal, what, &callee, line);
        }
    }

    /// `env::set_var("API_KEY", "...")`: the first argument names the second.
    fn set_var(&mut self, call: &'a syn::ExprCall, line: usize) {
        let (Some(Expr::Lit(name)), Some(value)) = (call.args.first(), call.args.iter().nth(1))
        else {
            return;
        };
        let Lit::Str(name) = &name.lit else {
            return;
        };
        self.named(&name.value(), line, value);
    }

    fn method_sink(&mut self, call: &'a syn::ExprMethodCall) {
        let method = call.method.to_string();
        // The line of the method, not of the receiver chain it ends.
        let line = call.method.span().start().line;
        let (what, index) = match method.as_str() {
            "basic_auth" if self.http => (Use::HttpCredential, 1),
            "bearer_auth" if self.http => (Use::HttpCredential, 0),
            "password" | "pass" if self.database => (Use::DatabasePassword, 0),
            "header" | "insert" if call.args.len() == 2 => {
                self.authorization_header(call, line);
                return;
            }
            opener if self.database && URL_OPENERS.contains(&opener) => {
                if let Some(literal) = call.args.first().and_then(|a| self.literal(a, 0))
                    && !literal.bytes
                {
                    self.push_url(&literal.range, Some((&format!(".{method}(..)"), line)));
                }
                return;
            }
            _ => return,
        };
        if let Some(literal) = call.args.iter().nth(index).and_then(|a| self.literal(a, 0)) {
            self.push_sink(&literal, what, &format!(".{method}(..)"), line);
        }
    }

    /// `.header(AUTHORIZATION, "Bearer ...")`, `.header("Authorization", ..)`.
    fn authorization_header(&mut self, call: &'a syn::ExprMethodCall, line: usize) {
        let name_is_authorization =
            match &call.args[0] {
                Expr::Path(path) => path.path.segments.last().is_some_and(|s| {
                    s.ident == "AUTHORIZATION" || s.ident == "PROXY_AUTHORIZATION"
                }),
                Expr::Lit(lit) => matches!(&lit.lit, Lit::Str(s)
                if s.value().eq_ignore_ascii_case("authorization")),
                _ => false,
            };
        if !name_is_authorization {
            return;
        }
        let Some(literal) = self.literal(&call.args[1], 0) else {
            return;
        };
        let inner = inner_range(&literal.range, self.text(&literal.range));
        let content = self.text(&inner).to_string();
        let Some((scheme, credential)) = content.split_once(' ') else {
            return;
        };
        let credential = credential.trim();
        let known = ["basic", "bearer", "token"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s));
        if !known || !authorization_credential(credential) {
            return;
        }
        let offset = content.len() - content[scheme.len()..].trim_start().len();
        let start = inner.start + offset;
        self.hits.push(Hit {
            range: literal.range.clone(),
            secret: start..start + credential.len(),
            message: format!(
                "hardcoded {} in an `Authorization` header (line {line})",
                Use::HttpCredential.describe()
            ),
            fix: Use::HttpCredential.fix(LanguageFamily::Rs).to_string(),
            at_sink: true,
        });
    }

    fn in_function(&mut self, visit: impl FnOnce(&mut Self)) {
        self.lets.push(HashMap::new());
        visit(self);
        self.lets.pop();
    }
}

fn callee_name(path: &syn::Path) -> String {
    let names: Vec<String> = path
        .segments
        .iter()
        .rev()
        .take(2)
        .map(|s| s.ident.to_string())
        .collect();
    match names.as_slice() {
        [last, owner] => format!("{owner}::{last}"),
        [last] => last.clone(),
        _ => String::new(),
    }
}

/// `std::env::set_var` however it is imported: `env::set_var` after
/// `use std::env`, or the full path.
fn is_env_path(model: &crate::lang::rust::RustModel<'_>, path: &syn::Path) -> bool {
    let resolved = model.resolve(path, &[]);
    resolved.len() >= 2 && resolved[resolved.len() - 2] == "env"
}

/// `env::var("X")`, `std::env::var("X")`, `dotenvy::var("X")` (with `.ok()`
/// and similar adapters after it), `option_env!("X")`.
fn reads_environment(expression: &Expr) -> bool {
    match expression {
        Expr::Call(call) => matches!(call.func.as_ref(), Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "var" || s.ident == "var_os")
            && p.path.segments.len() >= 2),
        Expr::MethodCall(call) => reads_environment(&call.receiver),
        Expr::Paren(p) => reads_environment(&p.expr),
        Expr::Macro(mac) => mac.mac.path.is_ident("option_env"),
        _ => false,
    }
}

/// The name an assignment target gives: `self.password`, `API_KEY`.
fn target_name(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Field(field) => match &field.member {
            syn::Member::Named(ident) => Some(ident.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

impl<'a> Visit<'a> for Collector<'_, 'a> {
    fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
        self.in_function(|this| visit::visit_item_fn(this, item));
    }

    fn visit_impl_item_fn(&mut self, item: &'a syn::ImplItemFn) {
        self.in_function(|this| visit::visit_impl_item_fn(this, item));
    }

    fn visit_trait_item_fn(&mut self, item: &'a syn::TraitItemFn) {
        self.in_function(|this| visit::visit_trait_item_fn(this, item));
    }

    fn visit_item_const(&mut self, item: &'a syn::ItemConst) {
        let line = item.ident.span().start().line;
        self.named(&item.ident.to_string(), line, &item.expr);
        visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'a syn::ItemStatic) {
        let line = item.ident.span().start().line;
        self.named(&item.ident.to_string(), line, &item.expr);
        visit::visit_item_static(self, item);
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        let ident = match &local.pat {
            syn::Pat::Ident(ident) => Some(&ident.ident),
            syn::Pat::Type(typed) => match typed.pat.as_ref() {
                syn::Pat::Ident(ident) => Some(&ident.ident),
                _ => None,
            },
            _ => None,
        };
        if let (Some(ident), Some(init)) = (ident, &local.init) {
            let name = ident.to_string();
            self.named(&name, ident.span().start().line, &init.expr);
            if let Some(lets) = self.lets.last_mut() {
                lets.insert(name, &init.expr);
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_struct(&mut self, expr: &'a syn::ExprStruct) {
        for field in &expr.fields {
            if let syn::Member::Named(ident) = &field.member {
                self.named(&ident.to_string(), ident.span().start().line, &field.expr);
            }
        }
        visit::visit_expr_struct(self, expr);
    }

    fn visit_expr_assign(&mut self, expr: &'a syn::ExprAssign) {
        if let Some(name) = target_name(&expr.left) {
            self.named(&name, self.file.line_of(&expr.left), &expr.right);
        }
        visit::visit_expr_assign(self, expr);
    }

    fn visit_expr_call(&mut self, expr: &'a syn::ExprCall) {
        self.call_sink(expr);
        visit::visit_expr_call(self, expr);
    }

    fn visit_expr_method_call(&mut self, expr: &'a syn::ExprMethodCall) {
        self.method_sink(expr);
        visit::visit_expr_method_call(self, expr);
    }

    // Doc comments are `#[doc = ".."]` attributes: their examples are not
    // code that runs (and `secret/known-key` still reads their text).
    fn visit_attribute(&mut self, _: &'a syn::Attribute) {}

    fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
        let range = self.file.range(lit);
        self.push_url(&range, None);
    }
}
