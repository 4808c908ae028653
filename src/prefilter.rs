//! Deciding from a file's bytes alone which rules can find anything in it.
//! One Aho-Corasick pass over the text looks for every enabled rule's
//! trigger words; a file with none of them is never parsed. This is where
//! most of a scan's speed comes from: in a dependency tree, few files
//! mention a JWT library at all. A rule whose trigger words are common
//! (`password`, `token`) adds a gate, a finer test of the text, which runs
//! only where its words occur.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::{Gate, GateInput, Rule};

pub struct Prefilter {
    /// One automaton per distinct list of trigger words (a family's rules
    /// share theirs).
    automata: Vec<AhoCorasick>,
    /// Per rule, the automaton of its trigger words; `None` for rules that
    /// run on every file (no triggers, or the prefilter disabled).
    automaton_of: Vec<Option<usize>>,
    /// Per rule, its gate, when the prefilter is enabled.
    gates: Vec<Option<Gate>>,
}

impl Prefilter {
    /// A prefilter for these rules; `enabled = false` lets every rule run on
    /// every file (for checking that the prefilter changes no result).
    ///
    /// Each list of trigger words is asked only whether any of its words
    /// occurs: that search stops at the first hit, where one automaton for
    /// all words would have to report every overlapping match of every
    /// word (`pass` in every `password`) through the whole file.
    pub fn new(rules: &[&'static Rule], enabled: bool) -> Self {
        let mut lists: Vec<&'static [&'static str]> = Vec::new();
        let mut automata = Vec::new();
        let mut automaton_of = Vec::with_capacity(rules.len());
        for rule in rules {
            if !enabled || rule.triggers.is_empty() {
                automaton_of.push(None);
                continue;
            }
            if let Some(index) = lists.iter().position(|l| *l == rule.triggers) {
                automaton_of.push(Some(index));
                continue;
            }
            lists.push(rule.triggers);
            automata.push(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(rule.triggers)
                    .expect("trigger words are plain literals"),
            );
            automaton_of.push(Some(automata.len() - 1));
        }
        let gates = rules
            .iter()
            .map(|rule| rule.checks.gate.filter(|_| enabled))
            .collect();
        Self {
            automata,
            automaton_of,
            gates,
        }
    }

    /// Which rules may find something in this text, by index.
    pub fn applicable(&self, text: &str) -> Vec<bool> {
        let found: Vec<bool> = self.automata.iter().map(|a| a.is_match(text)).collect();
        let input = GateInput::new(text);
        self.automaton_of
            .iter()
            .zip(&self.gates)
            .map(|(automaton, gate)| {
                let triggered = automaton.is_none_or(|index| found[index]);
                triggered && gate.is_none_or(|gate| gate(&input))
            })
            .collect()
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
