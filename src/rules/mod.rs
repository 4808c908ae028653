//! The rule catalogue: every rule's metadata, documentation and check, and
//! the registry that lists them. One rule lives in one file, in a folder per
//! family; `authlint explain`, the README table and the reports all read the
//! metadata from here, so nothing is documented twice.

pub mod auth;
pub mod crypto;
pub mod jwt;
pub mod meta;
pub mod mfa;
pub mod openapi;
pub mod password;
pub mod ratelimit;
pub mod samples;
pub mod secret;
pub mod session;
pub mod tls;

use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::openapi::OpenApiFile;
use crate::lang::rust::RustFile;
use crate::lang::sensitive::{Kind, NamedKinds, named_kinds};
use crate::source::{LanguageFamily, SourceFile};

/// A rule: what it is, how it maps to the standards, and its checks.
pub struct Rule {
    /// The public id, `family/name`. Never renamed without an alias.
    pub id: &'static str,
    pub severity: Severity,
    pub languages: &'static [LanguageFamily],
    /// One line for `authlint rules` and the SARIF short description.
    pub summary: &'static str,
    /// Markdown under the fixed headings (What it does, Why is this bad,
    /// Example, Use instead, Known problems, References).
    pub docs: &'static str,
    pub cwe: &'static [u32],
    pub owasp: &'static [&'static str],
    pub soc2: &'static [&'static str],
    pub pci_dss: &'static [&'static str],
    /// Words at least one of which (ASCII case ignored) a file must contain
    /// for the rule to have anything to find there. Files without any
    /// trigger of any enabled rule are not parsed at all. Empty: always run.
    pub triggers: &'static [&'static str],
    /// The rule's checks, one per kind of file it reads.
    pub checks: Checks,
}

/// A test of a file's text alone: may the rule find anything in it?
pub type Gate = fn(&GateInput<'_>) -> bool;

/// What a gate reads: a file's text, and what the names in it stand for,
/// worked out on first use and shared by every gate that asks about the
/// same file (one pass over the text, not one per rule).
pub struct GateInput<'t> {
    pub text: &'t str,
    named: std::cell::OnceCell<NamedKinds>,
}

impl<'t> GateInput<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            named: std::cell::OnceCell::new(),
        }
    }

    /// Whether a name or string of the text classifies as a credential
    /// kind that `accept` takes.
    pub fn names(&self, accept: impl Fn(Kind) -> bool) -> bool {
        self.named
            .get_or_init(|| named_kinds(self.text))
            .any(accept)
    }
}

