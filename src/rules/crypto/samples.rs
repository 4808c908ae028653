//! Code review samples of secrets compared in constant time: Node's
//! `crypto.timingSafeEqual`, Rust `subtle::ConstantTimeEq::ct_eq`, the
//! `constant_time_eq` crate and `openssl::memcmp::eq`, each recognised
//! through the import it comes from.

use syn::Expr;

use crate::lang::js::JsFile;
use crate::lang::rust::RustFile;
use crate::rules::samples::{Detector, Survey, Surveyor};

pub static CONSTANT_TIME_COMPARE: Detector = Detector {
    id: "crypto/constant-time-compare",
    title: "Secrets compared in constant time",
    controls: &["CC6.1", "6.2.4"],
};

pub const SURVEYOR: Surveyor = Surveyor {
    js: Some(survey_js),
    rust: Some(survey_rust),
    ..Surveyor::NONE
};

fn survey_js(file: &JsFile<'_>, survey: &mut Survey) {
    for &call in &file.model.calls {
        let Some(path) = file.model.callee_path(call) else {
            continue;
        };
        let module = path.module.strip_prefix("node:").unwrap_or(&path.module);
        if module == "crypto" && path.members_without_default() == ["timingSafeEqual"] {
            let callee = call
                .child_by_field_name("function")
                .map_or("timingSafeEqual", |f| file.text(f));
            survey.exhibit(
                &CONSTANT_TIME_COMPARE,
                call.byte_range(),
                format!(
                    "`{callee}` (`crypto.timingSafeEqual`) compares the values in constant time"
                ),
            );
        }
    }
}

fn survey_rust(file: &RustFile<'_>, survey: &mut Survey) {
    let imports_subtle = syn::parse_str::<syn::Path>("ConstantTimeEq").is_ok_and(|trait_path| {
        file.model
            .path_is(&trait_path, "subtle", &["ConstantTimeEq"])
    });
    for body in &file.model.functions {
        for call in &body.method_calls {
            if imports_subtle && call.method == "ct_eq" {
                survey.exhibit(
                    &CONSTANT_TIME_COMPARE,
                    file.range(*call),
                    "`ct_eq` (`subtle::ConstantTimeEq`) compares the values in constant time",
                );
            }
        }
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = file
                .model
                .resolve(&function.path, &["constant_time_eq", "openssl"]);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            let what = match strs.as_slice() {
                ["constant_time_eq", name] if name.starts_with("constant_time_eq") => {
                    format!("`constant_time_eq::{name}`")
                }
                ["openssl", "memcmp", "eq"] => "`openssl::memcmp::eq`".to_string(),
                _ => continue,
            };
            survey.exhibit(
                &CONSTANT_TIME_COMPARE,
                file.range(*call),
                format!("{what} compares the values in constant time"),
            );
        }
    }
}
