//! `sync/state.json`: when the last sync succeeded or failed, and how many entries of
//! each incident the remote held then. Only the board reads it, to say how far this
//! machine is from the team without asking the network; a sync never trusts it.

use std::collections::HashMap;
use std::io;
use std::os::unix::fs::OpenOptionsExt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::atomic::read_regular;
use super::count;
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::sharing::{News, Relabeled, Renamed, Sharing, Synced};
use crate::store::Store;

pub const FILE: &str = "state.json";
/// Far more than a state of 10,000 incidents needs.
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Default, Serialize, Deserialize)]
struct State {
    #[serde(
        default,
        serialize_with = "crate::model::utc::serialize_option",
        deserialize_with = "crate::model::utc::deserialize_option"
    )]
    last_success: Option<DateTime<Utc>>,
    #[serde(
        default,
        serialize_with = "crate::model::utc::serialize_option",
        deserialize_with = "crate::model::utc::deserialize_option"
    )]
    last_failure: Option<DateTime<Utc>>,
    #[serde(default)]
    last_error: Option<String>,
    /// Entries, closes and reopens of each incident the remote held after the last sync.
    #[serde(default)]
    shared: HashMap<String, usize>,
}

impl Store {
    fn read_state(&self) -> State {
        let path = self.sync_dir().join(FILE);
        match read_regular(&path, MAX_STATE_BYTES) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                State::default()
            }
            Err(_) => State::default(),
        }
    }

    fn write_state(&self, state: &State) -> Result<()> {
        let bytes = serde_json::to_vec(state).expect("the state serializes");
        self.write_sync_file(&self.sync_dir().join(FILE), &bytes)
    }

    pub(super) fn forget_sharing(&self) -> Result<()> {
        match std::fs::remove_file(self.sync_dir().join(FILE)) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::io(self.sync_dir().join(FILE), source)),
        }
    }

    /// A sync that reached the remote; `problem` says what it still could not share.
    pub(super) fn note_success(
        &self,
        now: DateTime<Utc>,
        shared: HashMap<String, usize>,
        problem: Option<String>,
    ) -> Result<()> {
        let mut state = self.read_state();
        state.last_success = Some(now);
        state.last_failure = problem.is_some().then_some(now);
        state.last_error = problem;
        state.shared.extend(shared);
        self.write_state(&state)
    }

    pub(super) fn note_failure(&self, now: DateTime<Utc>, error: &str) -> Result<()> {
        let mut state = self.read_state();
        state.last_failure = Some(now);
        state.last_error = Some(error.to_string());
        self.write_state(&state)
    }

    /// How far `incident` here is from the team, or `None` when nothing is shared.
    /// Reads two small files and never the network.
    pub fn sharing(&self, incident: &Incident) -> Option<Sharing> {
        let url = self.remote().ok().flatten()?;
        let state = self.read_state();
        let unsent = state
            .shared
            .get(&incident.id)
            .map(|shared| count(incident).saturating_sub(*shared));
        Some(Sharing {
            url,
            last_success: state.last_success,
            failure: state.last_failure.zip(state.last_error),
            unsent,
        })
    }
}

impl Synced {
    /// Labels renumbered twice in one sync (a push rejected after the first) are told
    /// once, from the label the user typed to the one it ended up with, naming who
    /// recorded the typed label first.
    pub fn collapse_relabels(&mut self) {
        let mut collapsed: Vec<Relabeled> = Vec::new();
        for moved in std::mem::take(&mut self.relabeled) {
            match collapsed
                .iter_mut()
                .find(|earlier| earlier.incident == moved.incident && earlier.to == moved.from)
            {
                // Whoever took the label the user typed is the one to name.
                Some(earlier) => earlier.to = moved.to,
                None => collapsed.push(moved),
            }
        }
        self.relabeled = collapsed;
    }
}

/// News as kept in `sync/news`, one JSON line each until the next command takes them: a
/// label moved, or (no `from`) the incident itself renamed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptNews {
    incident: String,
    /// The label moved (`None` when the incident itself was renamed).
    from: Option<String>,
    to: String,
    by: Option<String>,
}

