//! Labels (`S1`, `H2`, `E3`) and the kinds of entry they name.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Text that is not a label (`H`, `X1`, `H0`), or a list of labels that names none.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a label")]
pub struct MalformedLabel {
    pub input: String,
}

type Result<T, E = MalformedLabel> = std::result::Result<T, E>;

/// The letter a label starts with. Most kinds have their own; every change of state
/// (a correction, a retraction, a new title, severity, stage or role holder, actions
/// done) shares `E`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    S,
    H,
    T,
    R,
    N,
    A,
    O,
    D,
    E,
    I,
    C,
    L,
    Q,
    U,
}

impl Series {
    const ALL: [Series; 14] = [
        Series::S,
        Series::H,
        Series::T,
        Series::R,
        Series::N,
        Series::A,
        Series::O,
        Series::D,
        Series::E,
        Series::I,
        Series::C,
        Series::L,
        Series::Q,
        Series::U,
    ];

    pub fn letter(self) -> char {
        match self {
            Series::S => 'S',
            Series::H => 'H',
            Series::T => 'T',
            Series::R => 'R',
            Series::N => 'N',
            Series::A => 'A',
            Series::O => 'O',
            Series::D => 'D',
            Series::E => 'E',
            Series::I => 'I',
            Series::C => 'C',
            Series::L => 'L',
            Series::Q => 'Q',
            Series::U => 'U',
        }
    }

    fn from_letter(letter: char) -> Option<Series> {
        let letter = letter.to_ascii_uppercase();
        Series::ALL
            .into_iter()
            .find(|series| series.letter() == letter)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Symptom,
    Hypothesis,
    Test,
    Result,
    Note,
    Action,
    Option,
    Decision,
    Amend,
    Retract,
    Severity,
    Stage,
    Role,
    Retitle,
    Done,
    Impact,
    Cause,
    Lesson,
    Situation,
    Update,
    Escalation,
    Summary,
    Cadence,
}

impl Kind {
    pub fn series(self) -> Series {
        match self {
            Kind::Symptom => Series::S,
            Kind::Hypothesis => Series::H,
            Kind::Test => Series::T,
            Kind::Result => Series::R,
            Kind::Note => Series::N,
            Kind::Action => Series::A,
            Kind::Option => Series::O,
            Kind::Decision => Series::D,
            Kind::Amend
            | Kind::Retract
            | Kind::Severity
            | Kind::Stage
            | Kind::Role
            | Kind::Retitle
            | Kind::Done
            | Kind::Escalation
            | Kind::Summary
            | Kind::Cadence => Series::E,
            Kind::Situation => Series::Q,
            Kind::Update => Series::U,
            Kind::Impact => Series::I,
            Kind::Cause => Series::C,
            Kind::Lesson => Series::L,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Symptom => "symptom",
            Kind::Hypothesis => "hypothesis",
            Kind::Test => "test",
            Kind::Result => "result",
            Kind::Note => "note",
            Kind::Action => "action",
            Kind::Option => "option",
            Kind::Decision => "decision",
            Kind::Amend => "amend",
            Kind::Retract => "retract",
            Kind::Severity => "severity",
            Kind::Stage => "stage",
            Kind::Role => "role",
            Kind::Retitle => "retitle",
            Kind::Done => "done",
            Kind::Impact => "impact",
            Kind::Cause => "cause",
            Kind::Lesson => "lesson",
            Kind::Situation => "situation",
            Kind::Update => "update",
            Kind::Escalation => "escalation",
            Kind::Summary => "summary",
            Kind::Cadence => "cadence",
        }
    }

    /// Whether entries of this kind are refused once the incident is closed: the diagnosis
    /// is over, and a closed incident is resolved; notes, follow-up actions, decisions and
    /// corrections keep coming.
    pub fn is_diagnosis(self) -> bool {
        matches!(
            self,
            Kind::Symptom | Kind::Hypothesis | Kind::Test | Kind::Result | Kind::Stage
        )
    }

    /// Anything can be taken back: a correction (an undo after a wrong amendment), and a
    /// retraction too, after which what it took back counts again.
    pub fn can_be_retracted(self) -> bool {
        true
    }

    /// Every entry but a correction itself (a wrong correction is retracted, or amended
    /// again through its target): a stage, a severity or a role change can be set to the
    /// time it really happened.
    pub fn can_be_amended(self) -> bool {
        !matches!(self, Kind::Amend | Kind::Retract)
    }

    /// `a symptom`, `an option`.
    pub fn with_article(self) -> String {
        let article = if self.name().starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.name())
    }

