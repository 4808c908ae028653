//! Hardcoded secrets: credentials written in the code
//! (`secret/hardcoded-credential`, found through the syntax tree at the
//! sinks that use them or by the names they are given) and credentials in
//! a recognisable format in any text file (`secret/known-key`). Both report
//! the literal where it is written and mark the secret so every output
//! masks it; `jwt/hardcoded-secret` and these agree on one finding per
//! literal through the precedence chain in `rules::PRECEDENCE`.

pub mod hardcoded_credential;
pub mod known_key;

mod config_values;
mod credential_gate;
mod credential_js;
mod credential_rust;
mod names;
mod providers;
mod values;
