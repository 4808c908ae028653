//! The hashing and key-derivation APIs of JavaScript, recognised through
//! the model's import resolution: which call computes a fast hash (and of
//! what), and which call derives a password hash with which work factor and
//! salt.

use tree_sitter::Node;

use super::algorithm_name;

use crate::lang::js::{
    Binding, FieldAccess, JsFile, ModulePath, Property, Value, call_arguments, unwrap_expression,
};

/// A module path with `node:` and a leading `default` dropped:
/// `('crypto', ['createHash'])`.
pub fn canonical(path: &ModulePath) -> (&str, Vec<&str>) {
    let module = path.module.strip_prefix("node:").unwrap_or(&path.module);
    (module, path.members_without_default())
}

/// A call that computes a fast (non-password) hash of some input.
#[derive(Debug, Clone)]
pub struct FastHash<'t> {
    /// The call to report.
    pub node: Node<'t>,
    /// The algorithm for messages: `MD5`, `SHA-256`, `HMAC-SHA256`, or the
    /// API when the algorithm is not written (`createHash(alg)`).
    pub algorithm: String,
    /// The value hashed (or used as the HMAC key).
    pub input: Node<'t>,
}

/// Modules whose default export (or a named one) hashes its first argument.
const HASH_FUNCTION_MODULES: &[(&str, &str)] = &[
    ("md5", "MD5"),
    ("blueimp-md5", "MD5"),
    ("js-md5", "MD5"),
    ("md5-hex", "MD5"),
    ("sha1", "SHA-1"),
    ("js-sha1", "SHA-1"),
    ("js-sha256", "SHA-256"),
    ("js-sha512", "SHA-512"),
    ("js-sha3", "SHA-3"),
];

/// Every fast hash computed in a file.
pub fn fast_hashes<'t>(file: &JsFile<'t>) -> Vec<FastHash<'t>> {
    let mut found = Vec::new();
    for &call in &file.model.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let Some(function) = call.field("function") else {
            continue;
        };
        let arguments = call_arguments(call);
        // `hash.update(data)` on a hash object.
        if function.kind() == "member_expression"
            && let Some(method) = function.field("property")
            && matches!(file.text(method), "update")
            && let Some(object) = function.field("object")
            && let Some(algorithm) = hash_object(file, object, 0)
            && let Some(&input) = arguments.first()
        {
            found.push(FastHash {
                node: call,
                algorithm,
                input,
            });
            continue;
        }
        // `subtle.digest('SHA-256', data)`: no import to resolve.
        if file.text(function).ends_with("subtle.digest")
            && let [algorithm, input, ..] = arguments.as_slice()
        {
            let algorithm = file
                .model
                .value(*algorithm)
                .as_str()
                .map_or_else(|| "`subtle.digest`".to_string(), algorithm_name);
            found.push(FastHash {
                node: call,
                algorithm,
                input: *input,
            });
            continue;
        }
        let Some(path) = file.model.callee_path(call) else {
            continue;
        };
        let (module, members) = canonical(&path);
        let hashed = match (module, members.as_slice()) {
            // `createHmac('sha256', password)`: the password as the key.
            ("crypto", ["createHmac"]) | ("create-hmac", []) => arguments
                .get(1)
                .map(|key| (hmac_name(file, arguments.first().copied()), *key)),
            // Node 21 `crypto.hash('sha1', data)`; only algorithms the
            // prefilter's words name.
            ("crypto", ["hash"]) => match arguments.as_slice() {
                [algorithm, input, ..] => file
                    .model
                    .value(*algorithm)
                    .as_str()
                    .filter(|a| is_named_fast_hash(a))
                    .map(|a| (algorithm_name(a), *input)),
                _ => None,
            },
            ("crypto-js", [name]) if is_crypto_js_hash(name) => arguments
                .first()
                .map(|input| (crypto_js_name(name), *input)),
            _ if module.starts_with("crypto-js/")
                && members.is_empty()
                && is_crypto_js_module_hash(&module["crypto-js/".len()..]) =>
            {
                let name = &module["crypto-js/".len()..];
                arguments
                    .first()
                    .map(|input| (algorithm_name(name), *input))
            }
            _ => HASH_FUNCTION_MODULES
                .iter()
                .find(|(m, _)| *m == module)
                .filter(|_| members.len() <= 1 || matches!(members.last(), Some(&"hex")))
                .and_then(|(_, name)| arguments.first().map(|input| ((*name).to_string(), *input))),
        };
        if let Some((algorithm, input)) = hashed {
            found.push(FastHash {
                node: call,
                algorithm,
                input,
            });
        }
    }
    found
}

fn is_named_fast_hash(algorithm: &str) -> bool {
    let lower = algorithm.to_ascii_lowercase();
    ["md5", "sha1", "sha2", "sha3", "sha5", "ripemd", "blake"]
        .iter()
        .any(|name| lower.contains(name))
}

