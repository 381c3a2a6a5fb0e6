//! Incidents as memory: finding what the team has seen before. Pure: the store keeps what
//! this builds, commands hand it back, renderers show the results.
//!
//! - `terms.rs`: how a text is cut into the terms it is searched by (folded, stemmed);
//! - `synonyms.rs`: the words that mean one thing in operations, built in and the team's;
//!   `team_synonyms.rs`: the team's own groups, shared and edited on every machine;
//! - `query.rs`: the words of a search as concepts, and where a text says them;
//! - `index.rs`: each incident's searchable texts as the search index keeps them, and the
//!   search of the index for a query;
//! - `postings.rs`: the index as bytes: for each term, where each incident says it;
//! - `bm25.rs`: how much a word found says, given the whole collection;
//! - `rank.rs`: the hits a search shows, read from the documents;
//! - `seen_before.rs`: which past incidents resemble an open one;
//! - `who.rs`: whom to call, from the team's directory, matched the same way.

mod bm25;
mod index;
pub mod postings;
mod query;
mod rank;
mod seen_before;
mod synonyms;
mod team_synonyms;
mod terms;
mod who;

pub use bm25::Collection;
pub use index::{
    Findings, Found, Item, RESOLUTION_MARKER, TITLE_BOOST, TITLE_MARKER, add_incident, best_first,
    search, searchable, terms_of,
};
pub use query::{Concept, How, MAX_CONCEPTS, Query, Said as Place};
pub use rank::{Hit, Hits, Misspelling, PARTIAL_INCIDENTS, hits};
pub use seen_before::{
    MIN_RESEMBLANCE, MIN_SHARED, Memory, Past, Resemblances, Resembling, SEEN_BEFORE, Said,
    SeenBefore, Tried, seen_before,
};
pub use synonyms::{
    MAX_GROUP_PHRASES, MAX_PHRASE_BYTES, Synonyms, built_in_groups, group_of, parse_file,
    phrase_of, typed_group,
};
pub use team_synonyms::{
    Added, Changed, Group, MAX_TEAM_SYNONYMS, TEAM_SYNONYMS_SCHEMA, TeamSynonyms,
    key as synonyms_key,
};
pub use terms::{for_each_term, for_each_word, is_stopword, stem, terms};
pub use who::{Callable, Callables, who};
