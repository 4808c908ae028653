//! Contract rules: what an OpenAPI document promises about authentication
//! before any code runs — operations without security, weak schemes, keys in
//! URLs, plain-HTTP servers, OAuth flows that hand passwords or tokens
//! around.

pub mod apikey_in_url;
pub mod basic_auth;
pub mod insecure_transport;
pub mod missing_security;
pub mod samples;
pub mod weak_oauth_flow;

/// Every OpenAPI document says `openapi` or `swagger` at its top.
pub const TRIGGERS: &[&str] = &["openapi", "swagger"];
