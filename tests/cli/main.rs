//! The `incident` binary, driven as a user drives it, on a real temp directory.

mod env;

mod acceptance21;

mod chart;
mod communication;
mod completion;
mod corrections;
mod decisions;
mod directory;
mod durability;
mod durations;
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
mod postmortem_shape;
mod promises;
mod replay_gitlab;
mod report;
mod responders;
mod review;
mod selection;
mod sharing;
mod shell;
mod storage;
mod story;
mod sync;
mod synonyms;
mod text;
mod times;
mod unicode;
