//! BM25: how much a term found in a document says, given the whole collection.

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
        libm::log(1.0 + (documents - df + 0.5) / (df + 0.5))
    }

    /// One query term's share of a document's score: `tf` occurrences (weighed by how
    /// they match, and where) in a document of `length` terms.
    pub fn weight(&self, idf: f64, tf: f64, length: usize) -> f64 {
        if tf <= 0.0 {
            return 0.0;
        }
        let typical = if self.documents == 0 {
            1.0
        } else {
            (self.terms as f64 / self.documents as f64).max(1.0)
        };
        idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length as f64 / typical))
    }
}

/// How much a query term said `times` counts, against 1 for once: BM25's query-term
/// saturation, with the same constant as a document's repetitions (`K1`), so that a term
/// said twice counts 1.375 times, three times 1.57 times, never twice.
pub fn repeated(times: usize) -> f64 {
    let times = times.max(1) as f64;
    times * (K1 + 1.0) / (times + K1)
}
