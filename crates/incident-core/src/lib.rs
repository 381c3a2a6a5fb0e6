//! `incident-core`: an incident and everything derived from it (`model`), what the team
//! has seen before (`search`), and where incidents live on disk and how a team shares
//! them (`store`, sync included), with what a sync did and where sharing stands as plain
//! data (`sharing`), and an incident as the list, the statistics and "seen before" know it
//! (`summary`), and how a duration reads (`duration`).
//!
//! It knows no command line and no terminal: it never prints, its messages name no
//! option or command, and what a user should do next is the command line's to say. Data
//! flows one way: the command line loads through the store, changes the model, saves
//! through the store, and renders what came back.

pub(crate) mod bytes;
pub mod duration;
pub mod error;
pub mod id;
pub mod model;
pub mod process;
pub mod sanitize;
pub mod search;
pub mod sharing;
pub mod signals;
pub mod store;
pub mod summary;

pub use error::{Error, Result};
