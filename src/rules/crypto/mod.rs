//! Comparison and randomness rules for secrets: what they share is telling
//! a comparison of two secret values from a presence or type check, in both
//! languages.

pub mod insecure_randomness;
pub mod samples;
pub mod timing_unsafe_compare;

use syn::Expr;
use tree_sitter::Node;

use crate::lang::js::{FieldAccess, JsFile, Value, unwrap_expression};
use crate::lang::sensitive::CREDENTIAL_TRIGGERS;

/// The trigger words of the comparison rules: every credential name.
pub const COMPARE_TRIGGERS: &[&str] = CREDENTIAL_TRIGGERS;

/// Whether one side of a JavaScript comparison is a literal, a presence or
/// type check, a length or a constant that is not a secret: `null`,
/// `undefined`, `''`, `'Bearer'`, `typeof x`, `x.length`, `0`, `true`.
pub fn is_trivial_js(file: &JsFile<'_>, node: Node<'_>) -> bool {
    let node = unwrap_expression(node);
    match node.kind() {
        "string" | "number" | "true" | "false" | "null" | "undefined" | "regex" => return true,
        "template_string" => {
            let mut cursor = node.walk();
            return !node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution");
        }
        "unary_expression" => return true,
        _ => {}
    }
    matches!(
        file.model.value(node),
        Value::Null | Value::Undefined | Value::Bool(_) | Value::Number(_)
    ) || file.model.value(node).as_str().is_some_and(str::is_empty)
}

/// The Rust counterpart: literals, `None`, `.len()`, `.is_empty()`, a
/// `const` number.
pub fn is_trivial_rust(expression: &Expr) -> bool {
    match expression {
        Expr::Lit(_) => true,
        Expr::Path(path) => path.path.is_ident("None"),
        Expr::Reference(inner) => is_trivial_rust(&inner.expr),
        Expr::Paren(inner) => is_trivial_rust(&inner.expr),
        Expr::MethodCall(call) => matches!(
            call.method.to_string().as_str(),
            "len" | "is_empty" | "is_some" | "is_none" | "count"
        ),
        _ => false,
    }
}

/// Whether a comparison pairs the same field of two objects
/// (`this.token === other.token`, `self.code == other.code`): an equality
/// method comparing records, not a check of a secret.
pub fn is_field_by_field_js<'t>(file: &JsFile<'t>, left: Node<'t>, right: Node<'t>) -> bool {
    let property = |node: Node<'t>| -> Option<&'t str> {
        let node = unwrap_expression(node);
        (node.kind() == "member_expression")
            .then(|| node.field("property").map(|p| file.text(p)))
            .flatten()
    };
    matches!((property(left), property(right)), (Some(a), Some(b)) if a == b)
}

/// The Rust counterpart of [`is_field_by_field_js`].
pub fn is_field_by_field_rust(left: &Expr, right: &Expr) -> bool {
    fn field(expression: &Expr) -> Option<&syn::Member> {
        match expression {
            Expr::Field(field) => Some(&field.member),
            Expr::Reference(inner) => field(&inner.expr),
            Expr::Paren(inner) => field(&inner.expr),
            _ => None,
        }
    }
    matches!((field(left), field(right)), (Some(a), Some(b)) if a == b)
}
