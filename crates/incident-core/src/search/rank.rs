//! Ranking: BM25 over the terms of what was found.

use super::index::Findings;
use super::query::Query;

/// BM25's term-frequency saturation and length normalization, at their usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// What BM25 needs of the whole collection: how many documents, and how many terms in all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Collection {
    pub documents: usize,
    pub terms: usize,
}

impl Collection {
    /// How telling a term found in `df` of the documents is: rare terms weigh most.
    pub fn idf(&self, df: usize) -> f64 {
        let documents = self.documents as f64;
        let df = df as f64;
        (1.0 + (documents - df + 0.5) / (df + 0.5)).ln()
    }

    /// One query term's share of a document's score: `tf` occurrences in a document of
    /// `length` terms.
    pub fn weight(&self, idf: f64, tf: usize, length: usize) -> f64 {
        if tf == 0 {
            return 0.0;
        }
        let typical = if self.documents == 0 {
            1.0
        } else {
            (self.terms as f64 / self.documents as f64).max(1.0)
        };
        let tf = tf as f64;
        idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length as f64 / typical))
    }
}

impl Findings<'_> {
    /// The BM25 score of a text found, counted afresh from the text itself.
    pub fn score(&self, query: &Query, text: &str) -> f64 {
        let (tf, length) = query.counts(text);
        tf.iter()
            .zip(&self.df)
            .map(|(tf, df)| {
                self.collection
                    .weight(self.collection.idf(*df), *tf, length)
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_prefers_rare_terms_and_short_texts() {
        let collection = Collection {
            documents: 100,
            terms: 1000,
        };
        assert!(collection.idf(1) > collection.idf(50));
        let short = collection.weight(collection.idf(5), 1, 3);
        let long = collection.weight(collection.idf(5), 1, 30);
        assert!(short > long);
        assert!(collection.weight(1.0, 3, 10) > collection.weight(1.0, 1, 10));
        assert_eq!(collection.weight(1.0, 0, 10), 0.0);
    }
}
