//! Field access by name without tree-sitter's name lookup.
//!
//! `Node::child_by_field_name` finds the field's id by comparing the name
//! with every field name of the grammar, on every call; with hundreds of
//! calls per file that string comparison was a fifth of a scan's time. The
//! names the rules ask for are string literals, so the id is looked up once
//! per thread, grammar and literal, and reused.

use std::cell::RefCell;
use std::num::NonZeroU16;

use tree_sitter::{Language, Node};

/// A field name as a rule spells it: the literal's address and length.
type NameKey = (usize, usize);

thread_local! {
    /// Field ids by grammar and name. A few dozen entries at most (three
    /// grammars, the fields the rules use), so a list searched from the
    /// front beats hashing; grammars compare by the address of their table.
    static FIELD_IDS: RefCell<Vec<(Language, NameKey, Option<NonZeroU16>)>> =
        const { RefCell::new(Vec::new()) };
}

pub trait FieldAccess<'t> {
    /// The child in the field `name` (a literal), as
    /// `child_by_field_name` would find it.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> FieldAccess<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language();
        let key = (name.as_ptr() as usize, name.len());
        let id = FIELD_IDS.with_borrow_mut(|ids| {
            if let Some((_, _, id)) = ids.iter().find(|(g, k, _)| g == &*language && *k == key) {
                return *id;
            }
            let id = language.field_id_for_name(name);
            ids.push(((*language).clone(), key, id));
            id
        })?;
        self.child_by_field_id(id.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_same_child_as_the_name_lookup() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_javascript::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse("a.b(c === d);", None).unwrap();
        let call = tree.root_node().child(0).unwrap().child(0).unwrap();
        assert_eq!(call.kind(), "call_expression");
        for name in ["function", "arguments", "object", "nonexistent"] {
            assert_eq!(call.field(name), call.child_by_field_name(name), "{name}");
        }
        let member = call.field("function").unwrap();
        assert_eq!(
            member.field("property").map(|p| p.kind()),
            Some("property_identifier")
        );
    }
}
