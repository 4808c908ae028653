//! How credentials travel: HTTP Basic authentication, credentials in URLs,
//! and credentials written to logs.

pub mod basic_auth;
pub mod credential_logged;
pub mod credentials_in_url;

use crate::lang::sensitive::Kind;

/// The kinds that let someone in by themselves: what must not travel in a
/// URL or land in a log.
pub fn is_login_credential(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Password | Kind::Token | Kind::Secret | Kind::Otp
    )
}
