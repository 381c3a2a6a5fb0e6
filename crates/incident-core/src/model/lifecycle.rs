//! An incident's course as a whole: closed and reopened (`lifecycle`), discarded as
//! opened by mistake and restored (`marks`), and whether it still takes changes at all.
//! Merges are `mark.rs`'s.

use super::check::check_text;
use super::error::{Error, Result};
use super::incident::{Change, Incident, Stamp, Status, Transition};
use super::label::{Kind, Label};
use super::mark::{Mark, MarkKind};
use super::state::HypothesisStatus;

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
    pub fn close(
        &mut self,
        stamp: Stamp,
        resolution: Option<String>,
        root_cause: Option<Label>,
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
        if let Some(label) = root_cause {
            self.expect_entry(label, Some(Kind::Hypothesis))?;
            if let Some(verdict) = self.state().verdict(label)
                && verdict.status == HypothesisStatus::RuledOut
            {
                return Err(Error::RootCauseRuledOut {
                    label,
                    by_result: verdict.by_result,
                });
            }
        }
        self.lifecycle.push(Transition {
            change: Change::Closed,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            resolution,
            root_cause,
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
    use crate::model::Body;
    use crate::model::testing::*;

    #[test]
    fn a_closed_incident_takes_notes_and_actions_but_no_diagnosis() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .close(stamp(30), Some("rolled back".into()), Some(label("H1")))
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
            incident.close(stamp(30), None, Some(label("H1"))),
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
