//! The team's directory of whom to call: one contact a line (`contacts`, and `who` best
//! first), its name, how to reach them and what they cover; as JSON; and the names alone
//! (`-q`). Whatever a teammate typed, or a remote sent, reaches the terminal escaped.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::json::to_json;
use super::paint::Paint;
use incident_core::model::Contact;
use incident_core::sanitize::one_line;
use incident_core::search::Callable;

/// One contact a line: the names padded to one column, then how to reach them, then what
/// they cover.
pub fn lines(contacts: &[Contact<'_>], paint: &Paint) -> String {
    let names: Vec<String> = contacts
        .iter()
        .map(|contact| one_line(contact.name))
        .collect();
    let width = names
        .iter()
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (contact, name) in contacts.iter().zip(&names) {
        let padding = width - name.chars().count();
        out.push_str(&paint.bold(name));
        out.extend(std::iter::repeat_n(' ', padding + 2));
        out.push_str(&one_line(contact.reach));
        if !contact.covers.is_empty() {
            let covers = one_line(&contact.covers.join(", "));
            out.push_str(&paint.dim(&format!("  (covers {covers})")));
        }
        out.push('\n');
    }
    out
}

/// The names alone, one a line.
pub fn names(contacts: &[Contact<'_>]) -> String {
    contacts
        .iter()
        .map(|contact| format!("{}\n", one_line(contact.name)))
        .collect()
}

#[derive(Serialize)]
struct ContactView<'a> {
    name: &'a str,
    reach: &'a str,
    covers: &'a [String],
    changed_at: DateTime<Utc>,
    changed_by: &'a str,
    /// For `who`: BM25 of the contact, to three decimals, and whether it says only some
    /// of the words.
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<bool>,
}

fn view<'a>(contact: &Contact<'a>) -> ContactView<'a> {
    ContactView {
        name: contact.name,
        reach: contact.reach,
        covers: contact.covers,
        changed_at: contact.changed_at,
        changed_by: contact.changed_by,
        score: None,
        partial: None,
    }
}

/// The directory as a JSON array, one object a contact.
pub fn json(contacts: &[Contact<'_>]) -> String {
    to_json(&contacts.iter().map(view).collect::<Vec<_>>())
}

/// One contact as a JSON object, with what a change did to it (`added`, `updated`,
/// `unchanged`).
pub fn changed_json(contact: &Contact<'_>, change: &str) -> String {
    #[derive(Serialize)]
    struct Changed<'a> {
        #[serde(flatten)]
        contact: ContactView<'a>,
        change: &'a str,
    }
    to_json(&Changed {
        contact: view(contact),
        change,
    })
}

/// A contact taken out of the directory, as JSON.
pub fn removed_json(name: &str) -> String {
    to_json(&serde_json::json!({ "name": name, "change": "removed" }))
}

/// What `who` found, best first, as a JSON array.
pub fn callable_json(found: &[Callable<'_>]) -> String {
    let views: Vec<ContactView> = found
        .iter()
        .map(|found| ContactView {
            score: Some((found.score * 1000.0).round() / 1000.0),
            partial: Some(found.partial),
            ..view(&found.contact)
        })
        .collect();
    to_json(&views)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact<'a>(name: &'a str, reach: &'a str, covers: &'a [String]) -> Contact<'a> {
        Contact {
            name,
            reach,
            covers,
            changed_at: "2026-11-21T03:00:00Z".parse().expect("a time"),
            changed_by: "ana",
        }
    }

    #[test]
    fn a_contact_a_line_in_columns_and_nothing_raw() {
        let covers = ["database".to_string(), "postgres".to_string()];
        let contacts = [
            contact("Ana Lima", "+1 555 0100", &covers),
            contact("Ben", "#pay\u{1b}[31m\nments", &[]),
        ];
        assert_eq!(
            lines(&contacts, &Paint::new(false)),
            "Ana Lima  +1 555 0100  (covers database, postgres)\n\
             Ben       #pay\\x1b[31m ⏎ ments\n"
        );
        assert_eq!(names(&contacts), "Ana Lima\nBen\n");
    }
}
