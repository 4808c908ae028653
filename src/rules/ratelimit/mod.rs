//! Brute-force protection of authentication routes: whether a limiter or a
//! lockout stands in front of every login, token, reset or signup route,
//! and whether its settings hold an attacker to a handful of guesses. Both
//! rules read the project's route model ([`crate::routes`]), built before
//! the per-file pass from every file of the project, so that a mount or a
//! global guard in a file that is not being scanned still counts.

pub mod auth_route_unthrottled;
pub mod weak_limit;

use std::path::Path;

use crate::routes::{RouteIndex, collect, index_key};
use crate::source::SourceFile;

pub const FAMILY: &str = "ratelimit";

/// PCI DSS 8.3.4: lock out after at most 10 attempts; read as a rate, at
/// most 10 attempts per minute per client.
pub const MAX_ATTEMPTS_PER_MINUTE: f64 = 10.0;

/// Runs `check` with the route index that covers a file: the project's,
/// or, when the file is analysed on its own (no project pass), one built
/// from the file alone. The rules read the index, not the file's syntax,
/// so in a scan a file is parsed for them once, by the project pass.
fn with_index(source: &SourceFile, check: impl FnOnce(&RouteIndex, &Path)) {
    let key = index_key(&source.path);
    let project = source.project();
    if project.config.is_test_path(&source.path) {
        // Routes a test builds are not the application's.
        return;
    }
    if let Some(index) = &project.routes {
        check(index, &key);
    } else {
        let facts = collect::extract(&key, source.text.clone());
        let index = RouteIndex::new(facts.into_iter().collect(), &project.config.limiters);
        check(&index, &key);
    }
}
