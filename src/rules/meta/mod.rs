//! Rules about authlint's own annotations rather than about the code: inline
//! suppressions that give no reason or name no real rule, and suppressions
//! that no longer suppress anything. They have no checks of their own; the
//! suppression pass (`crate::suppress`) reports them while it reads the
//! comments.

pub mod unjustified_suppression;
pub mod unused_suppression;

/// The family name; its rules are never run as checks and cannot be
/// suppressed inline.
pub const FAMILY: &str = "meta";
