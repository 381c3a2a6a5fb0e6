//! Text is searched by its terms: runs of letters and digits, folded to lowercase ASCII
//! (`Café` is `cafe`, `支付` is `zhi fu`), each word reduced to its English stem by the
//! Snowball algorithm (`failing`, `failed` and `fails` are `fail`; `expired` and
//! `expiration` are `expir`), and a number's plural `s` dropped (`502s` is `502`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Calls `emit` with each word of `text` as its bytes in `text`, folded (lowercase ASCII)
/// and as its term (the folded word's stem). A character that folds to several words
/// (`支付` is `Zhi Fu`) gives a word for each.
pub fn for_each_word(text: &str, mut emit: impl FnMut(Range<usize>, &str, &str)) {
    let mut word = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut flush = |word: &mut String, start: usize, end: usize| {
        if !word.is_empty() {
            with_stem(word, |term| emit(start..end, word, term));
            word.clear();
        }
    };
    let mut one = [0u8; 4];
    for (at, c) in text.char_indices() {
        let after = at + c.len_utf8();
        // Combining accents (`e` + U+0301) belong to the letter before them.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            if !word.is_empty() {
                end = after;
            }
            continue;
        }
        let ascii = if c.is_ascii() {
            &*c.encode_utf8(&mut one)
        } else {
            // Unknown characters fold to nothing, and end the word.
            deunicode::deunicode_char(c).unwrap_or_default()
        };
        if ascii.is_empty() {
            flush(&mut word, start, end);
        }
        for folded in ascii.chars() {
            if folded.is_ascii_alphanumeric() {
                if word.is_empty() {
                    start = at;
                }
                word.push(folded.to_ascii_lowercase());
                end = after;
            } else {
                flush(&mut word, start, end);
            }
        }
    }
    flush(&mut word, start, end);
}

/// Calls `emit` with each term of `text` and the bytes of `text` it came from.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Range<usize>, &str)) {
    for_each_word(text, |range, _, term| emit(range, term));
}

/// The term of a folded word (lowercase ASCII letters and digits): its Snowball English
/// stem; a word with a digit is no English word, and only loses the plural `s` of a
/// number of three digits or more (`502s`, `1990s`; `k8s` and `4s` stay).
pub fn stem(word: &str) -> Cow<'_, str> {
    if word.bytes().any(|byte| byte.is_ascii_digit()) {
        let bytes = word.as_bytes();
        let plural = bytes.len() >= 4
            && bytes[bytes.len() - 1] == b's'
            && bytes[..bytes.len() - 1].iter().all(u8::is_ascii_digit);
        return Cow::Borrowed(if plural {
            &word[..word.len() - 1]
        } else {
            word
        });
    }
    ENGLISH.stem(word)
}

/// How many words' stems a thread remembers: a history says the same few thousand words
/// over and over, and the Snowball algorithm takes a hundred times a lookup.
const REMEMBERED_STEMS: usize = 50_000;

thread_local! {
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Calls `emit` with the stem of `word`, remembered when it was stemmed before.
fn with_stem<T>(word: &str, emit: impl FnOnce(&str) -> T) -> T {
    STEMS.with(|stems| {
        let Ok(mut stems) = stems.try_borrow_mut() else {
            return emit(&stem(word));
        };
        if let Some(known) = stems.get(word) {
            return emit(known);
        }
        let term = stem(word).into_owned();
        if stems.len() < REMEMBERED_STEMS {
            stems.insert(word.to_string(), term.clone());
        }
        emit(&term)
    })
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |_, term| terms.push(term.to_string()));
    terms
}

/// Words so common that sharing them says nothing about two incidents, and that a search
/// of other words leaves out. Not `down` or `over`, which mean something in operations.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "during", "each", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on",
    "once", "only", "or", "other", "our", "out", "own", "same", "she", "should", "since", "so",
    "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your",
];

/// The stopwords as terms (`since` is `sinc`).
static STOP_TERMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    STOPWORDS
        .iter()
        .map(|word| stem(word).into_owned())
        .collect()
});

/// Whether a term is a stopword's.
pub fn is_stopword(term: &str) -> bool {
    STOP_TERMS.contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_case_and_accents_and_stem_every_form() {
        assert_eq!(
            terms("Café CRÈME, déjà-vu"),
            ["cafe", "creme", "deja", "vu"]
        );
        assert_eq!(
            terms("502s on db-1: errors, 4s, k8s x509 1990s"),
            ["502", "on", "db", "1", "error", "4s", "k8s", "x509", "1990"]
        );
        assert_eq!(terms("Cafe\u{301} pass dns"), ["cafe", "pass", "dns"]);
        assert_eq!(terms("支付 失败"), ["zhi", "fu", "shi", "bai"]);
        assert_eq!(terms("--- %"), Vec::<String>::new());
    }

    #[test]
    fn a_word_and_its_other_forms_are_one_term() {
        for forms in [
            &["fail", "fails", "failed", "failing"][..],
            &["expire", "expired", "expires", "expiration"],
            &["certificate", "certificates"],
            &["database", "databases"],
            &["restart", "restarted", "restarting", "restarts"],
            &["connection", "connections", "connected"],
        ] {
            let stems: Vec<String> = forms.iter().map(|word| stem(word).into_owned()).collect();
            assert!(stems.windows(2).all(|pair| pair[0] == pair[1]), "{stems:?}");
        }
    }

    #[test]
    fn stopwords_are_known_by_their_terms() {
        assert!(is_stopword("the") && is_stopword(&stem("since")) && is_stopword(&stem("this")));
        assert!(!is_stopword("down") && !is_stopword("dns"));
    }
}
