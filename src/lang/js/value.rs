//! What an expression holds, as far as one file tells: literals, same-file
//! constants, object and array literals, environment reads and their
//! literal fallbacks. Anything else is [`Value::Unknown`], and rules that
//! cannot decide stay silent.

use tree_sitter::Node;

use super::model::{Binding, MAX_RESOLUTION_DEPTH, Model, string_literal};
use super::unwrap_expression;
use crate::lang::js::FieldAccess;

#[derive(Debug, Clone)]
pub enum Value<'t> {
    /// A string, with the literal node it was written as.
    Str {
        text: String,
        node: Node<'t>,
    },
    Number(f64),
    Bool(bool),
    Null,
    Undefined,
    /// An object literal (the `object` node).
    Object(Node<'t>),
    /// An array literal (the `array` node).
    Array(Node<'t>),
    Function(Node<'t>),
    /// `process.env.X` and the like.
    Env(Node<'t>),
    /// `process.env.X || 'literal'`: the literal ships as the value
    /// whenever the variable is unset.
    Fallback(Box<Value<'t>>),
    Unknown,
}

impl Value<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// The outcome of looking up a key in an object literal.
#[derive(Debug, Clone, Copy)]
pub enum Property<'t> {
    /// The key is set; the node is its value expression.
    Set(Node<'t>),
    /// The object certainly has no such key.
    Missing,
    /// A spread of something unknown could set it.
    Unknown,
}

impl<'t> Model<'t> {
    /// What an expression holds.
    pub fn value(&self, expression: Node<'t>) -> Value<'t> {
        self.value_at_depth(expression, 0)
    }

    fn value_at_depth(&self, expression: Node<'t>, depth: usize) -> Value<'t> {
        if depth > MAX_RESOLUTION_DEPTH {
            return Value::Unknown;
        }
        let expression = unwrap_expression(expression);
        let text = expression.utf8_text(self.text.as_bytes()).unwrap_or("");
        match expression.kind() {
            "string" => Value::Str {
                text: string_literal(text),
                node: expression,
            },
            "template_string" => {
                let mut cursor = expression.walk();
                let has_substitution = expression
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "template_substitution");
                if has_substitution {
                    Value::Unknown
                } else {
                    Value::Str {
                        text: string_literal(text),
                        node: expression,
                    }
                }
            }
            "number" => parse_number(text).map_or(Value::Unknown, Value::Number),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "undefined" => Value::Undefined,
            "object" => Value::Object(expression),
            "array" => Value::Array(expression),
            "arrow_function" | "function_expression" | "function" => Value::Function(expression),
            "unary_expression" => self.unary_value(expression, depth),
            "identifier" | "shorthand_property_identifier" => {
                if text == "undefined" {
                    return Value::Undefined;
                }
                self.identifier_value(text, expression, depth)
            }
            "member_expression" | "subscript_expression" => {
                if self.is_env_read(expression) {
                    return Value::Env(expression);
                }
                self.member_value(expression, depth)
            }
            "binary_expression" => self.binary_value(expression, depth),
            _ => Value::Unknown,
        }
    }

    fn unary_value(&self, expression: Node<'t>, depth: usize) -> Value<'t> {
        let (Some(operator), Some(argument)) =
            (expression.field("operator"), expression.field("argument"))
        else {
            return Value::Unknown;
        };
        match (operator.kind(), self.value_at_depth(argument, depth + 1)) {
            ("-", Value::Number(n)) => Value::Number(-n),
            ("!", Value::Number(n)) => Value::Bool(n == 0.0),
            ("!", Value::Bool(b)) => Value::Bool(!b),
            _ => Value::Unknown,
        }
    }

    fn identifier_value(&self, name: &str, at: Node<'t>, depth: usize) -> Value<'t> {
        match self.binding(name, at) {
            Some(Binding::Value(value)) => self.value_at_depth(*value, depth + 1),
            Some(Binding::Declared(node)) if node.kind().contains("function") => {
                Value::Function(*node)
            }
            Some(Binding::Destructured {
                source,
                key,
                default,
            }) => {
                let from_source = if self.is_env_object(*source) {
                    Value::Env(*source)
                } else {
                    match self.value_at_depth(*source, depth + 1) {
                        Value::Object(object) => match self.property(object, key) {
                            Property::Set(value) => self.value_at_depth(value, depth + 1),
                            Property::Missing => Value::Undefined,
                            Property::Unknown => Value::Unknown,
                        },
                        _ => Value::Unknown,
                    }
                };
                match (from_source, default) {
                    (Value::Undefined, Some(default)) => self.value_at_depth(*default, depth + 1),
                    (Value::Env(_) | Value::Unknown, Some(default)) => {
                        match self.value_at_depth(*default, depth + 1) {
                            literal @ Value::Str { .. } => Value::Fallback(Box::new(literal)),
                            _ => Value::Unknown,
                        }
                    }
                    (value, _) => value,
                }
            }
            _ => Value::Unknown,
        }
    }

    fn member_value(&self, expression: Node<'t>, depth: usize) -> Value<'t> {
        let Some(object) = expression.field("object") else {
            return Value::Unknown;
        };
        let key = match expression.kind() {
            "member_expression" => expression
                .field("property")
                .map(|p| p.utf8_text(self.text.as_bytes()).unwrap_or("").to_string()),
            _ => expression.field("index").and_then(|index| {
                self.value_at_depth(index, depth + 1)
                    .as_str()
                    .map(str::to_string)
            }),
        };
        let Some(key) = key else {
            return Value::Unknown;
        };
        match self.value_at_depth(object, depth + 1) {
            Value::Object(object) => match self.property(object, &key) {
                Property::Set(value) => self.value_at_depth(value, depth + 1),
                Property::Missing => Value::Undefined,
                Property::Unknown => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    fn binary_value(&self, expression: Node<'t>, depth: usize) -> Value<'t> {
        let (Some(left), Some(operator), Some(right)) = (
            expression.field("left"),
            expression.field("operator"),
            expression.field("right"),
        ) else {
            return Value::Unknown;
        };
        let left_value = self.value_at_depth(left, depth + 1);
        match operator.kind() {
            "||" | "??" => match left_value {
                Value::Env(_) | Value::Unknown | Value::Fallback(_) => {
                    match self.value_at_depth(right, depth + 1) {
                        literal @ Value::Str { .. } => Value::Fallback(Box::new(literal)),
                        Value::Fallback(inner) => Value::Fallback(inner),
                        _ => Value::Unknown,
                    }
                }
                Value::Str { ref text, .. } if operator.kind() == "||" && text.is_empty() => {
                    self.value_at_depth(right, depth + 1)
                }
                Value::Null | Value::Undefined => self.value_at_depth(right, depth + 1),
                known => known,
            },
            "+" => match (left_value, self.value_at_depth(right, depth + 1)) {
                (Value::Str { text: a, node }, Value::Str { text: b, .. }) => {
                    Value::Str { text: a + &b, node }
                }
                (Value::Number(a), Value::Number(b)) => Value::Number(a + b),
                _ => Value::Unknown,
            },
            "*" => match (left_value, self.value_at_depth(right, depth + 1)) {
                (Value::Number(a), Value::Number(b)) => Value::Number(a * b),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// Looks a key up in an object literal, following spreads of same-file
    /// objects. Later entries win, as at run time.
    pub fn property(&self, object: Node<'t>, key: &str) -> Property<'t> {
        self.property_at_depth(object, key, 0)
    }

    fn property_at_depth(&self, object: Node<'t>, key: &str, depth: usize) -> Property<'t> {
        if depth > MAX_RESOLUTION_DEPTH {
            return Property::Unknown;
        }
        let mut state = Property::Missing;
        let mut cursor = object.walk();
        for entry in object.named_children(&mut cursor) {
            match entry.kind() {
                "pair" => {
                    let Some(entry_key) = entry.field("key") else {
                        continue;
                    };
                    match self.key_name(entry_key) {
                        Some(name) if name == key => {
                            if let Some(value) = entry.field("value") {
                                state = Property::Set(value);
                            }
                        }
                        Some(_) => {}
                        None => state = Property::Unknown,
                    }
                }
                "shorthand_property_identifier"
                    if entry.utf8_text(self.text.as_bytes()).ok() == Some(key) =>
                {
                    state = Property::Set(entry);
                }
                "method_definition" => {
                    let name = entry
                        .field("name")
                        .and_then(|n| n.utf8_text(self.text.as_bytes()).ok());
                    if name == Some(key) {
                        state = Property::Set(entry);
                    }
                }
                "spread_element" => {
                    let inner = entry
                        .named_child(0)
                        .map(|spread| self.value_at_depth(spread, depth + 1));
                    match inner {
                        Some(Value::Object(inner)) => {
                            match self.property_at_depth(inner, key, depth + 1) {
                                Property::Missing => {}
                                found => state = found,
                            }
                        }
                        _ => state = Property::Unknown,
                    }
                }
                _ => {}
            }
        }
        state
    }

    /// Resolves an options argument to an object literal, if it is one.
    pub fn object(&self, expression: Node<'t>) -> Option<Node<'t>> {
        match self.value(expression) {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The elements of an array literal, each resolved.
    pub fn array_elements(&self, array: Node<'t>) -> Vec<(Node<'t>, Value<'t>)> {
        let mut cursor = array.walk();
        array
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .map(|element| (element, self.value(element)))
            .collect()
    }

    fn key_name(&self, key: Node<'t>) -> Option<String> {
        let text = key.utf8_text(self.text.as_bytes()).ok()?;
        match key.kind() {
            "property_identifier" | "private_property_identifier" | "number" => {
                Some(text.to_string())
            }
            "string" => Some(string_literal(text)),
            "computed_property_name" => {
                self.value(key.named_child(0)?).as_str().map(str::to_string)
            }
            _ => None,
        }
    }

    /// `process.env.X`, `process.env['X']`, `import.meta.env.X`,
    /// `Deno.env.get('X')` and friends.
    pub fn is_env_read(&self, expression: Node<'t>) -> bool {
        let expression = unwrap_expression(expression);
        match expression.kind() {
            "member_expression" | "subscript_expression" => expression
                .field("object")
                .is_some_and(|object| self.is_env_object(object)),
            "call_expression" => {
                let text = expression
                    .field("function")
                    .and_then(|f| f.utf8_text(self.text.as_bytes()).ok())
                    .unwrap_or("");
                matches!(text, "Deno.env.get" | "Bun.env.get")
            }
            _ => false,
        }
    }

    fn is_env_object(&self, expression: Node<'t>) -> bool {
        let expression = unwrap_expression(expression);
        let text = expression.utf8_text(self.text.as_bytes()).unwrap_or("");
        matches!(
            text,
            "process.env" | "import.meta.env" | "Bun.env" | "Deno.env"
        )
    }
}

/// A JavaScript numeric literal: decimal with `_` separators, exponents,
/// hex, octal and binary prefixes, and a trailing `n` for `BigInt`.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let cleaned = cleaned.trim_end_matches('n');
    let radix = match cleaned.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => return cleaned.parse().ok(),
    };
    #[allow(clippy::cast_precision_loss)] // literals in code are far below 2^53
    i64::from_str_radix(&cleaned[2..], radix)
        .ok()
        .map(|n| n as f64)
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn numbers_parse_like_javascript() {
        assert_eq!(parse_number("600_000"), Some(600_000.0));
        assert_eq!(parse_number("0x10"), Some(16.0));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("12n"), Some(12.0));
    }
}
