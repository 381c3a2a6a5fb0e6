//! The words of a search, or of an incident compared with past ones, as concepts: each
//! word (or phrase of the synonyms table) with every way a text's terms can say it. A
//! concept matches its own term (`failing` finds `failed`: one stem), the phrases of its
//! synonym groups (`x509` finds `certificate`, `oom` finds `out of memory`), a phrase's
//! telling words apart in one text (`disk full` finds `the disk was full`), in a search
//! the longer terms a word of three letters or more begins when it is no whole word of
//! its own (`kube` finds `kubernetes`), and, only when nothing says a word of five
//! letters or more, the terms one letter away from it (`certifcate` finds `certificate`).
//!
//! Each way is an alternative of its own, weighed by how rare it is: a synonym as common
//! as `resolved` tells little, however telling the word it stands for.

use std::ops::Range;

use super::synonyms::Synonyms;
use super::terms::{for_each_word, is_stopword};

/// How a text's terms came to match a concept, least telling first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// One letter away from a word that nothing says.
    Typo,
    /// A longer term that the word begins.
    Prefix,
    /// The telling words of a phrase, not side by side but in one text.
    Apart,
    /// A phrase of the word's synonym group.
    Synonym,
    /// The word itself, in any of its forms.
    Exact,
}

impl How {
    /// How much a match of this kind counts, against 1 for the word itself.
    pub fn weight(self) -> f64 {
        match self {
            How::Exact => 1.0,
            How::Synonym => 0.8,
            How::Apart => 0.7,
            How::Prefix | How::Typo => 0.5,
        }
    }
}

/// One way a text can say a concept: a sequence of terms, a term's beginning, or terms
/// anywhere in the text (`How::Apart`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Alternative {
    pub(super) terms: Vec<String>,
    pub(super) how: How,
}

impl Alternative {
    /// Whether `terms` begin with this alternative (never for `How::Apart`, which is
    /// matched by the text as a whole).
    fn matches(&self, terms: &[(Range<usize>, String)]) -> bool {
        match self.how {
            How::Prefix => terms.first().is_some_and(|(_, term)| {
                term.len() > self.terms[0].len() && term.starts_with(&self.terms[0])
            }),
            How::Apart => false,
            _ => {
                terms.len() >= self.terms.len()
                    && self
                        .terms
                        .iter()
                        .zip(terms)
                        .all(|(own, (_, term))| own == term)
            }
        }
    }
}

/// A word or phrase of the query, and every way a text can say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    /// The words as written, for a message or the list of words shared.
    pub word: String,
    pub(super) alternatives: Vec<Alternative>,
    /// For a single word of five letters or more: its term and its folded form, which a
    /// misspelling is looked for by.
    pub(super) misspelt: Option<(String, String)>,
}

impl Concept {
    /// Every term the concept's alternatives are made of, sorted: what tells two concepts
    /// apart.
    fn key(&self) -> Vec<&[String]> {
        let mut key: Vec<&[String]> = self
            .alternatives
            .iter()
            .map(|a| a.terms.as_slice())
            .collect();
        key.sort();
        key.dedup();
        key
    }

    /// Whether the concept is a stopword alone, with no synonym.
    fn is_stopword(&self) -> bool {
        self.alternatives
            .iter()
            .all(|alternative| alternative.terms.len() == 1 && is_stopword(&alternative.terms[0]))
    }

    /// Adds the terms one letter away found for a word nothing says.
    pub(super) fn add_misspellings(&mut self, terms: impl IntoIterator<Item = String>) {
        for term in terms {
            self.alternatives.push(Alternative {
                terms: vec![term],
                how: How::Typo,
            });
        }
    }

    /// Whether the concept was found only through misspellings.
    pub fn by_misspelling(&self) -> bool {
        self.alternatives
            .iter()
            .any(|alternative| alternative.how == How::Typo)
    }
}

/// What a query is for: a search, or the comparison of an incident with past ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    /// Words typed: longer terms they begin match too, and stopwords count when they are
    /// all there is.
    Search,
    /// An incident's own text: whole terms only, no stopword, no number of one or two
    /// digits (times and dates).
    Resemblance,
}

