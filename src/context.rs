//! What every command shares: where the data lives, the clock, who is typing, and which
//! incident a command acts on.

use std::path::PathBuf;

use chrono::{DateTime, Local, Utc};
use uuid::Uuid;

use crate::cli::{GlobalArgs, StampArgs};
use crate::error::{CoreError, Error, Result};
use crate::time;
use incident_core::id;
use incident_core::model::Stamp;
use incident_core::store::Store;

pub struct Context {
    pub store: Store,
    pub now: DateTime<Utc>,
    reference: Option<String>,
    /// `INCIDENT`, when it chose the incident (no `-i`).
    from_environment: Option<String>,
}

/// The data directory, the first that applies: `--dir`, `INCIDENT_DIR`, the platform's
/// data directory for `incident`.
pub fn data_dir(global: &GlobalArgs) -> Result<PathBuf> {
    if let Some(dir) = &global.dir {
        return Ok(dir.clone());
    }
    match std::env::var_os("INCIDENT_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(Store::default_root()?),
    }
}

impl Context {
    pub fn new(global: &GlobalArgs) -> Result<Context> {
        let environment = std::env::var("INCIDENT")
            .ok()
            .filter(|value| !value.trim().is_empty());
        let from_environment = environment.clone().filter(|_| global.incident.is_none());
        let reference = global.incident.clone().or(environment);
        Ok(Context {
            store: Store::at(data_dir(global)?).on_waiting(crate::ui::notice),
            now: time::now()?,
            reference,
            from_environment,
        })
    }

    /// After `open` or `use`: the current incident changed, but `INCIDENT` still decides
    /// what the next commands act on. The hint that says so, when it does.
    pub fn environment_override_hint(&self) -> Option<String> {
        self.from_environment.as_ref().map(|reference| {
            format!(
                "INCIDENT={reference} is set, so commands still act on that incident; \
                 unset INCIDENT to follow the current one"
            )
        })
    }

    /// The id of the incident to act on: `-i`, else `INCIDENT`, else the current one.
    pub fn target(&self) -> Result<String> {
        let id = match &self.reference {
            Some(reference) => self.resolve(reference)?,
            None => match self.store.current()? {
                Some(current) if self.store.exists(&current) => current,
                Some(current) => return Err(Error::CurrentIncidentGone { id: current }),
                None => return Err(Error::NoCurrentIncident),
            },
        };
        // Chosen now, changed under its lock later: a sync may rename it in between.
        self.store.watch_target(&id);
        Ok(id)
    }

    /// Whether the incident was chosen with `-i` or `INCIDENT` rather than being the
    /// current one, so output should name it.
    pub fn names_incident(&self) -> bool {
        self.reference.is_some()
    }

    /// The one existing incident a reference means; when none does, every id is offered.
    pub fn resolve(&self, reference: &str) -> Result<String> {
        let ids = self.store.ids()?;
        id::resolve(reference, &ids).map_err(|error| match error {
            CoreError::NoMatchingIncident { reference, .. } => CoreError::NoMatchingIncident {
                reference,
                candidates: ids,
            }
            .into(),
            other => other.into(),
        })
    }

    /// Who made a change and when, from `--at` and `--by`, with a fresh id.
    pub fn stamp(&self, args: &StampArgs) -> Result<Stamp> {
        Ok(Stamp {
            uuid: Uuid::now_v7(),
            at: self.at(args)?,
            recorded_at: self.now,
            by: self.author(args)?,
            key: args.key,
        })
    }

    pub fn at(&self, stamp: &StampArgs) -> Result<DateTime<Utc>> {
        match &stamp.at {
            Some(at) => time::parse_at(at, self.now, &Local),
            None => Ok(self.now),
        }
    }

    /// `--by`, else `INCIDENT_USER`, else `USER`.
    pub fn author(&self, stamp: &StampArgs) -> Result<String> {
        if let Some(by) = &stamp.by {
            return check_name(by, "--by");
        }
        // The environment's name is held to the same rule as a typed one.
        for variable in ["INCIDENT_USER", "USER"] {
            if let Ok(name) = std::env::var(variable)
                && !name.trim().is_empty()
            {
                return check_name(&name, variable);
            }
        }
        Ok("unknown".to_string())
    }
}

/// A person's or role's name by the model's rule, the refusal saying where it came from.
pub fn check_name(name: &str, what: &str) -> Result<String> {
    use incident_core::model::{self, Error as ModelError};
    match model::check_name(name) {
        Ok(name) => Ok(name.to_string()),
        Err(ModelError::EmptyName) => Err(Error::Usage(format!("{what} needs a name"))),
        Err(ModelError::NameTooLong { len, limit }) => Err(Error::Usage(format!(
            "{what} is {len} bytes long; a name is at most {limit}"
        ))),
        Err(other) => Err(other.into()),
    }
}
