//! Words that mean one thing in operations (`db` and `database`; `cert`, `tls`, `x509` and
//! `certificate`; `oom` and `out of memory`): a search for one finds the others, and
//! "seen before" counts them as one shared word. The table below is the one built in; a
//! team adds its own groups, shared through its remote (`team_synonyms.rs`), and a file
//! of this table's format kept by hand in a data directory.
//!
//! The format, one group a line: its words or phrases separated by commas, in any case
//! and form (each is folded and stemmed as any text); `#` begins a comment line. A word in
//! several groups joins them. What a word or phrase of a group must be, wherever it comes
//! from, is `phrase_of`'s; what a group must be, `group_of`'s.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::terms::terms;
use crate::sanitize::{is_hidden, one_line};

/// How many groups a file may add; the lines after are ignored, said so.
const MAX_GROUPS: usize = 1000;
/// The longest line read.
const MAX_LINE_BYTES: usize = 1000;
/// The most words in one phrase.
const MAX_PHRASE_TERMS: usize = 4;
/// The longest word or phrase, in bytes.
pub const MAX_PHRASE_BYTES: usize = 100;
/// The most words and phrases in one group.
pub const MAX_GROUP_PHRASES: usize = 16;

/// The operations vocabulary every team shares. Each line is a group, as in the file.
const BUILT_IN: &str = "\
db, dbs, database
cert, certs, certificate, tls, ssl, x509
oom, oomkilled, oom killer, out of memory
dns, servfail, nxdomain, nameserver, name server, name resolution, resolv conf
5xx, 500, 502, 503, 504, server error, bad gateway, gateway timeout, service unavailable
4xx, 400, 401, 403, 404
down, outage, unavailable, offline
failover, fail over, switchover, switch over
expiry, expiration, expired
lb, lbs, load balancer, load balancing, loadbalancer, elb, alb, nlb
k8s, kubernetes, kube
disk full, no space, out of space, out of disk, enospc
latency, slow, slowness
rate limit, ratelimit, rate limiting, throttle, throttling, 429, too many requests
config, configuration, conf, cfg
misconfiguration, misconfigured, misconfig, bad config, wrong config
deploy, deployment, rollout, roll out
rollback, roll back, revert
restart, reboot, bounce
crash, crashloop, crash loop, crashloopbackoff, segfault
timeout, timed out, time out, deadline exceeded
ddos, denial of service, syn flood
thundering herd, stampede, retry storm, reconnect storm
packet loss, dropped packets, packet drop
bgp, border gateway protocol, route leak
postgres, postgresql, pg, psql
mysql, mysqld
primary, master
replica, secondary, standby, follower
replication lag, replica lag, replication delay
auth, authentication, login, log in, sign in, signin
permission denied, access denied, forbidden
ntp, ntpd, chrony, time sync
clock skew, clock drift, time drift
dc, datacenter, data center
az, availability zone
power outage, power failure, power loss, loss of power, blackout
overload, overloaded, saturation, saturated
integer overflow, int overflow, numeric overflow, out of range
wraparound, wrap around
delete, deletion, wipe, purge
hang, hung, freeze, frozen, unresponsive
spike, surge, burst
prod, production
env, environment
infra, infrastructure
svc, service
repo, repository
app, application
perf, performance
mem, memory
conn, connection
req, request
vm, virtual machine
firewall, waf
regex, regexp, regular expression
";

/// The built-in table's groups, as written.
static BUILT_IN_GROUPS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    let (groups, warnings) = parse_file(BUILT_IN);
    debug_assert!(warnings.is_empty(), "{warnings:?}");
    groups
});

static BUILT_IN_TABLE: LazyLock<Synonyms> = LazyLock::new(|| {
    let mut synonyms = Synonyms::default();
    for group in BUILT_IN_GROUPS.iter() {
        synonyms.insert(group);
    }
    synonyms.built_in = synonyms.groups.len();
    synonyms
});

/// The built-in table's groups, each its words and phrases as written.
pub fn built_in_groups() -> &'static [Vec<String>] {
    &BUILT_IN_GROUPS
}