/// The concepts of a text, each once, in order.
pub(super) fn concepts(text: &str, synonyms: &Synonyms, purpose: Purpose) -> Vec<Concept> {
    let mut words: Vec<(Range<usize>, String, String)> = Vec::new();
    for_each_word(text, |range, folded, term| {
        words.push((range, folded.to_string(), term.to_string()))
    });
    let terms: Vec<&str> = words.iter().map(|(_, _, term)| term.as_str()).collect();
    let mut concepts: Vec<Concept> = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let (length, groups) = synonyms.phrase_at(&terms[at..]).unwrap_or((1, &[]));
        let phrase: Vec<String> = terms[at..at + length]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let (first, folded, term) = &words[at];
        let span = first.start..words[at + length - 1].0.end;
        at += length;
        if purpose == Purpose::Resemblance
            && length == 1
            && groups.is_empty()
            && (is_stopword(term)
                || (term.len() < 3 && term.bytes().all(|b| b.is_ascii_digit()))
                || term.len() < 2)
        {
            continue;
        }
        let mut alternatives = vec![Alternative {
            terms: phrase.clone(),
            how: How::Exact,
        }];
        let single = length == 1;
        let numeric = term.bytes().all(|byte| byte.is_ascii_digit());
        if purpose == Purpose::Search && single && term.len() >= 3 && folded == term && !numeric {
            alternatives.push(Alternative {
                terms: phrase.clone(),
                how: How::Prefix,
            });
        }
        for synonym in synonyms.phrases(groups) {
            alternatives.push(Alternative {
                terms: synonym.to_vec(),
                how: How::Synonym,
            });
        }
        // A phrase's telling words, in one text but not side by side.
        let apart: Vec<Vec<String>> = alternatives
            .iter()
            .map(|alternative| telling(&alternative.terms))
            .filter(|telling| telling.len() >= 2)
            .collect();
        for terms in apart {
            alternatives.push(Alternative {
                terms,
                how: How::Apart,
            });
        }
        let misspelt = (purpose == Purpose::Search
            && single
            && folded.len() >= 5
            && term.len() >= 4
            && folded.bytes().all(|byte| byte.is_ascii_alphabetic()))
        .then(|| (term.clone(), folded.clone()));
        let concept = Concept {
            word: text[span].to_string(),
            alternatives: normalized(alternatives),
            misspelt,
        };
        if !concepts.iter().any(|known| known.key() == concept.key()) {
            concepts.push(concept);
        }
    }
    if purpose == Purpose::Resemblance || concepts.iter().any(|c| !c.is_stopword()) {
        concepts.retain(|concept| !concept.is_stopword());
    }
    concepts
}

/// A phrase's terms that are no stopword, each once, sorted.
fn telling(terms: &[String]) -> Vec<String> {
    let mut telling: Vec<String> = terms
        .iter()
        .filter(|term| !is_stopword(term))
        .cloned()
        .collect();
    telling.sort();
    telling.dedup();
    telling
}

/// Each alternative once, the most telling way; and none that another one begins, which
/// matches wherever it does; and no words apart that one word of the concept says alone.
fn normalized(mut alternatives: Vec<Alternative>) -> Vec<Alternative> {
    alternatives.sort_by_key(|alternative| std::cmp::Reverse(alternative.how));
    let mut kept: Vec<Alternative> = Vec::new();
    for alternative in alternatives {
        let sequence = |how: How| matches!(how, How::Exact | How::Synonym | How::Typo);
        let covered = kept.iter().any(|known| {
            (sequence(known.how)
                && sequence(alternative.how)
                && alternative.terms.starts_with(&known.terms))
                || (known.how == alternative.how && known.terms == alternative.terms)
                || (alternative.how == How::Apart
                    && sequence(known.how)
                    && known.terms.len() == 1
                    && alternative.terms.contains(&known.terms[0]))
        });
        if !covered {
            kept.push(alternative);
        }
    }
    kept
}

/// The concepts of a search, every one of which a text matching fully says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub(super) concepts: Vec<Concept>,
}

/// Where a text says a concept.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    pub concept: usize,
    /// Which of the concept's alternatives says it.
    pub alternative: usize,
    pub how: How,
    /// How much this place counts: the alternative's weight, shared among the words of
    /// one said apart.
    pub weight: f64,
    /// The bytes of the text that say it.
    pub span: Range<usize>,
}

/// The most concepts a query keeps: matches are kept as a bit for each.
pub const MAX_CONCEPTS: usize = 64;

impl Query {
    /// `None` when the words hold no letter or digit at all.
    pub fn parse(words: &[String], synonyms: &Synonyms) -> Option<Query> {
        let mut concepts = concepts(&words.join(" "), synonyms, Purpose::Search);
        concepts.truncate(MAX_CONCEPTS);
        (!concepts.is_empty()).then_some(Query { concepts })
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// Every place `text` says a concept of the query, in order, the most telling way
    /// when several match at one place; and how many terms `text` has.
    pub fn said(&self, text: &str) -> (Vec<Said>, usize) {
        said(&self.concepts, text)
    }

    /// How much `text` says each concept (matches weighed by how they match), and how many
    /// terms it has.
    pub fn counts(&self, text: &str) -> (Vec<f64>, usize) {
        let (said, length) = self.said(text);
        let mut tf = vec![0.0; self.concepts.len()];
        for said in said {
            tf[said.concept] += said.weight;
        }
        (tf, length)
    }

    /// The bytes of `text` that say a concept, merged where they touch: what to highlight.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = Vec::new();
        let (said, _) = self.said(text);
        let mut said: Vec<Range<usize>> = said.into_iter().map(|said| said.span).collect();
        said.sort_by_key(|span| span.start);
        for span in said {
            match spans.last_mut() {
                Some(last) if last.end >= span.start => last.end = last.end.max(span.end),
                _ => spans.push(span),
            }
        }
        spans
    }
}