    /// Entries that keep the record rather than tell what happened: the corrections
    /// (amendments, retractions, new titles), the summary written for the report, and the
    /// cadence of updates. Never events of the response (`State::is_event`).
    pub fn is_record_keeping(self) -> bool {
        matches!(
            self,
            Kind::Amend | Kind::Retract | Kind::Retitle | Kind::Summary | Kind::Cadence
        )
    }

    /// Changes of state, labelled `E`: corrections of other entries, and new severities,
    /// stages and role holders.
    pub fn is_change(self) -> bool {
        self.series() == Series::E
    }

    /// Whether an entry of this kind may have empty text: a retraction without a reason,
    /// a decision without a rationale, a severity, stage or role change without a note, a
    /// correction of a time or an owner only.
    pub fn text_is_optional(self) -> bool {
        matches!(
            self,
            Kind::Retract
                | Kind::Decision
                | Kind::Severity
                | Kind::Stage
                | Kind::Role
                | Kind::Amend
                | Kind::Done
                | Kind::Escalation
                | Kind::Cadence
        )
    }
}

/// An entry's label, such as `H2`: its series letter and a number unique in that series
/// within the incident, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    pub series: Series,
    pub number: u32,
}

impl Label {
    pub fn new(series: Series, number: u32) -> Label {
        Label { series, number }
    }

    /// The label `word` is, if it is one: a series letter in either case and a number
    /// from 1, surrounding spaces aside (`h2`, ` T10 `; not `H`, `H0`, `X1`, `H1a`). The one
    /// rule of label syntax: `FromStr` is this with an error, and whoever only asks
    /// whether a word is a label asks here, without making one.
    pub fn parse(word: &str) -> Option<Label> {
        let (letter, number) = Label::split(word)?;
        Some(Label {
            series: Series::from_letter(letter)?,
            number,
        })
    }

    /// A word's letter and number, if it is shaped like a label: one letter, then a
    /// number from 1 in digits alone.
    fn split(word: &str) -> Option<(char, u32)> {
        let mut chars = word.trim().chars();
        let letter = chars.next()?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u32 = digits.parse().ok()?;
        (number != 0).then_some((letter, number))
    }

    /// Whether `word` is a label (`parse`).
    pub fn looks_like(word: &str) -> bool {
        Label::parse(word).is_some()
    }

    /// Whether `word` lists labels with the letter `letter`, and nothing else: `H1`,
    /// `h2,H3`, `H1,` (as `parse_labels` reads a list), but not `,`, `H0` or `H1,S2`.
    pub fn is_list_of(word: &str, letter: char) -> bool {
        let mut parts = word
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .peekable();
        parts.peek().is_some()
            && parts.all(|part| {
                Label::split(part).is_some_and(|(first, _)| first.eq_ignore_ascii_case(&letter))
            })
    }

    /// Whether `typed`, a label being typed, could become this one: `h`, `H1` and `h12`
    /// each begin `H12`.
    pub fn is_begun_by(self, typed: &str) -> bool {
        let mut chars = typed.chars();
        match chars.next() {
            None => true,
            Some(letter) => {
                Series::from_letter(letter) == Some(self.series)
                    && self.number.to_string().starts_with(chars.as_str())
            }
        }
    }
}

impl fmt::Display for Label {
    /// Its letter and number, written into a buffer on the stack: reports name labels
    /// tens of thousands of times, and nested formatting was a tenth of a long report.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The letter (at most four bytes of UTF-8) and at most ten digits of a u32.
        let mut buffer = [0u8; 14];
        let mut start = buffer.len();
        let mut number = self.number;
        loop {
            start -= 1;
            buffer[start] = b'0' + (number % 10) as u8;
            number /= 10;
            if number == 0 {
                break;
            }
        }
        let mut letter = [0u8; 4];
        let letter = self.series.letter().encode_utf8(&mut letter).as_bytes();
        start -= letter.len();
        buffer[start..start + letter.len()].copy_from_slice(letter);
        let text = std::str::from_utf8(&buffer[start..]).map_err(|_| fmt::Error)?;
        if f.width().is_some() {
            // `pad` so that `{:<4}` lines labels up in columns.
            f.pad(text)
        } else {
            f.write_str(text)
        }
    }
}

impl FromStr for Label {
    type Err = MalformedLabel;

    /// `Label::parse`, saying what was not a label.
    fn from_str(input: &str) -> Result<Label> {
        Label::parse(input).ok_or_else(|| MalformedLabel {
            input: input.to_string(),
        })
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Label, D::Error> {
        deserializer.deserialize_str(StrVisitor(|text: &str| {
            text.parse().map_err(|_| format!("{text:?} is not a label"))
        }))
    }
}

/// Reads a string without copying it, for types parsed from one (labels, times).
pub struct StrVisitor<F>(pub F);

impl<T, F: FnOnce(&str) -> Result<T, String>> serde::de::Visitor<'_> for StrVisitor<F> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.0)(text).map_err(E::custom)
    }
}

