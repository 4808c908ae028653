//! Code review samples of one-time codes checked over a narrow window:
//! `speakeasy` and `otpauth` verification with `window` at most one step
//! (or the library default, which is narrower), and Rust `totp_rs::TOTP`
//! built with six digits or more and a `skew` of at most one.

use syn::Expr;

use crate::lang::js::{JsFile, Property, call_arguments};
use crate::lang::rust::RustFile;
use crate::rules::password::count;
use crate::rules::password::thresholds::{OTP_MAX_WINDOW, OTP_MIN_DIGITS};
use crate::rules::samples::{Detector, Surface, Survey, Surveyor};

pub static NARROW_OTP_WINDOW: Detector = Detector {
    id: "mfa/narrow-otp-window",
    title: "One-time codes verified with a window of at most one step",
    controls: &["CC6.1", "8.4.x", "8.5.1"],
};

pub const SURVEYOR: Surveyor = Surveyor {
    js: Some(survey_js),
    rust: Some(survey_rust),
    ..Surveyor::NONE
};

const OTP_MODULES: &[&str] = &["speakeasy", "otplib", "otpauth", "@otplib/core", "node-2fa"];

fn survey_js(file: &JsFile<'_>, survey: &mut Survey) {
    for &call in &file.model.calls {
        let Some(path) = file.model.callee_path(call) else {
            continue;
        };
        if OTP_MODULES.contains(&path.module.as_str()) {
            survey.saw(Surface::OneTimeCodes);
        }
        let members = path.members_without_default();
        // speakeasy's default window is 0, otpauth's is 1.
        let verifies = matches!(
            (path.module.as_str(), members.as_slice()),
            ("speakeasy", ["totp", "verify" | "verifyDelta"]) | ("otpauth", ["TOTP", "validate"])
        );
        if !verifies {
            continue;
        }
        let Some(options) = call_arguments(call)
            .first()
            .and_then(|o| file.model.object(*o))
        else {
            continue;
        };
        let window = match file.model.property(options, "window") {
            Property::Missing => None,
            Property::Set(value) => match file.model.value(value).as_number().and_then(count) {
                Some(window) if window <= OTP_MAX_WINDOW => Some(window),
                _ => continue,
            },
            Property::Unknown => continue,
        };
        let callee = call
            .child_by_field_name("function")
            .map_or(String::new(), |f| file.text(f).to_string());
        let how = window.map_or_else(
            || "the library's default window".to_string(),
            |w| format!("`window: {w}`"),
        );
        survey.exhibit(
            &NARROW_OTP_WINDOW,
            call.byte_range(),
            format!("`{callee}` checks the code with {how}"),
        );
    }
}

fn survey_rust(file: &RustFile<'_>, survey: &mut Survey) {
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = file.model.resolve(&function.path, &["totp_rs"]);
            if path.first().is_some_and(|c| c == "totp_rs") {
                survey.saw(Surface::OneTimeCodes);
            }
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            if !matches!(strs.as_slice(), ["totp_rs", .., "TOTP", "new"]) {
                continue;
            }
            let value = |i: usize| {
                call.args
                    .iter()
                    .nth(i)
                    .and_then(|a| crate::rules::password::rust_int(file, body, a))
            };
            if let (Some(digits), Some(skew)) = (value(1), value(2))
                && digits >= OTP_MIN_DIGITS
                && skew <= OTP_MAX_WINDOW
            {
                survey.exhibit(
                    &NARROW_OTP_WINDOW,
                    file.range(*call),
                    format!(
                        "`TOTP::new` makes {digits}-digit codes and accepts a skew of {skew} step"
                    ),
                );
            }
        }
    }
}
