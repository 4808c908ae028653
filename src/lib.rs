//! authlint finds broken authentication (OWASP API Security Top 10 2023,
//! API2) in JavaScript, TypeScript and Rust code. The modules follow the
//! pipeline: `discover` picks files, `source` holds one, `lang` parses it and
//! builds its semantic model, `rules` checks it, `scan` runs it all in
//! parallel, and `report` renders the result.

#![forbid(unsafe_code)]

pub mod baseline;
pub mod cli;
pub mod config;
pub mod discover;
pub mod evidence;
pub mod finding;
pub mod git;
pub mod lang;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod routes;
pub mod rules;
pub mod sample;
pub mod scan;
pub mod source;
pub mod suppress;
