//! Transport security: TLS certificate and host-name verification.

pub mod verification_disabled;
