//! The language front-ends. Each parses a file once and builds the semantic
//! model its rules query: which local names come from which library, and what
//! same-file constants hold.

pub mod js;
pub mod openapi;
pub mod rust;
pub mod sensitive;