impl KeptNews {
    fn of(news: News) -> KeptNews {
        match news {
            News::Relabeled(moved) => KeptNews {
                incident: moved.incident,
                from: Some(moved.from),
                to: moved.to,
                by: Some(moved.by),
            },
            News::Renamed(renamed) => KeptNews {
                incident: renamed.from,
                from: None,
                to: renamed.to,
                by: renamed.by,
            },
        }
    }

    /// The news it keeps; `None` for a relabel that lost who took the label first, which
    /// only a hand-edited file can hold.
    fn news(self) -> Option<News> {
        Some(match self.from {
            Some(from) => News::Relabeled(Relabeled {
                incident: self.incident,
                from,
                to: self.to,
                by: self.by?,
            }),
            None => News::Renamed(Renamed {
                from: self.incident,
                to: self.to,
                by: self.by,
            }),
        })
    }
}

/// The most news kept: a machine offline for days need not hear every label.
const MAX_NEWS_BYTES: u64 = 256 * 1024;

impl Store {
    /// Keeps what a background sync changed, for the next command to tell.
    pub(super) fn add_news(&self, synced: &Synced) -> Result<()> {
        let news = synced
            .relabeled
            .iter()
            .cloned()
            .map(News::Relabeled)
            .chain(synced.renamed.iter().cloned().map(News::Renamed));
        let mut lines = Vec::new();
        for item in news {
            lines.extend(serde_json::to_vec(&KeptNews::of(item)).expect("news serializes"));
            lines.push(b'\n');
        }
        if lines.is_empty() {
            return Ok(());
        }
        let path = self.sync_dir().join("news");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(crate::store::FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|source| Error::io(&path, source))?;
        std::io::Write::write_all(&mut file, &lines).map_err(|source| Error::io(&path, source))
    }

    /// Takes the news background syncs left, oldest first; each is told once. Taken by
    /// renaming the file away, so two commands never both tell the same news.
    pub fn take_news(&self) -> Vec<News> {
        let path = self.sync_dir().join("news");
        let taken = self
            .sync_dir()
            .join(format!("news.taken.{}", std::process::id()));
        if std::fs::rename(&path, &taken).is_err() {
            return Vec::new();
        }
        let bytes = read_regular(&taken, MAX_NEWS_BYTES).unwrap_or_default();
        let _ = std::fs::remove_file(&taken);
        bytes
            .split(|byte| *byte == b'\n')
            .filter_map(|line| serde_json::from_slice::<KeptNews>(line).ok()?.news())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(from: &str, to: &str, by: &str) -> Relabeled {
        Relabeled {
            incident: "2026-11-21-dns".into(),
            from: from.into(),
            to: to.into(),
            by: by.into(),
        }
    }

    /// Alice's H2 clashed with Carol's, became H5, the push was rejected, and Bob had
    /// taken H5 meanwhile: Alice hears of H2 once, now H8, taken first by Carol.
    #[test]
    fn a_label_renumbered_twice_is_told_once_naming_who_took_it_first() {
        let mut synced = Synced {
            relabeled: vec![moved("H2", "H5", "carol"), moved("H5", "H8", "bob")],
            ..Synced::default()
        };
        synced.collapse_relabels();
        let told: Vec<(&str, &str, &str)> = synced
            .relabeled
            .iter()
            .map(|moved| (moved.from.as_str(), moved.to.as_str(), moved.by.as_str()))
            .collect();
        assert_eq!(told, [("H2", "H8", "carol")]);
    }

    /// Kept between commands, news reads back as it was: a label moved, an incident
    /// renamed with or without who took its id.
    #[test]
    fn news_reads_back_as_kept() {
        let renamed = |by: Option<&str>| Renamed {
            from: "2026-11-21-dns".into(),
            to: "2026-11-21-dns-2".into(),
            by: by.map(String::from),
        };
        let told = [
            News::Relabeled(moved("H2", "H5", "carol")),
            News::Renamed(renamed(Some("bob"))),
            News::Renamed(renamed(None)),
        ];
        for news in told {
            let line = serde_json::to_vec(&KeptNews::of(news.clone())).expect("it serializes");
            let read: KeptNews = serde_json::from_slice(&line).expect("it reads back");
            assert_eq!(format!("{:?}", read.news()), format!("{:?}", Some(news)));
        }
    }
}
