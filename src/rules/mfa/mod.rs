//! Multi-factor authentication: how one-time codes are generated, accepted
//! and compared.

pub mod samples;
pub mod weak_otp;
