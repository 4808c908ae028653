//! Code review samples from `OpenAPI` contracts: a global security
//! requirement that every operation inherits, and operations that declare
//! their own.

use crate::lang::openapi::{Node, OpenApiFile};
use crate::rules::samples::{Detector, Surface, Survey, Surveyor};

pub static DECLARED_SECURITY: Detector = Detector {
    id: "openapi/declared-security",
    title: "API operations that declare a security requirement",
    controls: &["API2:2023", "CC6.1", "8.3.1"],
};

pub const SURVEYOR: Surveyor = Surveyor {
    openapi: Some(survey),
    ..Surveyor::NONE
};

/// The schemes a `security` list requires, when every requirement names
/// at least one (an empty `{}` allows anonymous access).
fn required_schemes(list: &Node) -> Option<Vec<&str>> {
    let requirements = list.items();
    if requirements.is_empty() || requirements.iter().any(|r| r.entries().is_empty()) {
        return None;
    }
    let mut names: Vec<&str> = requirements
        .iter()
        .flat_map(|r| r.entries().iter().map(|e| e.key.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    Some(names)
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn survey(file: &OpenApiFile<'_>, survey: &mut Survey) {
    survey.saw(Surface::OpenApi);
    let operations = file.operations();
    if let Some(entry) = file.root.entry("security")
        && let Some(names) = required_schemes(&entry.value)
    {
        let inheriting = operations
            .iter()
            .filter(|op| op.node.get("security").is_none())
            .count();
        survey.exhibit(
            &DECLARED_SECURITY,
            entry.key_range.start..entry.value.range.end,
            format!(
                "the global `security` requires {}; {inheriting} of {} operations inherit it",
                quoted(&names),
                operations.len()
            ),
        );
    }
    for operation in &operations {
        let Some(entry) = operation.node.entry("security") else {
            continue;
        };
        if let Some(names) = required_schemes(&entry.value) {
            survey.exhibit(
                &DECLARED_SECURITY,
                entry.key_range.start..entry.value.range.end,
                format!(
                    "`{} {}` requires {}",
                    operation.method.to_ascii_uppercase(),
                    operation.path,
                    quoted(&names)
                ),
            );
        }
    }
}
