//! Whom to call: the contacts of the team's directory whose name or covered words say the
//! words of a search, matched as a search of the incidents matches them (every form of a
//! word, its synonyms, a misspelling by one letter) and ranked the same way, best first.
//!
//! Each contact is searched as a small text of two items: its name (counting as a title
//! does) and the words it covers.

use super::index::{Found, TITLE_MARKER, best_first, search, terms_of};
use super::postings::{Builder, Index};
use super::query::{How, Query};
use super::rank::Misspelling;
use crate::model::{Contact, Directory};

/// The marker of the words a contact covers in its folded text: never a query's term,
/// which is lower case letters and digits.
const COVERS_MARKER: &str = "+";

/// A contact that says some word of the search.
#[derive(Clone, Debug, PartialEq)]
pub struct Callable<'a> {
    pub contact: Contact<'a>,
    /// BM25 of the contact's name and covered words: higher is better.
    pub score: f64,
    /// Not every word of the search is said by it.
    pub partial: bool,
}

/// What a search of the directory found: the contacts, best first, and the words nothing
/// said that were found one letter away.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Callables<'a> {
    pub contacts: Vec<Callable<'a>>,
    pub misspellings: Vec<Misspelling>,
}

/// The contacts of `directory` that say a word of `query`, best first; among equals, in
/// the order of their names.
pub fn who<'a>(directory: &'a Directory, query: &Query) -> Callables<'a> {
    let contacts: Vec<Contact<'a>> = directory.contacts().collect();
    let mut builder = Builder::new();
    for (number, contact) in contacts.iter().enumerate() {
        let covers = contact.covers.join(" ");
        builder.add(
            &number.to_string(),
            b"",
            [
                (TITLE_MARKER, contact.name),
                (COVERS_MARKER, covers.as_str()),
            ],
            terms_of,
        );
    }
    let findings =
        search(&Index::built(builder), query).expect("an index built in memory reads whole");
    let concepts = findings.query.concepts().len();
    let mut found: Vec<&Found> = findings.found.iter().collect();
    found.sort_by(|a, b| best_first(a, b).then(a.incident.cmp(&b.incident)));
    let mut misspellings: Vec<Misspelling> = Vec::new();
    let callable = found
        .into_iter()
        .map(|found| {
            let contact = contacts[found.incident];
            let covers = contact.covers.join(" ");
            for text in [contact.name, covers.as_str()] {
                let (said, _) = findings.query.said(text);
                for said in said.iter().filter(|said| said.how == How::Typo) {
                    let typed = &findings.query.concepts()[said.concept].word;
                    if !misspellings.iter().any(|known| known.typed == *typed) {
                        misspellings.push(Misspelling {
                            typed: typed.clone(),
                            meant: text[said.span.clone()].to_lowercase(),
                        });
                    }
                }
            }
            Callable {
                contact,
                score: found.score,
                partial: (found.covered as usize) < concepts,
            }
        })
        .collect();
    Callables {
        contacts: callable,
        misspellings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edit, covers_of};
    use crate::search::Synonyms;

    fn directory(contacts: &[(&str, &str, &str)]) -> Directory {
        let mut directory = Directory::default();
        for (number, (name, reach, covers)) in contacts.iter().enumerate() {
            let edit = Edit {
                at: "2026-11-21T03:00:00Z".parse().expect("a time"),
                by: "ana".into(),
                uuid: uuid::Uuid::from_u128(number as u128),
            };
            directory
                .set(
                    name,
                    Some(reach),
                    Some(covers_of(covers).expect("words")),
                    edit,
                )
                .expect("set");
        }
        directory
    }

    fn names(directory: &Directory, words: &str) -> Vec<(String, bool)> {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        let query = Query::parse(&words, &Synonyms::built_in()).expect("a query");
        who(directory, &query)
            .contacts
            .iter()
            .map(|found| (found.contact.name.to_string(), found.partial))
            .collect()
    }

    #[test]
    fn a_contact_is_found_by_its_words_their_forms_synonyms_and_misspellings() {
        let team = directory(&[
            ("Ana Lima", "+1 555 0100", "database postgres"),
            ("Ben Ng", "#payments-oncall", "payments checkout"),
            ("Cara", "pager 4411", "kubernetes networking dns"),
        ]);
        assert_eq!(names(&team, "databases"), [("Ana Lima".into(), false)]);
        assert_eq!(names(&team, "db"), [("Ana Lima".into(), false)]);
        assert_eq!(names(&team, "k8s"), [("Cara".into(), false)]);
        assert_eq!(names(&team, "paymnets"), [("Ben Ng".into(), false)]);
        assert_eq!(names(&team, "ben"), [("Ben Ng".into(), false)]);
        // Every word first, then some, marked partial.
        assert_eq!(
            names(&team, "postgres checkout"),
            [("Ana Lima".into(), true), ("Ben Ng".into(), true)]
        );
        assert!(names(&team, "mainframe").is_empty());
        // The reach is not what they cover.
        assert!(names(&team, "pager").is_empty());
    }

    #[test]
    fn a_misspelling_is_said_with_what_was_meant() {
        let team = directory(&[("Ana", "x", "certificates")]);
        let words = vec!["certifcates".to_string()];
        let query = Query::parse(&words, &Synonyms::built_in()).expect("a query");
        let found = who(&team, &query);
        assert_eq!(found.contacts.len(), 1);
        assert_eq!(
            found.misspellings,
            [Misspelling {
                typed: "certifcates".into(),
                meant: "certificates".into()
            }]
        );
    }
}