/// Where `text` says each of `concepts`, and how many terms it has. At one place, the
/// most telling alternative of a concept; a phrase's words apart only when nothing else
/// says the concept in the text.
pub(super) fn said(concepts: &[Concept], text: &str) -> (Vec<Said>, usize) {
    let mut terms: Vec<(Range<usize>, String)> = Vec::new();
    for_each_word(text, |range, _, term| terms.push((range, term.to_string())));
    let mut found = Vec::new();
    for (position, concept) in concepts.iter().enumerate() {
        let before = found.len();
        for at in 0..terms.len() {
            let best = concept
                .alternatives
                .iter()
                .enumerate()
                .filter(|(_, alternative)| alternative.matches(&terms[at..]))
                .max_by_key(|(_, alternative)| (alternative.how, alternative.terms.len()));
            if let Some((index, alternative)) = best {
                let last = at + alternative.terms.len() - 1;
                found.push(Said {
                    concept: position,
                    alternative: index,
                    how: alternative.how,
                    weight: alternative.how.weight(),
                    span: terms[at].0.start..terms[last].0.end,
                });
            }
        }
        if found.len() > before {
            continue;
        }
        for (index, alternative) in concept.alternatives.iter().enumerate() {
            if alternative.how != How::Apart {
                continue;
            }
            let places: Vec<Range<usize>> = alternative
                .terms
                .iter()
                .filter_map(|own| {
                    terms
                        .iter()
                        .find(|(_, term)| term == own)
                        .map(|(span, _)| span.clone())
                })
                .collect();
            if places.len() == alternative.terms.len() {
                let share = alternative.how.weight() / places.len() as f64;
                found.extend(places.into_iter().map(|span| Said {
                    concept: position,
                    alternative: index,
                    how: How::Apart,
                    weight: share,
                    span,
                }));
                break;
            }
        }
    }
    found.sort_by_key(|said| said.span.start);
    (found, terms.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words, &Synonyms::built_in()).expect("a query")
    }

    fn found<'t>(query: &Query, text: &'t str) -> Vec<&'t str> {
        query
            .spans(text)
            .into_iter()
            .map(|span| &text[span])
            .collect()
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Le café était FERMÉ; cafés fermés";
        assert_eq!(found(&query("cafe"), text), ["café", "cafés"]);
        assert_eq!(
            found(&query("ferme cafe"), text),
            ["café", "FERMÉ", "cafés", "fermés"]
        );
        assert_eq!(query("ferme").spans("FERMÉ-FERMÉS"), [0..6, 7..14]);
    }

    #[test]
    fn a_word_matches_its_forms_and_the_terms_it_begins() {
        let q = query("Deploy 502");
        assert_eq!(
            q.counts("deployed v2; 502s after the deploy"),
            (vec![2.0, 1.0], 6)
        );
        assert_eq!(q.counts("redeploy 1502 5020"), (vec![0.0, 0.0], 3));
        assert_eq!(
            query("failing").counts("it failed, then fails"),
            (vec![2.0], 4)
        );
        // A word that is a term of its own begins longer terms, at half weight.
        assert_eq!(query("kube").counts("kubernetes"), (vec![0.8], 1));
        assert_eq!(query("pay").counts("payments"), (vec![0.5], 1));
        // A whole word (`failing` is `fail`) does not: `failover` is another word.
        assert_eq!(query("failing").counts("failover"), (vec![0.0], 1));
        // Nothing shorter than three letters begins anything.
        assert_eq!(query("i").counts("incident in it"), (vec![0.0], 3));
        assert_eq!(query("pool pools"), query("pool"));
        assert!(
            Query::parse(&["--".to_string(), "%".to_string()], &Synonyms::built_in()).is_none()
        );
    }

    #[test]
    fn synonyms_and_phrases_are_one_concept() {
        let q = query("x509");
        assert_eq!(q.concepts().len(), 1);
        assert_eq!(
            found(&q, "the TLS certificate expired"),
            ["TLS", "certificate"]
        );
        let q = query("out of memory");
        assert_eq!(q.concepts().len(), 1);
        assert_eq!(
            found(&q, "OOM killed; ran out of memory"),
            ["OOM", "out of memory"]
        );
        let q = query("db failover");
        assert_eq!(q.concepts().len(), 2);
        assert_eq!(
            q.counts("database failed over to the replica"),
            (vec![0.8, 0.8], 6)
        );
        // The word itself weighs more than a synonym.
        assert_eq!(query("db").counts("db database"), (vec![1.8], 2));
    }

    #[test]
    fn stopwords_count_only_when_they_are_all_there_is() {
        assert_eq!(query("the pool").concepts().len(), 1);
        assert_eq!(query("the").concepts().len(), 1);
        let resemblance = concepts(
            "The pool at 02:41 is 100% full",
            &Synonyms::built_in(),
            Purpose::Resemblance,
        );
        let words: Vec<&str> = resemblance.iter().map(|c| c.word.as_str()).collect();
        assert_eq!(words, ["pool", "100", "full"]);
    }
}
