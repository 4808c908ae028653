//! Code review samples of token verification done right: a verify call
//! that pins one signed algorithm family and checks issuer and audience, and
//! a Rust `Validation` built with one algorithm and `set_issuer` /
//! `set_audience`. A call whose settings cannot be read is not a sample:
//! the auditor must be able to see the control in the snippet or the
//! constant it names.

use syn::Expr;

use super::rust_api::{algorithm_names, is_false};
use super::{AlgorithmFamily, Api, algorithm_family, jwt_calls, validations};
use crate::lang::js::{JsFile, Property, Value};
use crate::lang::rust::RustFile;
use crate::rules::samples::{Detector, Surface, Survey, Surveyor};

pub static PINNED_VERIFICATION: Detector = Detector {
    id: "jwt/pinned-verification",
    title: "JWT verification pins the algorithm and checks issuer and audience",
    controls: &["API2:2023", "CC6.1", "8.3.1", "8.3.2", "6.2.4"],
};

pub static PINNED_VALIDATION: Detector = Detector {
    id: "jwt/pinned-validation",
    title: "Rust `Validation` with one algorithm, `set_issuer` and `set_audience`",
    controls: &["API2:2023", "CC6.1", "8.3.1", "8.3.2", "6.2.4"],
};

pub const SURVEYOR: Surveyor = Surveyor {
    js: Some(survey_js),
    rust: Some(survey_rust),
    ..Surveyor::NONE
};

/// The algorithms of a list when they are all of one signed family.
fn one_signed_family(names: &[String]) -> bool {
    let families: Vec<Option<AlgorithmFamily>> =
        names.iter().map(|n| algorithm_family(n)).collect();
    match families.first() {
        Some(Some(first)) => {
            *first != AlgorithmFamily::Unsigned && families.iter().all(|f| *f == Some(*first))
        }
        _ => false,
    }
}

fn survey_js(file: &JsFile<'_>, survey: &mut Survey) {
    let calls = jwt_calls(file);
    if !calls.is_empty() {
        survey.saw(Surface::Jwt);
    }
    for call in calls {
        let Some(options) = call.verify_options(file) else {
            continue;
        };
        if matches!(call.api, Api::Decode) {
            continue;
        }
        let Some(list) = call.accepted_algorithms(file) else {
            continue;
        };
        let names: Vec<String> = list.names.iter().map(|(_, n)| n.clone()).collect();
        // Every element must be a readable string: `[ALG, other]` with an
        // unknown `other` proves nothing.
        if names.len()
            != file
                .model
                .array_elements(list_array(file, list.expression))
                .len()
            || !one_signed_family(&names)
        {
            continue;
        }
        let (audience, issuer) = match call.api {
            Api::FastifyPlugin => ("allowedAud", "allowedIss"),
            _ => ("audience", "issuer"),
        };
        let set = |key| matches!(options.property(file, key), Property::Set(_));
        let ignores_expiry = matches!(
            options.property(file, "ignoreExpiration"),
            Property::Set(value) if !matches!(file.model.value(value), Value::Bool(false))
        );
        if !set(issuer) || !set(audience) || ignores_expiry {
            continue;
        }
        let origin = call.options_origin(file);
        survey.exhibit(
            &PINNED_VERIFICATION,
            call.node.byte_range(),
            format!(
                "{} accepts only {} and checks `{issuer}` and `{audience}`, set in {origin}",
                call.callee,
                names.join(", "),
            ),
        );
    }
}

/// The array node behind an `algorithms` expression (a constant or inline).
fn list_array<'t>(file: &JsFile<'t>, expression: tree_sitter::Node<'t>) -> tree_sitter::Node<'t> {
    match file.model.value(expression) {
        Value::Array(array) => array,
        _ => expression,
    }
}

fn survey_rust(file: &RustFile<'_>, survey: &mut Survey) {
    let found = validations(file);
    let uses_api = file.model.functions.iter().any(|body| {
        body.calls.iter().any(|call| {
            matches!(call.func.as_ref(), Expr::Path(p)
                if ["encode", "decode"].iter().any(|f| file.model.path_is(&p.path, "jsonwebtoken", &[f])))
        })
    });
    if !found.is_empty() || uses_api {
        survey.saw(Surface::Jwt);
    }
    for validation in found {
        if validation.borrowed {
            continue;
        }
        let algorithms = match validation.field("algorithms") {
            Some((list, _)) => algorithm_names(file, validation.body, list),
            None => validation
                .algorithm_argument
                .map(|a| algorithm_names(file, validation.body, a))
                .unwrap_or_default(),
        };
        let names: Vec<String> = algorithms.into_iter().map(|(n, _)| n).collect();
        let turned_off = ["validate_exp", "validate_signature", "validate_aud"]
            .iter()
            .any(|f| validation.field(f).is_some_and(|(v, _)| is_false(v)));
        let insecure = validation.calls_method("insecure_disable_signature_validation")
            || validation
                .calls
                .iter()
                .any(|(m, _, _)| m.starts_with("algorithms."))
            || validation
                .calls
                .iter()
                .any(|(m, _, _)| m.starts_with("required_spec_claims."));
        let checks_claims =
            validation.calls_method("set_issuer") && validation.calls_method("set_audience");
        if names.len() != 1
            || !one_signed_family(&names)
            || turned_off
            || insecure
            || !checks_claims
        {
            continue;
        }
        let end = validation
            .calls
            .iter()
            .map(|(_, _, range)| range.end)
            .chain(validation.fields.iter().map(|(_, _, range)| range.end))
            .chain(std::iter::once(validation.range.end))
            .max()
            .unwrap_or(validation.range.end);
        survey.exhibit(
            &PINNED_VALIDATION,
            validation.range.start..end,
            format!(
                "`Validation` in `{}` accepts only {} and sets issuer and audience",
                validation.body.name, names[0]
            ),
        );
    }
}
