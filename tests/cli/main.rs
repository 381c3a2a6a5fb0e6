//! The `incident` binary, driven as a user drives it, on a real temp directory.

mod env;

mod chart;
mod completion;
mod corrections;
mod durability;
mod ergonomics;
mod errors;
mod escapes;
mod evidence;
mod facts;
mod handover;
mod history;
mod hooks;
mod hostile;
mod merge;
mod options;
mod output;
mod postmortem;
mod report;
mod responders;
mod review;
mod selection;
mod sharing;
mod shell;
mod storage;
mod story;
mod sync;
mod text;
mod times;
mod unicode;