/// `crypto-js/md5`, `crypto-js/sha256`, `crypto-js/hmac-sha1`; not
/// `crypto-js/aes` or `crypto-js/pbkdf2`.
fn is_crypto_js_module_hash(name: &str) -> bool {
    matches!(
        name,
        "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512" | "sha3" | "ripemd160"
    ) || name.starts_with("hmac-")
}

fn is_crypto_js_hash(name: &str) -> bool {
    matches!(
        name,
        "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512" | "SHA3" | "RIPEMD160"
    ) || name.starts_with("Hmac")
}

fn crypto_js_name(name: &str) -> String {
    match name.strip_prefix("Hmac") {
        Some(inner) => format!("HMAC-{}", algorithm_name(inner)),
        None => algorithm_name(name),
    }
}

fn hmac_name<'t>(file: &JsFile<'t>, algorithm: Option<Node<'t>>) -> String {
    algorithm
        .and_then(|a| file.model.value(a).as_str().map(algorithm_name))
        .map_or_else(|| "HMAC".to_string(), |a| format!("HMAC-{a}"))
}

/// Whether an expression is a hash object (`createHash(..)`, a `const` of
/// one, an `update(..)` chain on one), and its algorithm.
fn hash_object<'t>(file: &JsFile<'t>, node: Node<'t>, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let node = unwrap_expression(node);
    match node.kind() {
        "identifier" => match file.model.binding(file.text(node), node)? {
            Binding::Value(value) => hash_object(file, *value, depth + 1),
            _ => None,
        },
        "call_expression" | "new_expression" => {
            let arguments = call_arguments(node);
            if let Some(path) = file.model.callee_path(node) {
                let (module, members) = canonical(&path);
                let algorithm = || {
                    arguments
                        .first()
                        .and_then(|a| file.model.value(*a).as_str().map(algorithm_name))
                };
                return match (module, members.as_slice()) {
                    ("crypto", ["createHash"]) | ("create-hash" | "sha.js", []) => {
                        Some(algorithm().unwrap_or_else(|| "`createHash`".to_string()))
                    }
                    ("crypto", ["createHmac"]) | ("create-hmac", []) => {
                        Some(hmac_name(file, arguments.first().copied()))
                    }
                    ("sha.js", [name]) => Some(algorithm_name(name)),
                    _ => None,
                };
            }
            // `hash.update(a).update(b)`
            let function = node.field("function")?;
            if function.kind() == "member_expression"
                && function
                    .field("property")
                    .is_some_and(|p| file.text(p) == "update")
            {
                return hash_object(file, function.field("object")?, depth + 1);
            }
            None
        }
        _ => None,
    }
}

/// The password-hashing APIs this family checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// `bcrypt`, `bcryptjs`, `@node-rs/bcrypt`: `hash(pw, costOrSalt)`.
    BcryptHash,
    /// `genSalt(cost)`.
    BcryptGenSalt,
    /// Node `pbkdf2(pw, salt, iterations, keylen, digest)` and the `pbkdf2`
    /// package.
    Pbkdf2,
    /// Node `scrypt(pw, salt, keylen, options)`.
    NodeScrypt,
    /// `scrypt-js`: `scrypt(pw, salt, N, r, p, dkLen)`.
    ScryptJs,
    /// `argon2` and `@node-rs/argon2`: `hash(pw, options)`.
    Argon2,
    /// `crypto-js` `PBKDF2(pw, salt, options)`.
    CryptoJsPbkdf2,
    /// Web Crypto `subtle.deriveBits` / `deriveKey` with PBKDF2 parameters.
    WebCryptoPbkdf2,
}

/// A password-hashing call.
#[derive(Debug, Clone)]
pub struct KdfCall<'t> {
    pub node: Node<'t>,
    pub kdf: Kdf,
    /// The module it comes from (`bcryptjs`, `@node-rs/argon2`), for the
    /// library's defaults.
    pub module: String,
    /// The callee as written, in backticks.
    pub callee: String,
    pub arguments: Vec<Node<'t>>,
}

const BCRYPT_MODULES: &[&str] = &[
    "bcrypt",
    "bcryptjs",
    "bcrypt-nodejs",
    "@node-rs/bcrypt",
    "bcrypt-ts",
];

