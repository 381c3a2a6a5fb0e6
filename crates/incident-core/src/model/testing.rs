//! What the model's tests share: an incident opened at 02:00 on 21 November 2026 by ana,
//! and entries she records a minute later.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Body, HypothesisStatus, Incident, Label, NewEntry, Stamp};

pub fn at(minute: u32) -> DateTime<Utc> {
    format!("2026-11-21T02:{minute:02}:00Z").parse().unwrap()
}

pub fn stamp(minute: u32) -> Stamp {
    Stamp {
        uuid: Uuid::nil(),
        at: at(minute),
        recorded_at: at(minute),
        by: "ana".into(),
        key: false,
    }
}

pub fn incident() -> Incident {
    Incident::new("2026-11-21-checkout".into(), "Checkout".into(), stamp(0))
}

pub fn new(body: Body, text: &str) -> NewEntry {
    NewEntry {
        body,
        at: at(1),
        by: "ana".into(),
        text: text.into(),
        uuid: Uuid::nil(),
        recorded_at: at(1),
        key: false,
    }
}

pub fn status(incident: &Incident, hypothesis: &str) -> Option<HypothesisStatus> {
    incident
        .state()
        .verdict(label(hypothesis))
        .map(|verdict| verdict.status)
}

pub fn hypothesis() -> Body {
    Body::Hypothesis { explains: vec![] }
}

pub fn label(text: &str) -> Label {
    text.parse().unwrap()
}