/// A map keyed by label. Labels are two small numbers from our own documents, so a
/// multiply-and-rotate hash serves; SipHash's protection against chosen keys buys nothing
/// here and cost a tenth of reading a large incident.
pub type LabelMap<V> = HashMap<Label, V, BuildHasherDefault<LabelHasher>>;

#[derive(Default)]
pub struct LabelHasher(u64);

impl Hasher for LabelHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    fn write_isize(&mut self, value: isize) {
        self.write_u64(value as u64);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Parses a list of labels given as `H1,H2` or repeated options, keeping the first
/// occurrence of each.
pub fn parse_labels<S: AsRef<str>>(inputs: &[S]) -> Result<Vec<Label>> {
    let mut labels = Vec::new();
    // `,` alone names nothing: a typing mistake, not an empty list. (`H1,` is fine.)
    let names_something = inputs.iter().any(|input| {
        input
            .as_ref()
            .split(',')
            .any(|part| !part.trim().is_empty())
    });
    if !inputs.is_empty() && !names_something {
        let typed: Vec<&str> = inputs.iter().map(AsRef::as_ref).collect();
        return Err(MalformedLabel {
            input: typed.join(","),
        });
    }
    for input in inputs {
        for part in input.as_ref().split(',') {
            if part.trim().is_empty() {
                continue;
            }
            let label: Label = part.parse()?;
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    Ok(labels)
}

/// `H1, H2`: labels as people read them.
pub fn join_labels(labels: &[Label]) -> String {
    labels
        .iter()
        .map(Label::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_written_as_its_letter_and_number() {
        for (series, number, written) in [
            (Series::H, 0, "H0"),
            (Series::S, 7, "S7"),
            (Series::T, 42, "T42"),
            (Series::A, u32::MAX, "A4294967295"),
        ] {
            let label = Label::new(series, number);
            assert_eq!(label.to_string(), written);
            assert_eq!(format!("[{label:<6}]"), format!("[{written:<6}]"));
            assert_eq!(format!("[{label:>6}]"), format!("[{written:>6}]"));
        }
    }

    fn label(text: &str) -> Label {
        text.parse().unwrap()
    }

    #[test]
    fn labels_parse_case_insensitively_and_print_upper_case() {
        assert_eq!(label("h2"), Label::new(Series::H, 2));
        assert_eq!(label("H2").to_string(), "H2");
        assert_eq!(label(" t10 ").to_string(), "T10");
        assert_eq!(label("e3").to_string(), "E3");
        assert_eq!(format!("{:<4}|", label("S1")), "S1  |");
        for bad in [
            "",
            "H",
            "2",
            "H0",
            "X1",
            "H-1",
            "H1a",
            "HH1",
            "H 1",
            "H99999999999",
        ] {
            assert!(
                matches!(bad.parse::<Label>(), Err(MalformedLabel { .. })),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn whoever_asks_whether_a_word_is_a_label_gets_the_parsers_answer() {
        for word in ["H1", "h2", " t10 ", "E3", "H01"] {
            assert!(Label::looks_like(word), "{word:?}");
        }
        for word in ["", "H", "H0", "X1", "H1a", "-q", "H99999999999"] {
            assert!(!Label::looks_like(word), "{word:?}");
        }
        assert!(Label::is_list_of("H1", 'H'));
        assert!(Label::is_list_of("h1,H2,", 'H'));
        assert!(Label::is_list_of("m2", 'M'), "a letter no kind has yet");
        for word in ["", ",", "H0", "H1,S2", "S1", "H1,,x"] {
            assert!(!Label::is_list_of(word, 'H'), "{word:?}");
        }
        let h12 = label("H12");
        for typed in ["", "h", "H", "H1", "h12"] {
            assert!(h12.is_begun_by(typed), "{typed:?}");
        }
        for typed in ["S", "H2", "H123", "H12x"] {
            assert!(!h12.is_begun_by(typed), "{typed:?}");
        }
    }

    #[test]
    fn label_lists_split_on_commas_and_drop_repeats() {
        let labels = parse_labels(&["H1,h2", "H1", "H3,"]).unwrap();
        assert_eq!(labels, vec![label("H1"), label("H2"), label("H3")]);
        assert_eq!(join_labels(&labels), "H1, H2, H3");
        assert!(parse_labels(&[","]).is_err());
        assert!(parse_labels(&["", ""]).is_err());
        assert_eq!(parse_labels(&["H1", ""]).unwrap(), vec![label("H1")]);
        assert!(parse_labels::<&str>(&[]).unwrap().is_empty());
    }
}