/// A rule's check for each kind of file. Rules fill in what they cover and
/// leave the rest to `..Checks::NONE`, so a new kind of file touches only
/// this struct:
///
/// ```ignore
/// checks: Checks { js: Some(check_js), rust: Some(check_rust), ..Checks::NONE },
/// ```
#[derive(Clone, Copy)]
pub struct Checks {
    pub js: Option<fn(&JsFile<'_>, &mut Vec<Diagnostic>)>,
    pub rust: Option<fn(&RustFile<'_>, &mut Vec<Diagnostic>)>,
    pub openapi: Option<fn(&OpenApiFile<'_>, &mut Vec<Diagnostic>)>,
    /// Reads the text of every file the rule's languages cover, parsed or
    /// not (secrets): it runs on the same read as the parsers, and also
    /// when a parser gives up on the file.
    pub text: Option<fn(&SourceFile, &mut Vec<Diagnostic>)>,
    /// A finer test than the trigger words, run by the prefilter on files
    /// whose triggers matched: the rule runs on the file only if it returns
    /// true. It must hold wherever the checks could report something (the
    /// fixture harness runs every fixture without the prefilter too).
    pub gate: Option<Gate>,
}

impl Checks {
    pub const NONE: Self = Self {
        js: None,
        rust: None,
        openapi: None,
        text: None,
        gate: None,
    };

    pub fn is_empty(&self) -> bool {
        self.js.is_none() && self.rust.is_none() && self.openapi.is_none() && self.text.is_none()
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Rule {
    pub fn family(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }

    pub fn cwe_ids(&self) -> Vec<String> {
        self.cwe.iter().map(|id| format!("CWE-{id}")).collect()
    }
}

/// The headings every rule's documentation carries, in this order.
pub const DOC_HEADINGS: [&str; 6] = [
    "## What it does",
    "## Why is this bad",
    "## Example",
    "## Use instead",
    "## Known problems",
    "## References",
];

/// Every rule authlint knows, in catalogue order.
pub static ALL: &[&Rule] = &[
    &jwt::missing_algorithms::RULE,
    &jwt::none_algorithm::RULE,
    &jwt::algorithm_confusion::RULE,
    &jwt::decode_without_verify::RULE,
    &jwt::hardcoded_secret::RULE,
    &jwt::missing_claims_validation::RULE,
    &jwt::no_expiry::RULE,
    &password::weak_hash::RULE,
    &password::low_work_factor::RULE,
    &password::static_salt::RULE,
    &password::plaintext::RULE,
    &password::weak_policy::RULE,
    &secret::hardcoded_credential::RULE,
    &secret::known_key::RULE,
    &mfa::weak_otp::RULE,
    &crypto::timing_unsafe_compare::RULE,
    &crypto::insecure_randomness::RULE,
    &tls::verification_disabled::RULE,
    &session::insecure_cookie::RULE,
    &session::no_idle_timeout::RULE,
    &auth::basic_auth::RULE,
    &auth::credentials_in_url::RULE,
    &auth::credential_logged::RULE,
    &ratelimit::auth_route_unthrottled::RULE,
    &ratelimit::weak_limit::RULE,
    &openapi::missing_security::RULE,
    &openapi::basic_auth::RULE,
    &openapi::apikey_in_url::RULE,
    &openapi::insecure_transport::RULE,
    &openapi::weak_oauth_flow::RULE,
    // Reported by the suppression pass, not by checks; keep them last.
    &meta::unjustified_suppression::RULE,
    &meta::unused_suppression::RULE,
];

/// Rules that run only when selected by id (or by a flag that does so).
pub const OPT_IN: &[&str] = &["meta/unused-suppression"];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

/// Whether a selector (a rule id or a whole family such as `jwt`) names
/// at least one rule.
pub fn selector_is_known(selector: &str) -> bool {
    ALL.iter().any(|rule| selector_matches(selector, rule))
}

pub fn selector_matches(selector: &str, rule: &Rule) -> bool {
    let selector = selector.trim_end_matches('/');
    rule.id == selector || rule.family() == selector
}

/// When two rules describe the same expression, only the more specific one
/// reports. Each chain lists the most specific rule first.
const PRECEDENCE: &[&[&str]] = &[
    &[
        "jwt/none-algorithm",
        "jwt/algorithm-confusion",
        "jwt/missing-algorithms",
    ],
    &["password/plaintext", "crypto/timing-unsafe-compare"],
    &[
        "secret/known-key",
        "jwt/hardcoded-secret",
        "secret/hardcoded-credential",
    ],
];

fn precedence_rank(id: &str) -> Option<(usize, usize)> {
    PRECEDENCE.iter().enumerate().find_map(|(chain, ids)| {
        ids.iter()
            .position(|candidate| *candidate == id)
            .map(|rank| (chain, rank))
    })
}

/// Drops the less specific of two diagnostics on overlapping code, and exact
/// repeats (a literal reached from two calls is reported once).
pub fn resolve_overlaps(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.id, &a.message).cmp(&(
            b.range.start,
            b.range.end,
            b.rule.id,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|later, earlier| {
        later.rule.id == earlier.rule.id && later.range == earlier.range
    });
    let ranked: Vec<_> = diagnostics
        .iter()
        .map(|d| (precedence_rank(d.rule.id), d.range.clone()))
        .collect();
    let mut index = 0;
    diagnostics.retain(|_| {
        let (rank, range) = &ranked[index];
        index += 1;
        let Some((chain, rank)) = rank else {
            return true;
        };
        !ranked.iter().any(|(other, other_range)| {
            matches!(other, Some((other_chain, other_rank))
                if other_chain == chain && other_rank < rank)
                && other_range.start < range.end
                && range.start < other_range.end
        })
    });
}
