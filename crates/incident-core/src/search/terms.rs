//! Text is searched by its terms: runs of letters and digits, folded to lowercase ASCII
//! (`Café` is `cafe`, `支付` is `zhi fu`), a plural `s` dropped from words of four letters
//! or more (`errors` is `error`, `502s` is `502`).

use std::ops::Range;

/// Calls `emit` with each term of `text` and the bytes of `text` it came from. A character
/// that folds to several words (`支付` is `Zhi Fu`) gives a term for each.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Range<usize>, &str)) {
    let mut term = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut flush = |term: &mut String, start: usize, end: usize| {
        if !term.is_empty() {
            emit(start..end, stem(term));
            term.clear();
        }
    };
    let mut one = [0u8; 4];
    for (at, c) in text.char_indices() {
        let after = at + c.len_utf8();
        // Combining accents (`e` + U+0301) belong to the letter before them.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            if !term.is_empty() {
                end = after;
            }
            continue;
        }
        let ascii = if c.is_ascii() {
            &*c.encode_utf8(&mut one)
        } else {
            // Unknown characters fold to nothing, and end the term.
            deunicode::deunicode_char(c).unwrap_or_default()
        };
        if ascii.is_empty() {
            flush(&mut term, start, end);
        }
        for folded in ascii.chars() {
            if folded.is_ascii_alphanumeric() {
                if term.is_empty() {
                    start = at;
                }
                term.push(folded.to_ascii_lowercase());
                end = after;
            } else {
                flush(&mut term, start, end);
            }
        }
    }
    flush(&mut term, start, end);
}

/// A plural's `s` dropped, so `errors` and `error` are one term: only from words of four
/// letters or more (`dns`, `4s` stay) and never from a double `s` (`pass`).
fn stem(term: &str) -> &str {
    if term.len() >= 4 && term.ends_with('s') && !term.ends_with("ss") {
        &term[..term.len() - 1]
    } else {
        term
    }
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |_, term| terms.push(term.to_string()));
    terms
}

/// Words so common in symptoms that sharing them says nothing about two incidents.
const STOPWORDS: &[&str] = &[
    "a", "after", "all", "an", "and", "are", "as", "at", "be", "been", "before", "but", "by",
    "for", "from", "had", "has", "have", "in", "into", "is", "it", "its", "no", "not", "of", "on",
    "or", "since", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "thi", "those", "to", "too", "up", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with",
];

pub(super) fn is_stopword(term: &str) -> bool {
    STOPWORDS.binary_search(&term).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_case_accents_and_plurals() {
        assert_eq!(
            terms("Café CRÈME, déjà-vu"),
            ["cafe", "creme", "deja", "vu"]
        );
        assert_eq!(
            terms("502s on db-1: errors, 4s"),
            ["502", "on", "db", "1", "error", "4s"]
        );
        assert_eq!(terms("Cafe\u{301} pass dns"), ["cafe", "pass", "dns"]);
        assert_eq!(terms("支付 失败"), ["zhi", "fu", "shi", "bai"]);
        assert_eq!(terms("--- %"), Vec::<String>::new());
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|pair| pair[0] < pair[1]));
        // Stopwords are compared as terms, plural `s` dropped (`this` is `thi`).
        assert!(STOPWORDS.iter().all(|word| stem(word) == *word));
    }
}