/// Groups of phrases that mean one thing, each phrase a sequence of terms.
#[derive(Clone, Debug, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// Every phrase, its terms joined by spaces: the groups it is in.
    by_phrase: HashMap<String, Vec<usize>>,
    /// The first term of every phrase.
    starts: HashSet<String>,
    /// The most terms of any phrase.
    longest: usize,
    /// How many of the groups are the built-in table's (they come first).
    built_in: usize,
}

impl Synonyms {
    /// The built-in table alone.
    pub fn built_in() -> Synonyms {
        BUILT_IN_TABLE.clone()
    }

    /// The built-in table, without a copy.
    pub(super) fn built_in_table() -> &'static Synonyms {
        &BUILT_IN_TABLE
    }

    /// The built-in table and these groups (a team's), each its words and phrases as
    /// `group_of` makes them.
    pub fn extended<'a>(groups: impl IntoIterator<Item = &'a [String]>) -> Synonyms {
        let mut synonyms = Synonyms::built_in();
        for group in groups {
            synonyms.insert(group);
        }
        synonyms
    }

    /// These groups alone, without the built-in table.
    pub(super) fn of<'a>(groups: impl IntoIterator<Item = &'a [String]>) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for group in groups {
            synonyms.insert(group);
        }
        synonyms
    }

    /// The phrases of the groups `groups`, each once.
    pub(super) fn phrases(&self, groups: &[usize]) -> Vec<&[String]> {
        let mut phrases: Vec<&[String]> = Vec::new();
        for group in groups {
            for phrase in &self.groups[*group] {
                if !phrases.contains(&phrase.as_slice()) {
                    phrases.push(phrase);
                }
            }
        }
        phrases
    }

    /// The longest phrase of some group that `terms` begins with: how many terms it
    /// takes, and the groups it is in.
    pub(super) fn phrase_at(&self, terms: &[&str]) -> Option<(usize, &[usize])> {
        if !terms
            .first()
            .is_some_and(|first| self.starts.contains(*first))
        {
            return None;
        }
        let mut key = String::new();
        let mut longest = None;
        for (length, term) in terms.iter().take(self.longest).enumerate() {
            if length > 0 {
                key.push(' ');
            }
            key.push_str(term);
            if let Some(groups) = self.by_phrase.get(&key) {
                longest = Some((length + 1, groups.as_slice()));
            }
        }
        longest
    }

    /// Whether a phrase is in the built-in table, which a past incident's memory keeps
    /// whole (`Memory`); a team's own phrases are matched there by their words.
    pub(super) fn is_built_in(&self, phrase: &[String]) -> bool {
        self.by_phrase
            .get(&phrase.join(" "))
            .is_some_and(|groups| groups.iter().any(|group| *group < self.built_in))
    }

    /// Whether one group already holds every word and phrase of `group`: adding it would
    /// say nothing new.
    pub(super) fn holds_together(&self, group: &[String]) -> bool {
        let mut common: Option<Vec<usize>> = None;
        for phrase in group {
            let Some(groups) = self.by_phrase.get(&terms(phrase).join(" ")) else {
                return false;
            };
            common = Some(match common {
                None => groups.clone(),
                Some(common) => common.into_iter().filter(|g| groups.contains(g)).collect(),
            });
        }
        common.is_some_and(|common| !common.is_empty())
    }

    /// Adds a group, its words and phrases as written.
    fn insert(&mut self, group: &[String]) {
        let index = self.groups.len();
        let mut phrases: Vec<Vec<String>> = Vec::with_capacity(group.len());
        for phrase in group {
            let phrase = terms(phrase);
            if phrase.is_empty() || phrases.contains(&phrase) {
                continue;
            }
            self.longest = self.longest.max(phrase.len());
            self.starts.insert(phrase[0].clone());
            let groups = self.by_phrase.entry(phrase.join(" ")).or_default();
            if !groups.contains(&index) {
                groups.push(index);
            }
            phrases.push(phrase);
        }
        self.groups.push(phrases);
    }
}

