//! The live board: what a late joiner reads to come up to speed.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::paint::Paint;
use super::{human_duration, utc_time};
use incident_core::model::{
    Body, CadenceSource, CauseKind, Entry, HypothesisStatus, Incident, Kind, Mark, State, Status,
    Went, join_labels,
};
use incident_core::sanitize::one_line;
use incident_core::search::{SeenBefore, Tried};
use incident_core::sharing::Sharing;

fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    format!("{} ago", human_duration((now - at).num_seconds().max(0)))
}

pub fn render(
    incident: &Incident,
    now: DateTime<Utc>,
    seen_before: (&[SeenBefore], usize),
    paint: &Paint,
) -> String {
    let state = incident.state();
    // The widest label shown: one letter and the most digits of any number. Changes of
    // state (`E…`) have no row of their own here.
    let width = incident
        .entries
        .iter()
        .filter(|entry| !entry.kind().is_change())
        .map(|entry| entry.id.number)
        .max()
        .map_or(2, |number| {
            2 + number.checked_ilog10().unwrap_or(0) as usize
        });
    let mut text = String::new();
    let _ = writeln!(text, "{}", paint.bold(&one_line(state.title())));
    let _ = write!(
        text,
        "{} · opened {} UTC ({})",
        incident.id,
        utc_time(incident.opened_at),
        ago(now, incident.opened_at)
    );
    match incident.status() {
        Status::Open => text.push_str(&format!(" · {}\n", paint.yellow("open"))),
        Status::Closed => {
            let closed_at = incident.closed_at().unwrap_or(now);
            let _ = writeln!(
                text,
                " · {} {} UTC",
                paint.dim("closed"),
                utc_time(closed_at)
            );
            if let Some(resolution) = incident.resolution() {
                let _ = writeln!(text, "Resolution: {}", one_line(resolution));
            }
        }
    }
    marks(&mut text, incident, paint);
    let mut facts = vec![format!("stage {}", state.stage().name())];
    if let Some(severity) = state.severity() {
        let peak = state
            .peak_severity()
            .filter(|peak| *peak != severity)
            .map(|peak| format!(" (peak {peak})"))
            .unwrap_or_default();
        facts.insert(0, format!("severity {severity}{peak}"));
    }
    for (role, holder) in state.roles() {
        facts.push(format!("{} {}", one_line(role), one_line(holder)));
    }
    let _ = writeln!(text, "{}", facts.join(" · "));
    if let Some(updates) = updates(&state, now, paint) {
        let _ = writeln!(text, "{updates}");
    }
    // Only a recorded root cause; a confirmed hypothesis shows as confirmed below.
    if let Some(cause) = state.root_cause().and_then(|label| state.entry(label)) {
        let _ = writeln!(
            text,
            "Root cause: {}",
            paint.green(&format!("{} {}", cause.id, one_line(state.text(cause))))
        );
    }
    // What a line says about an entry: its current text, and whether it was taken back.
    let line = |entry: &Entry| -> String {
        let said = one_line(state.text(entry));
        let amended = if !state.is_amended(entry.id) {
            String::new()
        } else {
            paint.dim(" (amended)")
        };
        if state.is_retracted(entry.id) {
            format!(
                "{}{amended} {}",
                paint.struck(&said),
                paint.dim("(retracted)")
            )
        } else {
            format!("{said}{amended}")
        }
    };

    section(&mut text, paint, "Symptoms");
    let mut any = false;
    for symptom in incident.entries_of(Kind::Symptom) {
        any = true;
        let _ = writeln!(text, "  {:<width$}  {}", symptom.id, line(symptom));
    }
    none_yet(&mut text, any, incident);

    section(&mut text, paint, "Hypotheses");
    any = false;
    for hypothesis in incident.entries_of(Kind::Hypothesis) {
        any = true;
        let evidence = state
            .verdict(hypothesis.id)
            .map(|verdict| format!("  ({})", verdict.by_result))
            .unwrap_or_default();
        let row = if state.is_retracted(hypothesis.id) {
            let said = one_line(state.text(hypothesis));
            format!("{}  {}", paint.dim("retracted"), paint.struck(&said))
        } else {
            match state.status(hypothesis.id) {
                HypothesisStatus::Open => format!("open       {}", line(hypothesis)),
                HypothesisStatus::RuledOut => format!(
                    "{}  {}{evidence}",
                    paint.dim("ruled out"),
                    paint.struck(&one_line(state.text(hypothesis)))
                ),
                HypothesisStatus::Confirmed => format!(
                    "{}  {}{evidence}",
                    paint.green("confirmed"),
                    paint.green(&one_line(state.text(hypothesis)))
                ),
            }
        };
        let _ = writeln!(text, "  {:<width$}  {row}", hypothesis.id);
    }
    none_yet(&mut text, any, incident);

    section(&mut text, paint, "Tests awaiting results");
    let awaiting = state.awaiting_results();
    for test in &awaiting {
        let targets = match &test.body {
            Body::Test { targets } if !targets.is_empty() => {
                format!("for {}; ", join_labels(targets))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            text,
            "  {:<width$}  {}  ({targets}{})",
            test.id,
            line(test),
            ago(now, state.at(test))
        );
    }
    none_yet(&mut text, !awaiting.is_empty(), incident);

    seen(&mut text, seen_before, incident, paint);

    let actions: Vec<_> = incident.entries_of(Kind::Action).collect();
    if !actions.is_empty() {
        section(&mut text, paint, "Action items");
        for action in actions {
            let owner = state
                .owner(action)
                .map(|owner| format!("  (owner: {})", one_line(owner)))
                .unwrap_or_default();
            let done = state
                .done_by(action.id)
                .map(|done| paint.green(&format!("  done ({})", done.id)))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "  {:<width$}  {}{owner}{done}",
                action.id,
                line(action)
            );
        }
    }

    decisions(&mut text, &state, now, paint, width);

    postmortem(&mut text, &state, paint, width);

    let warnings = state.warnings(now);
    if !warnings.is_empty() {
        section(&mut text, paint, "Warnings");
        for warning in warnings {
            let labels = if warning.labels.is_empty() {
                String::new()
            } else {
                format!(" ({})", join_labels(&warning.labels))
            };
            let _ = writeln!(
                text,
                "  {}",
                paint.yellow(&format!("! {}{labels} [{}]", warning.message, warning.code))
            );
        }
    }
    text
}

