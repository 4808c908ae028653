//! `meta/unjustified-suppression`: an inline suppression without a reason,
//! or one that names a rule authlint does not know.

use crate::finding::Severity;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "meta/unjustified-suppression",
    severity: Severity::Low,
    // Suppression comments are read in every file, whatever its language.
    languages: &[LanguageFamily::Js, LanguageFamily::Rs, LanguageFamily::Any],
    summary: "Inline suppression without a reason or naming an unknown rule",
    docs: DOCS,
    cwe: &[],
    owasp: &[],
    soc2: &["CC8.1"],
    pci_dss: &["6.2.3"],
    // Only comments with this marker can be reported.
    triggers: &["authlint-ignore"],
    checks: Checks::NONE,
};

const DOCS: &str = r"
## What it does
Flags `authlint-ignore` comments that do not say why the finding is
acceptable (nothing after `--`), that name no rule, or that name a rule or
family authlint does not know (usually a typo, so the suppression would
silently do nothing). Such a comment suppresses nothing: the finding it was
meant for is reported as well.

## Why is this bad
A suppression is a documented exception to a security control. Auditors
(PCI DSS 6.2.3 code review, SOC 2 CC8.1 change management) ask who accepted
the risk and why; a bare ignore comment answers neither, and a misspelt rule
id hides nothing while looking as if it did.

## Example
```js
// authlint-ignore jwt/missing-algorithms
const claims = jwt.verify(token, key);
```

## Use instead
```js
// authlint-ignore jwt/missing-algorithms -- key is an HS256 secret from the vault, jsonwebtoken 9 pins its family
const claims = jwt.verify(token, key);
```

## Known problems
The reason is free text: any explanation with a letter or digit in it is
accepted. In JavaScript, TypeScript and Rust a lexer finds the comments; in
other text files they are found line by line, so a `#` line inside a YAML
block scalar (`|`) is read as a comment. Documentation files (Markdown,
reStructuredText, plain text) have no suppressions at all; use
`[per-path-ignores]` in `authlint.toml` for them. Findings of the meta rules
themselves cannot be suppressed inline.

## References
- PCI DSS v4.0.1 requirement 6.2.3: bespoke software is reviewed before release
- SOC 2 CC8.1: changes are authorised, documented and approved
";