/// The words and phrases of a group as typed on one line: separated by commas when there
/// is one (`wal, write-ahead log`), else by spaces (`db database`).
pub fn typed_group(text: &str) -> Vec<&str> {
    if text.contains(',') {
        text.split(',')
            .filter(|phrase| !phrase.trim().is_empty())
            .collect()
    } else {
        text.split_whitespace().collect()
    }
}

/// A word or phrase of a group as typed: its spaces evened out, and its terms. Refused,
/// saying why, when it cannot be one: nothing to search by, more than `MAX_PHRASE_TERMS`
/// words, longer than `MAX_PHRASE_BYTES`, a comma (which separates a group's phrases), or
/// a character that would not show as itself (a control or invisible one).
pub fn phrase_of(typed: &str) -> Result<(String, Vec<String>), String> {
    let phrase = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    // The length first: a phrase is shown only once it is known to be short.
    if phrase.len() > MAX_PHRASE_BYTES {
        return Err(format!(
            "a word or phrase is {} bytes long; the limit is {MAX_PHRASE_BYTES}",
            phrase.len()
        ));
    }
    let shown = || format!("{:?}", one_line(&phrase));
    if phrase.chars().any(is_hidden) {
        return Err(format!(
            "{} holds a control or invisible character",
            shown()
        ));
    }
    if phrase.contains(',') {
        return Err(format!(
            "{} holds a comma, which separates the words of a group",
            shown()
        ));
    }
    let phrase_terms = terms(&phrase);
    if phrase_terms.is_empty() {
        return Err(format!("{} has no letter or digit", shown()));
    }
    if phrase_terms.len() > MAX_PHRASE_TERMS {
        return Err(format!(
            "{} has more than {MAX_PHRASE_TERMS} words",
            shown()
        ));
    }
    Ok((phrase, phrase_terms))
}

/// A group from its words and phrases as typed: each checked (`phrase_of`) and kept once
/// (of two with the same terms, `databases` and `database`, the first), two or more of
/// them and at most `MAX_GROUP_PHRASES`.
pub fn group_of<'a>(typed: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut group: Vec<String> = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    for typed in typed {
        let (phrase, phrase_terms) = phrase_of(typed)?;
        if !seen.contains(&phrase_terms) {
            seen.push(phrase_terms);
            group.push(phrase);
        }
    }
    if group.len() < 2 {
        return Err("a group needs two words or phrases or more, separated by commas".into());
    }
    if group.len() > MAX_GROUP_PHRASES {
        return Err(format!(
            "a group holds at most {MAX_GROUP_PHRASES} words and phrases; {} were given",
            group.len()
        ));
    }
    Ok(group)
}

