//! What a scan knows beyond the file at hand, shared by every file of the
//! scan: the configuration the rules consult (declared public paths, the
//! team's own limiter names, the secret allowlist). Rules reach it through
//! [`SourceFile::project`](crate::source::SourceFile::project), so a rule
//! that needs a setting does not change the signature of every check.

use std::sync::{Arc, LazyLock};

use crate::config::Config;
use crate::routes::RouteIndex;

#[derive(Debug, Clone, Default)]
pub struct Project {
    pub config: Config,
    /// The routes of the whole project, when the scan built them; rules
    /// that need them build one from the file alone otherwise.
    pub routes: Option<Arc<RouteIndex>>,
}

impl Project {
    pub fn new(config: Config) -> Arc<Self> {
        Arc::new(Self {
            config,
            routes: None,
        })
    }

    pub fn with_routes(config: Config, routes: RouteIndex) -> Arc<Self> {
        Arc::new(Self {
            config,
            routes: Some(Arc::new(routes)),
        })
    }

    /// The project of a file scanned without configuration (tests, and
    /// callers that hold a single text).
    pub fn unconfigured() -> Arc<Self> {
        static UNCONFIGURED: LazyLock<Arc<Project>> = LazyLock::new(Arc::default);
        Arc::clone(&UNCONFIGURED)
    }
}
