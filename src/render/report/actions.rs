//! `## Action items`: the follow-ups as a task list, the done ones checked.

use std::fmt::Write;

use super::shared::Report;
use super::text::{TASK, text, ticket};
use crate::render::utc_time;
use incident_core::model::{Body, Kind};

impl Report<'_> {
    /// The follow-ups as a task list: owner, due date and ticket, the done ones checked
    /// with who closed them, when and how. Retracted ones are left out, since a task list
    /// is what remains to do.
    pub(super) fn actions(&self, out: &mut String) {
        let mut any = false;
        for action in self.state.live(Kind::Action) {
            any = true;
            let mut facts = vec![self.state.owner(action).map_or_else(
                || "no owner yet".to_string(),
                |owner| format!("owner: {}", text(owner, TASK)),
            )];
            if let Some(due) = self.state.due(action) {
                facts.push(format!("due {}", due.format("%Y-%m-%d")));
            }
            if let Some(link) = self.state.link(action) {
                facts.push(format!("ticket {}", ticket(link, TASK)));
            }
            let done = self.state.done_by(action.id);
            let _ = write!(
                out,
                "- [{}] **{}** {} ({}){}",
                if done.is_some() { "x" } else { " " },
                action.id,
                text(self.state.text(action), TASK),
                facts.join("; "),
                self.corrections(action, TASK)
            );
            if let Some(done) = done {
                let _ = write!(
                    out,
                    "\\\n      Done by {} at {} UTC ({})",
                    text(&done.by, TASK),
                    utc_time(self.state.at(done)),
                    done.id
                );
                let how = self.state.text(done);
                if !how.trim().is_empty() {
                    let _ = write!(out, ": {}", text(how, TASK));
                }
                out.push_str(&self.corrections(done, TASK));
            }
            out.push('\n');
        }
        if !any {
            out.push_str("No action items recorded.\n");
        }
        out.push('\n');
        self.left_out(out, Kind::Action);
        // Done entries that no longer count, or that finished only retracted actions, are
        // named so that nothing in the log goes unmentioned.
        let other: Vec<String> = self
            .incident
            .entries_of(Kind::Done)
            .filter(|done| {
                self.state.is_retracted(done.id)
                    || !matches!(&done.body, Body::Done { actions } if actions.iter().any(|action| !self.state.is_retracted(*action) && self.state.done_by(*action).is_some_and(|by| by.id == done.id)))
            })
            .map(|done| match self.state.retraction(done.id) {
                Some(retraction) => format!("{} (retracted by {})", done.id, retraction.id),
                None => done.id.to_string(),
            })
            .collect();
        if !other.is_empty() {
            let _ = writeln!(
                out,
                "Done entries that mark no listed action: {}.\n",
                other.join(", ")
            );
        }
    }
}