/// The groups of a text in the file's format, each its words and phrases as written, and a
/// warning for each line that could not be used (that line is left out, the others count).
pub fn parse_file(text: &str) -> (Vec<Vec<String>>, Vec<String>) {
    let mut groups = Vec::new();
    let mut warnings = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if groups.len() == MAX_GROUPS {
            warnings.push(format!(
                "line {number} and after: more than {MAX_GROUPS} groups; the rest are left out"
            ));
            break;
        }
        let group = if line.len() > MAX_LINE_BYTES {
            Err(format!("longer than {MAX_LINE_BYTES} bytes"))
        } else {
            group_of(line.split(',').filter(|phrase| !phrase.trim().is_empty()))
        };
        match group {
            Ok(group) => groups.push(group),
            Err(why) => warnings.push(format!("line {number}: {why}; left out")),
        }
    }
    (groups, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups_of(synonyms: &Synonyms, words: &str) -> Vec<Vec<String>> {
        let terms = terms(words);
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        let (length, groups) = synonyms.phrase_at(&terms).expect("a phrase");
        assert_eq!(length, terms.len());
        synonyms
            .phrases(groups)
            .into_iter()
            .map(<[String]>::to_vec)
            .collect()
    }

    #[test]
    fn the_built_in_table_reads_without_a_warning() {
        assert_eq!(parse_file(BUILT_IN).1, Vec::<String>::new());
        let synonyms = Synonyms::built_in();
        let certificate = groups_of(&synonyms, "x509");
        assert!(certificate.contains(&vec!["certif".to_string()]));
        assert!(certificate.contains(&vec!["tls".to_string()]));
        // Phrases are found whole, the longest first, in any form.
        let oom = groups_of(&synonyms, "Out of Memory");
        assert!(oom.contains(&vec!["oom".to_string()]));
        assert!(groups_of(&synonyms, "databases").contains(&vec!["db".to_string()]));
        assert!(synonyms.phrase_at(&["out", "of"]).is_none());
    }

    #[test]
    fn a_teams_file_adds_groups_and_its_bad_lines_are_warnings() {
        let file = "# ours\n\
                    pg, pgbouncer pool\n\
                    \n\
                    lonely\n\
                    a, ---\n\
                    one two three four five, x\n\
                    payments, billing, db\n";
        let (groups, warnings) = parse_file(file);
        let synonyms = Synonyms::extended(groups.iter().map(Vec::as_slice));
        assert_eq!(
            warnings,
            [
                "line 4: a group needs two words or phrases or more, separated by commas; left out",
                "line 5: \"---\" has no letter or digit; left out",
                "line 6: \"one two three four five\" has more than 4 words; left out",
            ]
        );
        // Joined with the built-in group that has `pg`.
        let pg = groups_of(&synonyms, "pg");
        assert!(pg.contains(&vec!["postgr".to_string()]));
        assert!(pg.contains(&vec!["pgbouncer".to_string(), "pool".to_string()]));
        // `db` is in two groups now: both are its synonyms.
        let db = groups_of(&synonyms, "db");
        assert!(
            db.contains(&vec!["databas".to_string()]) && db.contains(&vec!["bill".to_string()])
        );
    }

    #[test]
    fn a_file_of_too_many_groups_stops_at_the_cap() {
        let file: String = (0..MAX_GROUPS + 5)
            .map(|n| format!("w{n}a, w{n}b\n"))
            .collect();
        let (groups, warnings) = parse_file(&file);
        assert_eq!(groups.len(), MAX_GROUPS);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("more than 1000 groups"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_group_is_two_words_or_phrases_or_more_each_shown_as_itself() {
        assert_eq!(typed_group("db database"), ["db", "database"]);
        assert_eq!(
            typed_group("wal,  write-ahead   log,"),
            ["wal", "  write-ahead   log"]
        );
        assert_eq!(
            group_of(["wal", "  write-ahead   log", "WAL", "wals"]).expect("a group"),
            ["wal", "write-ahead log"]
        );
        let refused = |typed: &[&str]| group_of(typed.iter().copied()).unwrap_err();
        assert!(refused(&["wal"]).contains("two words or phrases or more"));
        assert!(refused(&["wal", "wals"]).contains("two words or phrases or more"));
        assert!(refused(&["a\u{1b}[31m", "b"]).contains(r#""a\\x1b[31m" holds a control"#));
        assert!(refused(&["pay\u{200b}ments", "billing"]).contains("invisible"));
        assert!(refused(&["a,b", "c"]).contains("comma"));
        assert!(refused(&[&"x".repeat(MAX_PHRASE_BYTES + 1), "y"]).contains("bytes long"));
        let many: Vec<String> = (0..=MAX_GROUP_PHRASES).map(|n| format!("w{n}")).collect();
        assert!(
            group_of(many.iter().map(String::as_str))
                .unwrap_err()
                .contains("at most 16")
        );
    }

    #[test]
    fn a_group_held_together_already_says_nothing_new() {
        let built_in = Synonyms::built_in();
        assert!(built_in.holds_together(&["DB".into(), "databases".into()]));
        assert!(built_in.holds_together(&["out of memory".into(), "oom".into()]));
        assert!(!built_in.holds_together(&["db".into(), "certificate".into()]));
        assert!(!built_in.holds_together(&["wal".into(), "db".into()]));
    }
}
