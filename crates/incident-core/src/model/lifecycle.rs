//! An incident's course as a whole: closed and reopened (`lifecycle`), discarded as
//! opened by mistake and restored (`marks`), and whether it still takes changes at all.
//! Merges are `mark.rs`'s.

use uuid::Uuid;

use super::check::check_text;
use super::entry::{Body, CauseKind, NewEntry};
use super::error::{Error, Result};
use super::incident::{Change, Incident, Stamp, Status, Transition};
use super::incident::{Mark, MarkKind};
use super::label::{Kind, Label};
use super::state::HypothesisStatus;

/// A root cause named as the incident closes: the hypothesis, and the id of the cause
/// entry it is recorded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootCause {
    pub hypothesis: Label,
    pub uuid: Uuid,
}

impl Incident {
    /// Whether it still takes entries and changes: not once merged away or discarded.
    pub fn check_active(&self) -> Result<()> {
        if let Some(merged) = self.merged_into() {
            return Err(Error::MergedAway {
                id: self.id.clone(),
                into: merged.other().to_string(),
            });
        }
        if self.discarded().is_some() {
            return Err(Error::Discarded {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// Closes the incident. A root cause must be a hypothesis the evidence has not ruled
    /// out, and the close cannot come before the incident was opened (or last reopened).
    ///
    /// A root cause named here is a root cause like any other: recorded once, as a cause
    /// entry in the hypothesis's words at the close's time, unless that hypothesis is
    /// recorded as the root cause already. On error nothing is changed.
    pub fn close(
        &mut self,
        stamp: Stamp,
        resolution: Option<String>,
        root_cause: Option<RootCause>,
    ) -> Result<()> {
        self.check_active()?;
        if self.status() == Status::Closed {
            return Err(Error::AlreadyClosed {
                id: self.id.clone(),
            });
        }
        if let Some(resolution) = &resolution {
            check_text(resolution)?;
        }
        // Any time since the opening: after a reopen to add a late note, the close may
        // restate when the incident was really resolved.
        if stamp.at < self.opened_at {
            return Err(Error::CloseBeforeOpen {
                at: stamp.at,
                since: self.opened_at,
            });
        }
        if let Some(RootCause { hypothesis, uuid }) = root_cause {
            let state = self.state();
            let entry = self.expect_entry(hypothesis, Some(Kind::Hypothesis))?;
            if let Some(verdict) = state.verdict(hypothesis)
                && verdict.status == HypothesisStatus::RuledOut
            {
                return Err(Error::RootCauseRuledOut {
                    label: hypothesis,
                    by_result: verdict.by_result,
                });
            }
            let cause = Body::Cause {
                cause: CauseKind::Root,
                hypothesis: Some(hypothesis),
            };
            let recorded = state
                .causes(CauseKind::Root)
                .iter()
                .any(|entry| entry.body == cause);
            if !recorded {
                let text = state.text(entry).to_string();
                // The last check that can fail: the close below cannot.
                self.record(NewEntry {
                    body: cause,
                    at: stamp.at,
                    by: stamp.by.clone(),
                    text,
                    uuid,
                    recorded_at: stamp.recorded_at,
                    key: false,
                })?;
            }
        }
        self.lifecycle.push(Transition {
            change: Change::Closed,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            resolution,
            // Recorded as a cause entry: `root_cause` is read from older documents only.
            root_cause: None,
        });
        Ok(())
    }

    pub fn reopen(&mut self, stamp: Stamp) -> Result<()> {
        self.check_active()?;
        if self.status() == Status::Open {
            return Err(Error::NotClosed {
                id: self.id.clone(),
            });
        }
        self.lifecycle.push(Transition {
            change: Change::Reopened,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            resolution: None,
            root_cause: None,
        });
        Ok(())
    }

    /// Marks this incident as opened by mistake. Nothing is deleted.
    pub fn discard(&mut self, stamp: Stamp, why: Option<String>) -> Result<()> {
        if let Some(merged) = self.merged_into() {
            return Err(Error::DiscardMerged {
                id: self.id.clone(),
                into: merged.other().to_string(),
            });
        }
        if self.discarded().is_some() {
            return Err(Error::AlreadyDiscarded {
                id: self.id.clone(),
            });
        }
        if let Some(why) = &why {
            check_text(why)?;
        }
        self.marks
            .push(Mark::new(MarkKind::Discarded, None, stamp, why));
        Ok(())
    }

    /// Takes back a discard: the incident is as it was, open or closed.
    pub fn restore(&mut self, stamp: Stamp) -> Result<()> {
        if self.discarded().is_none() {
            return Err(match self.merged_into() {
                Some(merged) => Error::RestoreMerged {
                    id: self.id.clone(),
                    into: merged.other().to_string(),
                },
                None => Error::NotDiscarded {
                    id: self.id.clone(),
                },
            });
        }
        self.marks
            .push(Mark::new(MarkKind::Restored, None, stamp, None));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;
    use crate::model::{Body, Entry};

    fn root_cause(hypothesis: &str) -> Option<RootCause> {
        Some(RootCause {
            hypothesis: label(hypothesis),
            uuid: Uuid::now_v7(),
        })
    }

    #[test]
    fn a_root_cause_named_at_the_close_is_recorded_once_as_a_cause() {
        let mut incident = incident();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        incident.record(new(hypothesis(), "bad deploy")).unwrap();
        let root_causes = |incident: &Incident| -> Vec<Entry> {
            incident
                .state()
                .causes(CauseKind::Root)
                .into_iter()
                .cloned()
                .collect()
        };
        incident.close(stamp(30), None, root_cause("H1")).unwrap();
        let recorded = root_causes(&incident);
        assert_eq!(recorded.len(), 1);
        assert_eq!(
            recorded[0].text, "pool exhausted",
            "in the hypothesis's words"
        );
        assert_eq!(recorded[0].at, at(30));
        assert_eq!(
            incident.lifecycle[0].root_cause, None,
            "the cause entry is the one record of it"
        );
        assert_eq!(incident.state().root_cause(), Some(label("H1")));

        // Named again at a later close: still one.
        incident.reopen(stamp(40)).unwrap();
        incident.close(stamp(45), None, root_cause("H1")).unwrap();
        assert_eq!(root_causes(&incident).len(), 1);

        // A close that cannot be made records nothing.
        incident.reopen(stamp(50)).unwrap();
        let entries = incident.entries.len();
        let mut early = stamp(0);
        early.at = at(0) - chrono::Duration::minutes(1);
        assert!(incident.close(early, None, root_cause("H2")).is_err());
        assert!(incident.close(stamp(55), None, root_cause("H9")).is_err());
        assert_eq!(incident.entries.len(), entries);
        assert_eq!(incident.status(), Status::Open);
    }

    #[test]
    fn a_closed_incident_takes_notes_and_actions_but_no_diagnosis() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .close(stamp(30), Some("rolled back".into()), root_cause("H1"))
            .unwrap();
        assert_eq!(incident.status(), Status::Closed);
        assert_eq!(incident.closed_at(), Some(at(30)));
        assert_eq!(incident.resolution(), Some("rolled back"));
        assert_eq!(incident.state().root_cause(), Some(label("H1")));
        assert!(matches!(
            incident.record(new(Body::Symptom, "late")),
            Err(Error::Closed { .. })
        ));
        incident
            .record(new(Body::Note, "postmortem Monday"))
            .unwrap();
        incident
            .record(new(
                Body::Action {
                    owner: None,
                    due: None,
                    link: None,
                },
                "add alert",
            ))
            .unwrap();
        assert!(matches!(
            incident.close(stamp(31), None, None),
            Err(Error::AlreadyClosed { .. })
        ));

        incident.reopen(stamp(40)).unwrap();
        assert_eq!(incident.status(), Status::Open);
        assert_eq!(incident.closed_at(), None);
        assert_eq!(incident.resolution(), None);
        incident.record(new(Body::Symptom, "back again")).unwrap();
        // The close may restate an earlier time, and keeps the earlier resolution.
        incident.close(stamp(35), None, None).unwrap();
        assert_eq!(incident.closed_at(), Some(at(35)));
        assert_eq!(incident.resolution(), Some("rolled back"));
        assert_eq!(incident.state().root_cause(), Some(label("H1")));
        incident.reopen(stamp(50)).unwrap();
        let mut before_opening = stamp(0);
        before_opening.at = at(0) - chrono::Duration::minutes(1);
        assert!(matches!(
            incident.close(before_opening, None, None),
            Err(Error::CloseBeforeOpen { .. })
        ));
    }

    #[test]
    fn a_ruled_out_hypothesis_cannot_be_the_root_cause() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1")],
                },
                "check",
            ))
            .unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![],
            run: None,
        };
        incident.record(new(result, "fine")).unwrap();
        assert!(matches!(
            incident.close(stamp(30), None, root_cause("H1")),
            Err(Error::RootCauseRuledOut { .. })
        ));
        assert!(matches!(
            incident.test_targets_to_rule_out(label("T1"), &[]),
            Ok(targets) if targets == vec![label("H1")]
        ));
        incident.close(stamp(30), None, None).unwrap();
        assert!(
            matches!(
                incident.test_targets_to_rule_out(label("T1"), &[]),
                Err(Error::Closed { .. })
            ),
            "a closed incident is reported before anything about the test"
        );
    }

    #[test]
    fn a_discard_hides_nothing_of_the_log_and_a_restore_brings_back_the_status() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        incident.close(stamp(2), None, None).expect("closes");
        incident
            .discard(stamp(3), Some("opened by mistake".into()))
            .expect("discards");
        assert!(matches!(
            incident.accepts(Kind::Note),
            Err(Error::Discarded { .. })
        ));
        assert!(matches!(
            incident.discard(stamp(4), None),
            Err(Error::AlreadyDiscarded { .. })
        ));
        incident.restore(stamp(5)).expect("restores");
        assert_eq!(incident.status(), Status::Closed);
        assert!(incident.accepts(Kind::Note).is_ok());
        assert!(matches!(
            incident.restore(stamp(6)),
            Err(Error::NotDiscarded { .. })
        ));
    }
}
