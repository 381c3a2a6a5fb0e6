//! Incident ids: making them from titles, checking them, and finding the one a user means.

use crate::error::{Error, Result};
use crate::sanitize;

const SLUG_MAX: usize = 40;
const ID_MAX: usize = 63;

/// `^[a-z0-9][a-z0-9-]{0,62}$`, the contract's id pattern. Nothing else may name a file.
pub fn is_valid(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= ID_MAX
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

pub fn validate(id: &str) -> Result<()> {
    if is_valid(id) {
        Ok(())
    } else {
        Err(Error::MalformedId {
            input: id.to_string(),
        })
    }
}

/// The title in ASCII, for its slug: invisible characters dropped, so that
/// `pay\u{200b}ments` is `payments` as it reads, and every other character transliterated
/// by deunicode (`Straße café` is `Strasse cafe`, `Сбой оплаты` is `Sboi oplaty`, `支付失败`
/// is `Zhi Fu Shi Bai`).
fn fold(title: &str) -> String {
    let visible: String = title
        .chars()
        .filter(|c| !sanitize::is_invisible(*c))
        .collect();
    deunicode::deunicode(&visible)
}

/// Lowercase ASCII letters and digits separated by single hyphens, at most 40 characters,
/// cut at a word boundary where one is near.
pub fn slugify(title: &str) -> String {
    let title = fold(title);
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let needed = word.len() + usize::from(!slug.is_empty());
        if slug.len() + needed > SLUG_MAX {
            if slug.is_empty() {
                slug = word[..SLUG_MAX].to_string();
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    if slug.is_empty() {
        slug.push_str("incident");
    }
    slug
}

/// The id without the opening date `candidate` put before it, where there is one:
/// `checkout-returns-502s`, as a prompt names the incident.
pub fn without_date(id: &str) -> &str {
    let dated = id.len() > 11
        && id.as_bytes()[..11]
            .iter()
            .enumerate()
            .all(|(at, b)| match at {
                4 | 7 | 10 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
    if dated { &id[11..] } else { id }
}

/// The id for a new incident: its local opening date and the title's slug, with `-2`,
/// `-3`, … for the `attempt`-th clash (`numbered`).
pub fn candidate(date: chrono::NaiveDate, title: &str, attempt: u32) -> String {
    let base = format!("{}-{}", date.format("%Y-%m-%d"), slugify(title));
    if attempt <= 1 {
        base
    } else {
        numbered(&base, attempt)
    }
}

/// The `number`-th of the incidents named `base` (2 and up): `base-2`, `base-3`, …; `base`
/// cut short where the suffix would make the id longer than an id may be.
pub fn numbered(base: &str, number: u32) -> String {
    let suffix = format!("-{number}");
    let keep = base.len().min(ID_MAX.saturating_sub(suffix.len()));
    format!("{}{suffix}", base[..keep].trim_end_matches('-'))
}

/// The first `numbered` sibling of `id` that `taken` does not hold. An id that is itself
/// a numbered sibling (`x-2`, with `x` taken) counts on from its base: `x-3`, not `x-2-2`.
pub fn next_free(id: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = id
        .rsplit_once('-')
        .filter(|(base, number)| {
            number.parse::<u32>().is_ok_and(|number| number >= 2) && taken(base)
        })
        .map_or(id, |(base, _)| base);
    (2u32..)
        .map(|number| numbered(base, number))
        .find(|candidate| !taken(candidate) && is_valid(candidate))
        .expect("some number is free")
}

/// Finds the one existing id a reference means: an exact id always wins; otherwise the
/// reference must be a prefix or substring of exactly one id.
pub fn resolve(reference: &str, ids: &[String]) -> Result<String> {
    let wanted = reference.trim().to_ascii_lowercase();
    if wanted.is_empty() {
        return Err(Error::Invalid("the incident reference is empty".into()));
    }
    if let Some(id) = ids.iter().find(|id| **id == wanted) {
        return Ok(id.clone());
    }
    let matches: Vec<&String> = ids.iter().filter(|id| id.contains(&wanted)).collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::NoMatchingIncident {
            reference: reference.to_string(),
            candidates: Vec::new(),
        }),
        several => Err(Error::AmbiguousIncident {
            reference: reference.to_string(),
            candidates: several.iter().map(|id| (*id).clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_short_form_drops_the_opening_date_only() {
        assert_eq!(
            without_date("2026-11-21-checkout-returns-502s"),
            "checkout-returns-502s"
        );
        assert_eq!(without_date("db-down"), "db-down");
        assert_eq!(without_date("2026-11-21"), "2026-11-21");
        assert_eq!(without_date("2026-11-2x-a"), "2026-11-2x-a");
    }

    #[test]
    fn slugs_keep_words_and_drop_everything_else() {
        assert_eq!(slugify("Checkout returns 502s"), "checkout-returns-502s");
        assert_eq!(slugify("  API -- latency!! (EU) "), "api-latency-eu");
        assert_eq!(slugify("Café down"), "cafe-down");
        assert_eq!(
            slugify("Ünïcödé Straße café naïve"),
            "unicode-strasse-cafe-naive"
        );
        assert_eq!(slugify("ŁÓDŹ DC power"), "lodz-dc-power");
        // Emoji have names, which say more than the fallback did.
        assert_eq!(slugify("🔥🔥"), "fire-fire");
        assert_eq!(slugify("!!! — ???"), "incident");
        assert_eq!(slugify(""), "incident");
        let long = slugify("the payments service is returning errors for every card in europe");
        assert!(long.len() <= SLUG_MAX, "{long}");
        assert_eq!(long, "the-payments-service-is-returning-errors");
        assert_eq!(slugify(&"x".repeat(50)), "x".repeat(40));
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(slugify("Сбой оплаты"), "sboi-oplaty");
        assert_eq!(slugify("Σφάλμα πληρωμών"), "sphalma-pleromon");
        assert_eq!(slugify("支付失败"), "zhi-fu-shi-bai");
        assert_eq!(slugify("결제 실패"), "gyeolje-silpae");
        assert_eq!(slugify("Straße café"), "strasse-cafe");
        assert_eq!(slugify("Æther œuvre"), "aether-oeuvre");
        // Cut at 40 like any other title.
        let long = slugify(&"支付失败".repeat(10));
        assert!(long.len() <= SLUG_MAX && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn invisible_characters_do_not_split_words() {
        assert_eq!(slugify("pay\u{200b}ments down"), "payments-down");
        assert_eq!(
            slugify("\u{feff}pay\u{ad}ments\u{200d} \u{2060}down\u{202e}"),
            "payments-down"
        );
        assert_eq!(slugify("\u{200b}\u{200c}"), "incident");
    }

    #[test]
    fn clashes_get_numbered() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(candidate(date, "DB down", 1), "2026-11-21-db-down");
        assert_eq!(candidate(date, "DB down", 3), "2026-11-21-db-down-3");
        // A chosen id of the longest length makes room for its number.
        let longest = "a".repeat(ID_MAX);
        assert_eq!(
            numbered(&longest, 12),
            format!("{}-12", "a".repeat(ID_MAX - 3))
        );
        assert_eq!(numbered("db-", 2), "db-2");
    }

    #[test]
    fn the_next_free_id_counts_on_from_the_base() {
        let taken: Vec<&str> = vec!["db", "db-2", "db-3", "api-2"];
        let taken = |id: &str| taken.contains(&id);
        assert_eq!(next_free("db", taken), "db-4");
        assert_eq!(next_free("db-2", taken), "db-4", "not db-2-2");
        assert_eq!(next_free("api-2", taken), "api-2-2", "api itself is free");
        assert_eq!(next_free("web", taken), "web-2");
    }

    #[test]
    fn references_are_exact_ids_or_match_exactly_one() {
        let ids: Vec<String> = [
            "2026-11-20-db",
            "2026-11-20-db-2",
            "2026-11-21-checkout-502s",
            "api-gateway",
            "payments-api",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(resolve("2026-11-20-db", &ids).unwrap(), "2026-11-20-db");
        assert_eq!(
            resolve("2026-11-21", &ids).unwrap(),
            "2026-11-21-checkout-502s"
        );
        assert_eq!(
            resolve("CHECKOUT", &ids).unwrap(),
            "2026-11-21-checkout-502s"
        );
        assert_eq!(resolve("api-g", &ids).unwrap(), "api-gateway");
        match resolve("2026-11-20", &ids) {
            Err(Error::AmbiguousIncident { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        // A prefix of one id that stands inside another is not "of exactly one id".
        assert!(matches!(
            resolve("api", &ids),
            Err(Error::AmbiguousIncident { .. })
        ));
        assert!(matches!(
            resolve("refunds", &ids),
            Err(Error::NoMatchingIncident { .. })
        ));
    }

    proptest! {
        #[test]
        fn every_generated_id_is_valid(title in "\\PC{0,80}", attempt in 1u32..1000) {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
            let id = candidate(date, &title, attempt);
            prop_assert!(is_valid(&id), "{id}");
            let slug = slugify(&title);
            prop_assert!(slug.len() <= SLUG_MAX);
            prop_assert!(!slug.contains("--") && !slug.starts_with('-') && !slug.ends_with('-'));
        }

        #[test]
        fn a_reference_resolves_only_to_the_one_id_that_holds_it(reference in "[a-z0-9-]{1,12}") {
            let ids: Vec<String> =
                vec!["2026-11-21-api".into(), "2026-11-21-db-2".into(), "api-db".into()];
            let holders: Vec<&String> = ids.iter().filter(|id| id.contains(&reference)).collect();
            match resolve(&reference, &ids) {
                Ok(id) => prop_assert!(id == reference || holders == [&id]),
                Err(Error::AmbiguousIncident { candidates, .. }) => {
                    prop_assert_eq!(candidates.len(), holders.len())
                }
                Err(Error::NoMatchingIncident { .. }) => prop_assert!(holders.is_empty()),
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
