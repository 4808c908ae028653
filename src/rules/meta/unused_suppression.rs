//! `meta/unused-suppression`: an inline suppression that suppresses
//! nothing. Off unless `--report-unused-suppressions` (or `--select`) asks
//! for it.

use crate::finding::Severity;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "meta/unused-suppression",
    severity: Severity::Low,
    // Suppression comments are read in every file, whatever its language.
    languages: &[LanguageFamily::Js, LanguageFamily::Rs, LanguageFamily::Any],
    summary: "Inline suppression that no longer suppresses any finding",
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
Reports each rule named in an `authlint-ignore` comment that suppressed no
finding on its line (or the line below, for a comment on a line of its own).
It runs only when asked for, with `--report-unused-suppressions` or
`--select meta/unused-suppression`, and only for rules that ran on the file:
a suppression of a rule switched off by `--ignore` or the configuration is
not reported.

## Why is this bad
Code changes, and the finding a suppression was written for goes away or
moves to another line. The stale comment stays in the exception register
the evidence report prints, and it will silently hide the next finding of
that rule on that line, which nobody reviewed.

## Example
```js
// authlint-ignore jwt/missing-algorithms -- legacy HS256 tokens
const claims = jwt.verify(token, key, { algorithms: ['RS256'] });
```

## Use instead
```js
const claims = jwt.verify(token, key, { algorithms: ['RS256'] });
```

## Known problems
A file that could not be parsed reports no unused suppressions, since its
rules did not run. Suppressions of rules whose files the scan skipped (by
path or configuration) are not looked at.

## References
- PCI DSS v4.0.1 requirement 6.2.3: bespoke software is reviewed before release
- SOC 2 CC8.1: changes are authorised, documented and approved
";
