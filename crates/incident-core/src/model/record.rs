//! The rules an entry is recorded by: the incident must still take its kind, its text
//! and names must fit, links must name entries of the right kind that still count, and a
//! postmortem fact must hold together. On error nothing is changed.

use super::check::{check_name, check_text};
use super::entry::{Body, Entry, NewEntry};
use super::error::{Error, Result};
use super::incident::{Incident, Status};
use super::label::{Kind, Label};
use super::state::HypothesisStatus;

impl Incident {
    /// Fails if the incident no longer takes entries of this kind: once closed, the
    /// diagnosis is over, but notes, follow-up actions and corrections keep coming; once
    /// merged into another incident or discarded, nothing comes.
    pub fn accepts(&self, kind: Kind) -> Result<()> {
        self.check_active()?;
        if kind.is_diagnosis() && self.status() == Status::Closed {
            return Err(Error::Closed {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// What a result that rules out without naming hypotheses means: every hypothesis the test targets, except
    /// those this same result confirms.
    pub fn test_targets_to_rule_out(&self, test: Label, confirms: &[Label]) -> Result<Vec<Label>> {
        self.accepts(Kind::Result)?;
        let entry = self.expect_entry(test, Some(Kind::Test))?;
        let Body::Test { targets } = &entry.body else {
            unreachable!("expect_entry returned a test");
        };
        if targets.is_empty() {
            return Err(Error::RulesOutWithoutTargets { test });
        }
        // A retracted hypothesis no longer counts, and cannot be linked to: the test rules
        // out those of its hypotheses that still do.
        let state = self.state();
        let counting: Vec<Label> = targets
            .iter()
            .copied()
            .filter(|label| !state.is_retracted(*label))
            .collect();
        if counting.is_empty() {
            return Err(Error::TargetsRetracted {
                test,
                retracted: targets.clone(),
            });
        }
        Ok(counting
            .into_iter()
            .filter(|label| !confirms.contains(label))
            .collect())
    }

    /// Records an entry after checking it against the rules: the incident must be open for
    /// the diagnosis, text and names must fit (`check.rs`), links must name entries of the
    /// right kind, a result cannot both rule out and confirm the same hypothesis, and a
    /// retracted entry takes no corrections. A role is named in lower case. On error
    /// nothing is changed.
    pub fn record(&mut self, mut new: NewEntry) -> Result<&Entry> {
        let kind = new.body.kind();
        if !kind.text_is_optional() || !new.text.is_empty() {
            check_text(&new.text)?;
        }
        check_name(&new.by)?;
        for (_, name) in new.body.names() {
            check_name(name)?;
        }
        // A role is one role however it is typed: `Comms` takes over from `comms`.
        if let Body::Role { role, .. } = &mut new.body {
            *role = role.to_lowercase();
        }
        self.accepts(kind)?;
        self.check_postmortem_fact(&new.body)?;
        if let Body::Result {
            rules_out,
            confirms,
            ..
        } = &new.body
            && let Some(label) = rules_out.iter().find(|label| confirms.contains(label))
        {
            return Err(Error::RulesOutAndConfirms { label: *label });
        }
        let state = self.state();
        for (label, wanted) in new.body.links() {
            match (&new.body, wanted) {
                (Body::Amend { .. }, None) => {
                    let target = self.expect_any(label)?;
                    if !target.kind().can_be_amended() {
                        return Err(Error::NotCorrectable {
                            label,
                            kind: target.kind(),
                            verb: "amended",
                        });
                    }
                    check_amendment(&new, target)?;
                }
                (Body::Retract { .. }, None) => {
                    let target = self.expect_any(label)?;
                    if !target.kind().can_be_retracted() {
                        return Err(Error::NotCorrectable {
                            label,
                            kind: target.kind(),
                            verb: "retracted",
                        });
                    }
                }
                _ => {
                    self.expect_entry(label, wanted)?;
                }
            }
            // Nothing new may lean on what was taken back.
            if let Some(retraction) = state.retraction(label) {
                return Err(Error::Retracted {
                    label,
                    by: retraction.id,
                });
            }
        }
        // A decision decides its option's situation, which must still count.
        if let Body::Decision { option } = &new.body
            && let Some(situation) = state
                .entry(*option)
                .and_then(|option| state.situation_of(option))
            && let Some(retraction) = state.retraction(situation)
        {
            return Err(Error::Retracted {
                label: situation,
                by: retraction.id,
            });
        }
        let id = self.next_label(kind)?;
        self.entries.push(Entry {
            id,
            body: new.body,
            uuid: new.uuid,
            at: new.at,
            recorded_at: new.recorded_at,
            by: new.by,
            text: new.text,
            key: new.key,
        });
        Ok(self.entries.last().expect("an entry was just pushed"))
    }

    /// What the postmortem facts must hold to: an impact window that ends after it
    /// begins, an action marked done once, a cause that no evidence ruled out.
    fn check_postmortem_fact(&self, body: &Body) -> Result<()> {
        let state = self.state();
        match body {
            Body::Impact {
                from: Some(from),
                to: Some(to),
            } if to < from => Err(Error::Invalid(format!(
                "the impact ends ({}) before it starts ({})",
                to.format("%Y-%m-%d %H:%M:%S UTC"),
                from.format("%Y-%m-%d %H:%M:%S UTC")
            ))),
            Body::Done { actions } => {
                for action in actions {
                    if let Some(done) = state.done_by(*action) {
                        return Err(Error::AlreadyDone {
                            label: *action,
                            by: done.id,
                        });
                    }
                }
                Ok(())
            }
            Body::Cause {
                hypothesis: Some(label),
                ..
            } => match state.verdict(*label) {
                Some(verdict) if verdict.status == HypothesisStatus::RuledOut => {
                    Err(Error::RootCauseRuledOut {
                        label: *label,
                        by_result: verdict.by_result,
                    })
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// An amendment must correct something, and only what the target has: each option by the
/// kinds recorded with it (an owner is an action's, a consequence an option's, a window an
/// impact's); the time and the key mark fit every kind.
fn check_amendment(amendment: &NewEntry, target: &Entry) -> Result<()> {
    let Body::Amend { change, .. } = &amendment.body else {
        return Ok(());
    };
    let kind = target.kind();
    for (_, what, given, kinds) in change.fields() {
        if given && !kinds.contains(&kind) {
            return Err(Error::DoesNotApply {
                what,
                label: target.id,
                kind,
            });
        }
    }
    if let Some(consequence) = &change.consequence {
        check_text(consequence)?;
    }
    if let Some(link) = &change.link {
        super::check::check_link(link)?;
    }
    if let Some(owner) = &change.owner {
        check_name(owner)?;
    }
    if change.is_empty() && amendment.text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;

    #[test]
    fn a_test_must_target_existing_hypotheses() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        let error = incident
            .record(new(
                Body::Test {
                    targets: vec![label("S1")],
                },
                "check",
            ))
            .unwrap_err();
        assert!(matches!(error, Error::WrongKind { .. }));
        assert_eq!(incident.entries.len(), 1, "nothing recorded on error");
    }

    #[test]
    fn results_rule_out_and_confirm_and_the_latest_verdict_wins() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident.record(new(hypothesis(), "deploy")).unwrap();
        let test = Body::Test {
            targets: vec![label("H1"), label("H2")],
        };
        incident.record(new(test, "check")).unwrap();
        assert_eq!(incident.state().awaiting_results().len(), 1);

        let rules_out = incident
            .test_targets_to_rule_out(label("T1"), &[label("H2")])
            .unwrap();
        assert_eq!(rules_out, vec![label("H1")]);
        let result = Body::Result {
            test: label("T1"),
            rules_out,
            confirms: vec![label("H2")],
            run: None,
        };
        incident.record(new(result, "db fine, deploy bad")).unwrap();
        assert_eq!(status(&incident, "H1"), Some(HypothesisStatus::RuledOut));
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::Confirmed));
        assert!(incident.state().awaiting_results().is_empty());
        // Confirmed is not the root cause: only a close names one.
        assert_eq!(incident.state().root_cause(), None);
        assert_eq!(incident.state().confirmed()[0].id, label("H2"));

        let overturn = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H2")],
            confirms: vec![],
            run: None,
        };
        incident
            .record(new(overturn, "it was not the deploy"))
            .unwrap();
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::RuledOut));
        assert!(incident.state().confirmed().is_empty());
    }

    #[test]
    fn the_latest_evidence_in_time_decides_even_when_recorded_late() {
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
        let mut confirming = new(
            Body::Result {
                test: label("T1"),
                rules_out: vec![],
                confirms: vec![label("H1")],
                run: None,
            },
            "pool full at 02:30",
        );
        confirming.at = at(30);
        incident.record(confirming).unwrap();
        let mut backdated = new(
            Body::Result {
                test: label("T1"),
                rules_out: vec![label("H1")],
                confirms: vec![],
                run: None,
            },
            "pool looked fine at 02:25",
        );
        backdated.at = at(25);
        incident.record(backdated).unwrap();
        assert_eq!(status(&incident, "H1"), Some(HypothesisStatus::Confirmed));
    }

    #[test]
    fn a_result_cannot_rule_out_and_confirm_the_same_hypothesis() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(Body::Test { targets: vec![] }, "check"))
            .unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![label("H1")],
            run: None,
        };
        let error = incident.record(new(result, "both")).unwrap_err();
        assert!(matches!(error, Error::RulesOutAndConfirms { .. }));
        assert!(matches!(
            incident.test_targets_to_rule_out(label("T1"), &[]),
            Err(Error::RulesOutWithoutTargets { .. })
        ));
    }

    #[test]
    fn bare_rules_out_skips_retracted_hypotheses() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "bad deploy")).unwrap();
        incident
            .record(new(hypothesis(), "bad deploy again"))
            .unwrap();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1"), label("H2"), label("H3")],
                },
                "roll back",
            ))
            .unwrap();
        incident
            .record(new(
                Body::Retract {
                    target: label("H2"),
                    undo: false,
                },
                "duplicate",
            ))
            .unwrap();
        assert_eq!(
            incident
                .test_targets_to_rule_out(label("T1"), &[label("H3")])
                .unwrap(),
            vec![label("H1")]
        );
        incident
            .record(new(
                Body::Retract {
                    target: label("H1"),
                    undo: false,
                },
                "wrong",
            ))
            .unwrap();
        incident
            .record(new(
                Body::Retract {
                    target: label("H3"),
                    undo: false,
                },
                "wrong",
            ))
            .unwrap();
        let error = incident
            .test_targets_to_rule_out(label("T1"), &[])
            .unwrap_err();
        assert!(matches!(error, Error::TargetsRetracted { .. }), "{error:?}");
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("(H1, H2, H3)"), "{error}");
    }

    #[test]
    fn names_are_held_to_one_rule_and_a_role_is_lower_case() {
        let mut incident = incident();
        let long = "x".repeat(crate::model::MAX_NAME_BYTES + 1);
        let role = |role: &str, holder: &str| Body::Role {
            role: role.into(),
            holder: holder.into(),
        };
        let action = |owner: &str| Body::Action {
            owner: Some(owner.into()),
            due: None,
            link: None,
        };
        let mut by_long = new(Body::Note, "paged");
        by_long.by = long.clone();
        for refused in [
            by_long,
            new(role("comms", &long), ""),
            new(role(" ", "Jane"), ""),
            new(action(&long), "add an alert"),
        ] {
            let error = incident.record(refused).unwrap_err();
            assert!(
                matches!(error, Error::NameTooLong { .. } | Error::EmptyName),
                "{error:?}"
            );
        }
        assert!(incident.entries.is_empty(), "nothing recorded on error");
        incident.record(new(role("Comms", "Jane Doe"), "")).unwrap();
        assert_eq!(incident.state().roles().get("comms"), Some(&"Jane Doe"));
        incident.record(new(action("ben"), "add an alert")).unwrap();
        let names: Vec<(&str, &str)> = incident.names().collect();
        assert_eq!(
            names,
            [
                ("opened_by", "ana"),
                ("by", "ana"),
                ("role", "comms"),
                ("holder", "Jane Doe"),
                ("by", "ana"),
                ("owner", "ben"),
            ]
        );
    }
}
