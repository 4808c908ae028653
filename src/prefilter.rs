//! Deciding from a file's bytes alone which rules can find anything in it.
//! One Aho-Corasick pass over the text looks for every enabled rule's
//! trigger words; a file with none of them is never parsed. This is where
//! most of a scan's speed comes from: in a dependency tree, few files
//! mention a JWT library at all.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::Rule;

pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    /// For each pattern, the rules (indices into the rule list) it triggers.
    rules_of_pattern: Vec<Vec<usize>>,
    /// Rules without triggers, which run on every file.
    always: Vec<usize>,
    rule_count: usize,
}

impl Prefilter {
    /// A prefilter for these rules; `enabled = false` lets every rule run on
    /// every file (for checking that the prefilter changes no result).
    pub fn new(rules: &[&'static Rule], enabled: bool) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut rules_of_pattern: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if !enabled || rule.triggers.is_empty() {
                always.push(index);
                continue;
            }
            for trigger in rule.triggers {
                let lower = trigger.to_ascii_lowercase();
                if let Some(existing) = patterns.iter().position(|p| *p == lower) {
                    rules_of_pattern[existing].push(index);
                } else {
                    patterns.push(lower);
                    rules_of_pattern.push(vec![index]);
                }
            }
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("trigger words are plain literals")
        });
        Self {
            automaton,
            rules_of_pattern,
            always,
            rule_count: rules.len(),
        }
    }

    /// Which rules may find something in this text, by index.
    pub fn applicable(&self, text: &str) -> Vec<bool> {
        let mut applicable = vec![false; self.rule_count];
        for &index in &self.always {
            applicable[index] = true;
        }
        let Some(automaton) = &self.automaton else {
            return applicable;
        };
        let mut seen = vec![false; self.rules_of_pattern.len()];
        let mut remaining = seen.len();
        for found in automaton.find_overlapping_iter(text) {
            let pattern = found.pattern().as_usize();
            if seen[pattern] {
                continue;
            }
            seen[pattern] = true;
            for &rule in &self.rules_of_pattern[pattern] {
                applicable[rule] = true;
            }
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
        applicable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn triggers_match_without_regard_to_case() {
        // Meta rules are reported by the suppression pass, never prefiltered.
        let all: Vec<&'static Rule> = rules::ALL
            .iter()
            .copied()
            .filter(|r| r.family() != rules::meta::FAMILY)
            .collect();
        let prefilter = Prefilter::new(&all, true);
        let applicable = prefilter.applicable("import { JwtService } from '@nestjs/jwt'");
        for (rule, applies) in all.iter().zip(&applicable) {
            let expected = rule.family() == "jwt" || rule.triggers.is_empty();
            assert_eq!(*applies, expected, "{}", rule.id);
        }
        let applicable = prefilter.applicable("const x = require('lodash');");
        for (rule, applies) in all.iter().zip(&applicable) {
            assert_eq!(*applies, rule.triggers.is_empty(), "{}", rule.id);
        }
        let disabled = Prefilter::new(&all, false);
        assert!(disabled.applicable("nothing here").iter().all(|a| *a));
    }
}