/// The decisions to make (each situation not decided yet, or reconsidered, with the
/// options on its table, and the options of no situation waiting), then the decisions in
/// force, briefly. Options chosen or passed over are not on the table any more.
fn decisions(
    text: &mut String,
    state: &State<'_>,
    now: DateTime<Utc>,
    paint: &Paint,
    width: usize,
) {
    let to_make = state.decisions_to_make();
    if !to_make.is_empty() {
        section(text, paint, "Decisions to make");
    }
    for choice in &to_make {
        // Options sit under their situation's text; those of no situation stand alone.
        let indent = match choice.situation {
            Some(situation) => {
                let reconsidered = choice
                    .in_force()
                    .map(|decision| paint.dim(&format!("  ({} in force)", decision.id)))
                    .unwrap_or_default();
                let _ = writeln!(
                    text,
                    "  {:<width$}  {}{reconsidered}",
                    situation.id,
                    one_line(state.text(situation))
                );
                " ".repeat(width + 4)
            }
            None => "  ".to_string(),
        };
        if choice.on_the_table.is_empty() {
            let _ = writeln!(text, "{indent}{}", paint.dim("no options yet"));
        }
        for option in &choice.on_the_table {
            let consequence = state
                .consequence(option)
                .map(|consequence| format!(" → {}", one_line(consequence)))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "{indent}{:<width$}  {}{consequence}",
                option.id,
                one_line(state.text(option))
            );
        }
    }
    let in_force = state.decisions_in_force();
    if !in_force.is_empty() {
        section(text, paint, "Decisions in force");
    }
    for decision in in_force {
        let Body::Decision { option } = decision.body else {
            continue;
        };
        let chosen = state
            .entry(option)
            .map(|chosen| format!(" {}", one_line(state.text(chosen))))
            .unwrap_or_default();
        let situation = state
            .situation_decided(decision)
            .map(|situation| format!("{situation}, "))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "  {:<width$}  {}  ({situation}{})",
            decision.id,
            paint.green(&format!("{option}{chosen}")),
            ago(now, state.at(decision))
        );
    }
}

