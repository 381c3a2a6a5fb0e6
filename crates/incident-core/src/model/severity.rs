//! How bad an incident is: 1 (the most severe) to 5, as people type it (`1`, `SEV1`,
//! `sev2`, `P1`). The one place the range is known: a `Severity` out of range cannot be
//! made, typed, recorded or read from a document.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// A severity, 1 (the most severe) to 5 (the least). Stored and shown as its number;
/// ordered by it, so the most severe of several is the least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Severity(u8);

impl Severity {
    pub const MOST: Severity = Severity(1);
    pub const LEAST: Severity = Severity(5);

    /// The severity of this number, if it is one.
    pub fn new(number: u8) -> Option<Severity> {
        (Severity::MOST.0..=Severity::LEAST.0)
            .contains(&number)
            .then_some(Severity(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Severity {
    type Error = String;

    fn try_from(number: u8) -> std::result::Result<Severity, String> {
        Severity::new(number).ok_or_else(|| {
            format!(
                "severity {number} is out of range: {} is the most severe, {} the least",
                Severity::MOST,
                Severity::LEAST
            )
        })
    }
}

impl From<Severity> for u8 {
    fn from(severity: Severity) -> u8 {
        severity.0
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Severity {
    type Err = Error;

    /// `1` to `5`, `SEV1`, `sev2`, `P1`, `sev-3`: anything else is a typing mistake.
    fn from_str(input: &str) -> Result<Severity> {
        let lower = input.trim().to_ascii_lowercase();
        let digits = lower
            .strip_prefix("sev")
            .or_else(|| lower.strip_prefix('p'))
            .unwrap_or(&lower)
            .trim_start_matches(['-', ' ']);
        digits
            .parse::<u8>()
            .ok()
            .and_then(Severity::new)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{input:?} is not a severity: {} (most severe) to {}, or SEV1, P1",
                    Severity::MOST,
                    Severity::LEAST
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_typed_as_numbers_sev_or_p_and_nothing_else() {
        for (typed, number) in [
            ("1", 1),
            ("SEV1", 1),
            ("sev2", 2),
            (" P3 ", 3),
            ("sev-4", 4),
        ] {
            assert_eq!(
                typed.parse::<Severity>().unwrap().number(),
                number,
                "{typed}"
            );
        }
        for typed in ["0", "6", "P0", "sev", "high", "", "1.5", "sev 12"] {
            assert!(typed.parse::<Severity>().is_err(), "{typed:?} parsed");
        }
        assert_eq!(Severity::new(2).unwrap().to_string(), "2");
        assert!(Severity::new(0).is_none() && Severity::new(6).is_none());
        assert!(
            Severity::MOST < Severity::LEAST,
            "the most severe sorts first"
        );
    }

    #[test]
    fn a_stored_severity_out_of_range_does_not_read() {
        assert_eq!(
            serde_json::from_str::<Severity>("3").unwrap(),
            Severity::new(3).unwrap()
        );
        assert_eq!(serde_json::to_string(&Severity::LEAST).unwrap(), "5");
        for stored in ["0", "6", "255", "\"2\""] {
            assert!(
                serde_json::from_str::<Severity>(stored).is_err(),
                "{stored}"
            );
        }
    }
}
