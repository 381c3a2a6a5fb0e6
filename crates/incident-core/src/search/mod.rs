//! Incidents as memory: finding what the team has seen before. Pure: the store keeps what
//! this builds, commands hand it back, renderers show the results.
//!
//! - `terms.rs`: how a text is cut into the terms it is searched by;
//! - `query.rs`: the words of a search, and which terms they match;
//! - `index.rs`: each incident's searchable text, folded as the store's search index
//!   keeps it, and the scan of it for a query;
//! - `rank.rs`: BM25, and the hits a search makes, best first;
//! - `seen_before.rs`: which past incidents resemble an open one.

mod bm25;
mod index;
mod query;
mod rank;
mod seen_before;
mod terms;

pub use bm25::Collection;
pub use index::{
    Findings, Folded, Found, Item, RESOLUTION_MARKER, TITLE_MARKER, push_folded, search, searchable,
};
pub use query::Query;
pub use rank::{Hit, hits};
pub use seen_before::{
    MIN_RESEMBLANCE, MIN_SHARED_TERMS, Memory, Past, SEEN_BEFORE, SeenBefore, seen_before,
};
pub use terms::{for_each_term, terms};
