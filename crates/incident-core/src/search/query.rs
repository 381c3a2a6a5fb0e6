//! The words of a search. A query word matches a term it begins, so `deploy` finds
//! `deployed` and `cafe` finds `Cafés`.

use std::ops::Range;

use super::terms::{for_each_term, terms};

/// The words of a search, as terms; every one must begin a term of a matching text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub(super) terms: Vec<String>,
}

impl Query {
    /// `None` when the words hold no letter or digit at all.
    pub fn parse(words: &[String]) -> Option<Query> {
        let mut terms: Vec<String> = Vec::new();
        for word in words {
            for term in self::terms(word) {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        // A term that begins another is implied by it: `pool pools` asks for one thing.
        let implied: Vec<bool> = terms
            .iter()
            .map(|term| {
                terms
                    .iter()
                    .any(|other| other != term && other.starts_with(term.as_str()))
            })
            .collect();
        let mut kept = implied.iter();
        terms.retain(|_| !kept.next().copied().unwrap_or(false));
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The query terms a text term matches (begins with).
    fn matching<'q>(&'q self, term: &'q str) -> impl Iterator<Item = usize> + 'q {
        self.terms
            .iter()
            .enumerate()
            .filter(move |(_, query)| term.starts_with(query.as_str()))
            .map(|(position, _)| position)
    }

    /// How often each query term occurs in `text`, and how many terms `text` has.
    pub fn counts(&self, text: &str) -> (Vec<usize>, usize) {
        let mut tf = vec![0; self.terms.len()];
        let mut length = 0;
        for_each_term(text, |_, term| {
            length += 1;
            for position in self.matching(term) {
                tf[position] += 1;
            }
        });
        (tf, length)
    }

    /// The bytes of `text` whose terms match, merged where they touch: what to highlight.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = Vec::new();
        for_each_term(text, |span, term| {
            if self.matching(term).next().is_none() {
                return;
            }
            match spans.last_mut() {
                Some(last) if last.end >= span.start => last.end = last.end.max(span.end),
                _ => spans.push(span),
            }
        });
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words).expect("a query")
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Le café était FERMÉ; cafés fermés";
        let spans = query("cafe").spans(text);
        let found: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
        assert_eq!(found, ["café", "cafés"]);
        let spans = query("ferme cafe").spans(text);
        let found: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
        assert_eq!(found, ["café", "FERMÉ", "cafés", "fermés"]);
        let spans = query("ferme").spans("FERMÉ-FERMÉS");
        assert_eq!(spans, [0..6, 7..14]);
    }

    #[test]
    fn a_query_word_matches_the_terms_it_begins() {
        let q = query("Deploy 502");
        assert_eq!(
            q.counts("deployed v2; 502s after the deploy"),
            (vec![2, 1], 6)
        );
        assert_eq!(q.counts("redeploy 1502"), (vec![0, 0], 2));
        assert_eq!(query("pool pools"), query("pool"));
        assert!(Query::parse(&["--".to_string(), "%".to_string()]).is_none());
    }
}