/// Every password-hashing call of a file.
pub fn kdf_calls<'t>(file: &JsFile<'t>) -> Vec<KdfCall<'t>> {
    let mut found = Vec::new();
    for &call in &file.model.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let Some(function) = call.field("function") else {
            continue;
        };
        let callee = format!("`{}`", file.text(function));
        let arguments = call_arguments(call);
        let written = file.text(function);
        if written.ends_with("subtle.deriveBits") || written.ends_with("subtle.deriveKey") {
            found.push(KdfCall {
                node: call,
                kdf: Kdf::WebCryptoPbkdf2,
                module: String::new(),
                callee,
                arguments,
            });
            continue;
        }
        let Some(path) = file.model.callee_path(call) else {
            continue;
        };
        let (module, members) = canonical(&path);
        let kdf = match (module, members.as_slice()) {
            (m, ["hash" | "hashSync"]) if BCRYPT_MODULES.contains(&m) => Kdf::BcryptHash,
            (m, ["genSalt" | "genSaltSync"]) if BCRYPT_MODULES.contains(&m) => Kdf::BcryptGenSalt,
            ("crypto" | "pbkdf2", ["pbkdf2" | "pbkdf2Sync"]) => Kdf::Pbkdf2,
            ("crypto", ["scrypt" | "scryptSync"]) => Kdf::NodeScrypt,
            ("scrypt-js", ["scrypt" | "syncScrypt"]) => Kdf::ScryptJs,
            ("argon2" | "@node-rs/argon2", ["hash" | "hashRaw" | "hashSync" | "hashRawSync"]) => {
                Kdf::Argon2
            }
            ("crypto-js", ["PBKDF2"]) | ("crypto-js/pbkdf2", []) => Kdf::CryptoJsPbkdf2,
            _ => continue,
        };
        found.push(KdfCall {
            node: call,
            kdf,
            module: module.to_string(),
            callee,
            arguments,
        });
    }
    found
}

impl<'t> KdfCall<'t> {
    /// The options object argument at an index, when the file shows it.
    pub fn options(&self, file: &JsFile<'t>, index: usize) -> Option<Node<'t>> {
        self.arguments
            .get(index)
            .and_then(|a| file.model.object(*a))
    }

    /// The salt argument or option, wherever the API takes it.
    pub fn salt(&self, file: &JsFile<'t>) -> Option<Node<'t>> {
        match self.kdf {
            Kdf::BcryptHash => self.arguments.get(1).copied(),
            Kdf::Pbkdf2 | Kdf::NodeScrypt | Kdf::ScryptJs | Kdf::CryptoJsPbkdf2 => {
                self.arguments.get(1).copied()
            }
            Kdf::Argon2 => property_node(file, self.options(file, 1)?, "salt"),
            Kdf::WebCryptoPbkdf2 => {
                let params = self.options(file, 0)?;
                let is_pbkdf2 = property_node(file, params, "name")
                    .and_then(|n| file.model.value(n).as_str().map(str::to_ascii_uppercase))
                    .is_some_and(|n| n == "PBKDF2");
                property_node(file, params, "salt").filter(|_| is_pbkdf2)
            }
            Kdf::BcryptGenSalt => None,
        }
    }
}

/// The value node of a key of an object literal, when it is certainly set.
pub fn property_node<'t>(file: &JsFile<'t>, object: Node<'t>, key: &str) -> Option<Node<'t>> {
    match file.model.property(object, key) {
        Property::Set(value) => Some(value),
        _ => None,
    }
}

/// A whole non-negative number an expression resolves to, with the
/// constant it came from for messages: `8` and "`SALT_ROUNDS`, line 3".
pub fn number<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<(u64, Option<String>)> {
    let value = super::count(file.model.value(node).as_number()?)?;
    let origin = file
        .model
        .constant_origin(node)
        .map(|(name, line)| format!("`{name}`, line {line}"));
    Some((value, origin))
}

/// A string literal an expression resolves to (inline, a constant, a
/// `Buffer.from('..')` or `TextEncoder().encode('..')` of one, or the
/// literal fallback of an environment read), with its node.
pub fn literal_bytes<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<(String, Node<'t>)> {
    literal_bytes_at(file, node, 0)
}

fn literal_bytes_at<'t>(
    file: &JsFile<'t>,
    node: Node<'t>,
    depth: usize,
) -> Option<(String, Node<'t>)> {
    if depth > 8 {
        return None;
    }
    let node = unwrap_expression(node);
    match file.model.value(node) {
        Value::Str { text, node } => return Some((text, node)),
        Value::Fallback(inner) => {
            if let Value::Str { text, node } = *inner {
                return Some((text, node));
            }
        }
        _ => {}
    }
    match node.kind() {
        "call_expression" | "new_expression" => {
            let function = node
                .field("function")
                .or_else(|| node.field("constructor"))?;
            let name = file.text(function);
            let converts = name.ends_with("Buffer.from")
                || name.ends_with(".encode")
                || name == "Buffer"
                || name.ends_with("utf8ToBytes")
                || name.ends_with("Utf8.parse")
                || name.ends_with("enc.Hex.parse");
            if !converts {
                return None;
            }
            literal_bytes_at(file, *call_arguments(node).first()?, depth + 1)
        }
        "identifier" => match file.model.binding(file.text(node), node)? {
            Binding::Value(value) => literal_bytes_at(file, *value, depth + 1),
            _ => None,
        },
        _ => None,
    }
}
