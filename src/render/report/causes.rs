//! `## Causes` (and Google's Root Causes and Trigger): the causes that still count, by
//! kind, each with the hypothesis that established it.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, how_to_record, text};
use incident_core::model::{Body, CauseKind, Entry, Kind, Label, join_labels};

/// What records a cause of this kind: `incident cause TEXT --root`.
pub(super) fn recording(kind: CauseKind) -> String {
    let flag = match kind {
        CauseKind::Trigger => "--trigger",
        CauseKind::Root => "--root",
        CauseKind::Contributing => "--contributing",
    };
    format!("incident cause TEXT {flag}")
}

impl Report<'_> {
    pub(super) fn has_causes(&self) -> bool {
        self.incident.entries_of(Kind::Cause).next().is_some()
    }

    /// The causes that still count, of the kinds asked for, each with the hypothesis
    /// that established it. A cause whose hypothesis was ruled out or retracted is no
    /// cause: it is named by label only, at the end.
    pub(super) fn causes(&self, out: &mut String, kinds: &[CauseKind]) {
        let mut set_aside: Vec<String> = Vec::new();
        for kind in kinds {
            let title = match kind {
                CauseKind::Trigger => "Trigger",
                CauseKind::Root => "Root causes",
                CauseKind::Contributing => "Contributing factors",
            };
            // A section of one kind (Google's Trigger) is titled already.
            if kinds.len() > 1 {
                let _ = writeln!(out, "{title}:\n");
            }
            // Causes naming the same hypothesis as an earlier one are folded into it.
            let mut shown: Vec<(&Entry, Vec<Label>)> = Vec::new();
            for cause in self.state.causes(*kind) {
                let hypothesis = match cause.body {
                    Body::Cause { hypothesis, .. } => hypothesis,
                    _ => None,
                };
                if let Some(hypothesis) = hypothesis
                    && !self.state.is_standing(hypothesis)
                {
                    set_aside.push(format!("{} ({hypothesis} no longer stands)", cause.id));
                    continue;
                }
                let same = shown.iter_mut().find(|(earlier, _)| {
                    hypothesis.is_some()
                        && matches!(earlier.body, Body::Cause { hypothesis: h, .. } if h == hypothesis)
                });
                match same {
                    // The one in its own words leads; a close's copy of the hypothesis
                    // follows it.
                    Some((earlier, also)) => {
                        let echoes = |entry: &Entry| {
                            hypothesis
                                .and_then(|h| self.state.entry(h))
                                .is_some_and(|h| self.state.text(h) == self.state.text(entry))
                        };
                        if echoes(earlier) && !echoes(cause) {
                            also.push(earlier.id);
                            *earlier = cause;
                        } else {
                            also.push(cause.id);
                        }
                    }
                    None => shown.push((cause, Vec::new())),
                }
            }
            let confirmed = self.state.confirmed();
            if shown.is_empty() && *kind == CauseKind::Root && !confirmed.is_empty() {
                // Shown as confirmed, never as the cause: with two, which one it was is
                // the responders' call.
                out.push_str("Confirmed, not yet recorded as the root cause:\n\n");
                for hypothesis in confirmed {
                    let _ = write!(
                        out,
                        "- **{}** {}",
                        hypothesis.id,
                        text(self.state.text(hypothesis), ITEM)
                    );
                    if let Some(result) = self.confirming_result(hypothesis.id) {
                        let _ = write!(out, "; confirmed by {}", self.result_reference(result));
                    }
                    out.push('\n');
                }
                let _ = writeln!(
                    out,
                    "\n{}\n",
                    how_to_record(&[&self.root_cause_recording()])
                );
                continue;
            }
            if shown.is_empty() {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet. {}\n",
                    how_to_record(&[&recording(*kind)])
                );
                continue;
            }
            for (cause, also) in shown {
                let _ = write!(
                    out,
                    "- **{}** {}",
                    cause.id,
                    text(self.state.text(cause), ITEM)
                );
                if let Body::Cause {
                    hypothesis: Some(hypothesis),
                    ..
                } = cause.body
                {
                    let _ = write!(out, "; established by {hypothesis}");
                    match self.confirming_result(hypothesis) {
                        Some(result) => {
                            let _ = write!(out, " (confirmed by {})", result.id);
                        }
                        None => out.push_str(", which no result confirmed"),
                    }
                }
                if !also.is_empty() {
                    let _ = write!(out, "; also recorded as {}", join_labels(&also));
                }
                let _ = writeln!(out, "{}", self.corrections(cause, ITEM));
            }
            out.push('\n');
        }
        if !set_aside.is_empty() {
            let _ = writeln!(
                out,
                "Not counted, their hypothesis ruled out or retracted: {}.\n",
                set_aside.join(", ")
            );
        }
        self.left_out_of(
            out,
            Kind::Cause,
            |entry| matches!(entry.body, Body::Cause { cause, .. } if kinds.contains(&cause)),
        );
    }
}
