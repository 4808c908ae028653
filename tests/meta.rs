//! Checks on the catalogue itself: every rule is documented under the fixed
//! headings, and ids are unique and well formed.

use std::collections::HashSet;

use authlint::rules::{self, DOC_HEADINGS};

#[test]
fn every_rule_is_documented_under_every_heading() {
    for rule in rules::ALL {
        let mut last = 0;
        for heading in DOC_HEADINGS {
            let at = rule
                .docs
                .find(heading)
                .unwrap_or_else(|| panic!("{} has no `{heading}` section", rule.id));
            assert!(at >= last, "{}: `{heading}` is out of order", rule.id);
            last = at;
        }
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summaries end without a period",
            rule.id
        );
    }
}

#[test]
fn rule_ids_are_unique_and_carry_their_mapping() {
    let mut seen = HashSet::new();
    for rule in rules::ALL {
        assert!(seen.insert(rule.id), "{} is registered twice", rule.id);
        let (family, name) = rule.id.split_once('/').expect("ids are family/name");
        assert!(!family.is_empty() && !name.is_empty());
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            rule.id
        );
        assert!(
            !rule.soc2.is_empty() && !rule.pci_dss.is_empty(),
            "{}",
            rule.id
        );
        // Meta rules judge authlint's own suppression comments: no weakness
        // to map, and the suppression pass reports them instead of a check.
        if family == rules::meta::FAMILY {
            assert!(
                rule.checks.is_empty(),
                "{} is reported, not checked",
                rule.id
            );
            continue;
        }
        assert!(!rule.cwe.is_empty(), "{} maps to no CWE", rule.id);
        assert_eq!(rule.owasp, ["API2:2023"], "{}", rule.id);
        assert!(!rule.checks.is_empty(), "{} checks nothing", rule.id);
    }
}

/// The README's rule table is written by hand; this keeps it honest.
#[test]
fn the_readme_lists_every_rule_with_its_severity() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in rules::ALL {
        let languages: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
        let row = format!(
            "| `{}` | {} | {} |",
            rule.id,
            rule.severity.name(),
            languages.join(", ")
        );
        assert!(
            readme.contains(&row),
            "README.md has no row starting `{row}`"
        );
    }
}
