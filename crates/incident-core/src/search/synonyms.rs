//! Words that mean one thing in operations (`db` and `database`; `cert`, `tls`, `x509` and
//! `certificate`; `oom` and `out of memory`): a search for one finds the others, and
//! "seen before" counts them as one shared word. The table below is the one built in; a
//! team extends it with a file of the same format in the data directory (`SYNONYMS_FILE`).
//!
//! The format, one group a line: its words or phrases separated by commas, in any case
//! and form (each is folded and stemmed as any text); `#` begins a comment line. A word in
//! several groups joins them. Lines stand alone, so two people's additions merge line by
//! line, and the file can be shared as it is.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::terms::terms;

/// The name of the team's own synonyms file in the data directory.
pub const SYNONYMS_FILE: &str = "synonyms";
/// The largest synonyms file read; a bigger one is ignored, said so.
pub const MAX_SYNONYMS_BYTES: u64 = 64 * 1024;
/// How many groups a file may add; the lines after are ignored, said so.
const MAX_GROUPS: usize = 1000;
/// The longest line read, and the most words in one phrase.
const MAX_LINE_BYTES: usize = 1000;
const MAX_PHRASE_TERMS: usize = 4;

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

static BUILT_IN_TABLE: LazyLock<Synonyms> = LazyLock::new(|| {
    let mut synonyms = Synonyms::default();
    let warnings = synonyms.add(BUILT_IN);
    debug_assert!(warnings.is_empty(), "{warnings:?}");
    synonyms.built_in = synonyms.groups.len();
    synonyms
});

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

    /// The built-in table and the groups of a team's file, with a warning for each line
    /// of the file that could not be used (that line is left out, the others count).
    pub fn with_file(file: &str) -> (Synonyms, Vec<String>) {
        let mut synonyms = Synonyms::built_in();
        let warnings = synonyms.add(file);
        (synonyms, warnings)
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

    /// Adds the groups of `text`, in the file's format; the warnings of the lines left out.
    fn add(&mut self, text: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        let mut added = 0;
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if added == MAX_GROUPS {
                warnings.push(format!(
                    "line {number} and after: more than {MAX_GROUPS} groups; the rest are left out"
                ));
                break;
            }
            match parse_line(line) {
                Ok(group) => {
                    self.insert(group);
                    added += 1;
                }
                Err(why) => warnings.push(format!("line {number}: {why}; left out")),
            }
        }
        warnings
    }

    fn insert(&mut self, group: Vec<Vec<String>>) {
        let index = self.groups.len();
        for phrase in &group {
            self.longest = self.longest.max(phrase.len());
            self.starts.insert(phrase[0].clone());
            let groups = self.by_phrase.entry(phrase.join(" ")).or_default();
            if !groups.contains(&index) {
                groups.push(index);
            }
        }
        self.groups.push(group);
    }
}

/// One line's group: its phrases as terms, each once.
fn parse_line(line: &str) -> Result<Vec<Vec<String>>, String> {
    if line.len() > MAX_LINE_BYTES {
        return Err(format!("longer than {MAX_LINE_BYTES} bytes"));
    }
    let mut group: Vec<Vec<String>> = Vec::new();
    for phrase in line.split(',') {
        if phrase.trim().is_empty() {
            continue;
        }
        let phrase_terms = terms(phrase);
        if phrase_terms.is_empty() {
            return Err(format!(
                "{:?} has no letter or digit",
                crate::sanitize::one_line(phrase.trim())
            ));
        }
        if phrase_terms.len() > MAX_PHRASE_TERMS {
            return Err(format!(
                "{:?} has more than {MAX_PHRASE_TERMS} words",
                crate::sanitize::one_line(phrase.trim())
            ));
        }
        if !group.contains(&phrase_terms) {
            group.push(phrase_terms);
        }
    }
    if group.len() < 2 {
        return Err("a group needs two words or phrases or more, separated by commas".into());
    }
    Ok(group)
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
        let mut synonyms = Synonyms::default();
        assert_eq!(synonyms.add(BUILT_IN), Vec::<String>::new());
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
        let (synonyms, warnings) = Synonyms::with_file(file);
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
        let (_, warnings) = Synonyms::with_file(&file);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("more than 1000 groups"),
            "{warnings:?}"
        );
    }
}