/// The communication seat's line: when the last update went out, when the next is due
/// (or how late it is) and the cadence in force; left out while no update was sent and
/// none is due.
fn updates(state: &State<'_>, now: DateTime<Utc>, paint: &Paint) -> Option<String> {
    let last = state.last_update();
    let cadence = state.cadence();
    if last.is_none()
        && cadence.every.is_none()
        && matches!(cadence.source, CadenceSource::Severity(_))
    {
        return None;
    }
    let mut parts = vec![match last {
        Some(update) => format!(
            "Last update {} UTC ({}, {})",
            utc_time(state.at(update)),
            update.id,
            ago(now, state.at(update))
        ),
        None => "Last update none yet".to_string(),
    }];
    match super::update::next_due(state, now) {
        Some((due, when)) => {
            let when = if when.is_overdue() {
                paint.yellow(&when.to_string())
            } else {
                when.to_string()
            };
            parts.push(format!("next due {} UTC ({when})", utc_time(due)));
        }
        None if state.incident().status() == Status::Closed => {}
        None => parts.push("no update due".to_string()),
    }
    if state.incident().status() == Status::Open {
        parts.push(format!("cadence {}", super::update::cadence(&cadence)));
    }
    Some(parts.join(" · "))
}

/// The postmortem facts recorded so far: the impact, the causes and the lessons, so the
/// board shows what the report will say.
fn postmortem(text: &mut String, state: &State<'_>, paint: &Paint, width: usize) {
    let impacts: Vec<&Entry> = state.live(Kind::Impact).collect();
    if !impacts.is_empty() {
        section(text, paint, "Impact");
        for impact in impacts {
            let window = match state.window(impact) {
                (None, None) => String::new(),
                (from, to) => format!(
                    "  ({} to {})",
                    from.map_or("?".to_string(), utc_time),
                    to.map_or("ongoing".to_string(), utc_time)
                ),
            };
            let _ = writeln!(
                text,
                "  {:<width$}  {}{window}",
                impact.id,
                one_line(state.text(impact))
            );
        }
    }
    if CauseKind::ALL
        .iter()
        .any(|kind| !state.causes(*kind).is_empty())
    {
        section(text, paint, "Causes");
        for kind in CauseKind::ALL {
            for cause in state.causes(kind) {
                let established = match cause.body {
                    Body::Cause {
                        hypothesis: Some(hypothesis),
                        ..
                    } => format!(" ({hypothesis})"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    text,
                    "  {:<width$}  {:<19}  {}{established}",
                    cause.id,
                    kind.name(),
                    one_line(state.text(cause))
                );
            }
        }
    }
    if Went::ALL
        .iter()
        .any(|went| !state.lessons(*went).is_empty())
    {
        section(text, paint, "Lessons");
        for went in Went::ALL {
            for lesson in state.lessons(went) {
                let _ = writeln!(
                    text,
                    "  {:<width$}  went {:<6} {}",
                    lesson.id,
                    went.name(),
                    one_line(state.text(lesson))
                );
            }
        }
    }
}

/// Past incidents that resemble this one: what they turned out to be, the words they share
/// and what was tried there; or how many closed incidents were compared, when none does.
fn seen(
    text: &mut String,
    (seen_before, compared): (&[SeenBefore], usize),
    incident: &Incident,
    paint: &Paint,
) {
    section(text, paint, "Seen before");
    if seen_before.is_empty() {
        let _ = match compared {
            // A closed incident is compared with those closed before it.
            0 if incident.closed_at().is_some() => writeln!(
                text,
                "  nothing to compare with: no incident was closed before this one"
            ),
            0 => writeln!(text, "  nothing to compare with: no closed incident yet"),
            1 => writeln!(text, "  nothing similar among 1 closed incident"),
            n => writeln!(text, "  nothing similar among {n} closed incidents"),
        };
        return;
    }
    for past in seen_before {
        let _ = writeln!(
            text,
            "  {}  {}  {}",
            past.incident,
            paint.bold(&one_line(&past.title)),
            paint.dim(&format!(
                "(opened {} UTC, closed after {})",
                utc_time(past.opened_at),
                human_duration((past.closed_at - past.opened_at).num_seconds().max(0))
            ))
        );
        if !past.shared.is_empty() {
            let _ = writeln!(text, "    shared: {}", one_line(&past.shared.join(", ")));
        }
        match &past.root_cause {
            Some(cause) => {
                let _ = writeln!(text, "    root cause: {}", paint.green(&one_line(cause)));
            }
            None => text.push_str("    root cause: none recorded\n"),
        }
        if let Some(resolution) = &past.resolution {
            let _ = writeln!(text, "    resolution: {}", one_line(resolution));
        }
        for tried in &past.tried {
            let _ = writeln!(text, "    tried {}", tried_line(tried, paint));
        }
        if let Some(first) = past.tried.first() {
            let _ = writeln!(
                text,
                "    {}",
                paint.dim(&format!(
                    "to weigh one here: incident hypothesis --from {}:{}",
                    past.incident, first.id
                ))
            );
        }
    }
}

/// A hypothesis tried in a past incident: how it ended, and the test and result that
/// settled it.
fn tried_line(tried: &Tried, paint: &Paint) -> String {
    let verdict = match tried.status {
        HypothesisStatus::Confirmed => paint.green("confirmed"),
        _ => paint.dim("ruled out"),
    };
    let mut line = format!("{} {verdict}: {}", tried.id, one_line(&tried.text));
    match (&tried.test, &tried.result) {
        (Some(test), Some(result)) => line.push_str(&format!(
            " (test {} {} → {})",
            test.id,
            one_line(&test.text),
            one_line(&result.text)
        )),
        (None, Some(result)) => line.push_str(&format!(
            " (result {} {})",
            result.id,
            one_line(&result.text)
        )),
        _ => {}
    }
    line
}

/// What became of the incident: merged away or discarded (read-only, and where to go
/// on), and the incidents merged into it.
fn marks(text: &mut String, incident: &Incident, paint: &Paint) {
    let said = |mark: &Mark| {
        let why = mark
            .why
            .as_deref()
            .map(|why| format!(": {}", one_line(why)))
            .unwrap_or_default();
        format!("{} UTC by {}{why}", utc_time(mark.at), one_line(&mark.by))
    };
    let away = match (incident.merged_into(), incident.discarded()) {
        (Some(merged), _) => Some(format!(
            "Merged into {into} ({}); read-only: record there, `incident -i {into} …`",
            said(merged),
            into = one_line(merged.other())
        )),
        (None, Some(discarded)) => Some(format!(
            "Discarded as opened by mistake ({}); read-only: `incident restore` brings it back",
            said(discarded)
        )),
        (None, None) => None,
    };
    if let Some(away) = away {
        let _ = writeln!(text, "{}", paint.yellow(&away));
    }
    for merged in incident.merged_in() {
        let _ = writeln!(
            text,
            "Merged in {} ({})",
            one_line(merged.other()),
            said(merged)
        );
    }
}

fn section(text: &mut String, paint: &Paint, title: &str) {
    let _ = writeln!(text, "\n{}", paint.bold(title));
}

/// What an empty section says: "none yet" while the incident is open, "none" once it is
/// closed (nothing more is coming).
fn none_yet(text: &mut String, any: bool, incident: &Incident) {
    if !any {
        text.push_str(if incident.closed_at().is_some() {
            "  none\n"
        } else {
            "  none yet\n"
        });
    }
}

/// How far this machine is from the team: the last sync, and what is not yet sent.
pub fn sharing(sharing: &Sharing, now: DateTime<Utc>, paint: &Paint) -> String {
    let mut parts = vec![format!("Shared through {}", one_line(&sharing.url))];
    parts.push(match sharing.last_success {
        Some(at) => format!("last sync {} UTC ({})", utc_time(at), ago(now, at)),
        None => "not synced yet".to_string(),
    });
    if let Some((at, error)) = &sharing.failure {
        parts.push(paint.yellow(&format!(
            "sync failed {} UTC: {}",
            utc_time(*at),
            one_line(error)
        )));
    }
    parts.push(match sharing.unsent {
        None => paint.yellow("this incident is not shared yet"),
        Some(0) => "everything sent".to_string(),
        Some(1) => paint.yellow("1 entry not yet sent"),
        Some(unsent) => paint.yellow(&format!("{unsent} entries not yet sent")),
    });
    format!("\n{}\n", parts.join(" · "))
}
