#!/usr/bin/env bash
# Replays GitLab.com's database outage of 31 January 2017 (bench/replay/gitlab-2017-01-31.md)
# as three responders on two machines sharing one bare git remote, then renders every view
# of it on both machines.
#
#   bench/replay/gitlab-2017-01-31.sh [WORKDIR]     BIN=path/to/incident (default
#                                                   target/release/incident)
#
# WORKDIR (a new temp dir by default, printed at the end) holds team.git, the data
# directories yp-laptop and jn-laptop, transcript.txt (every command and what it printed)
# and views/ (every view, from both machines). Exits non-zero at the first command that
# fails.
set -euo pipefail

BIN=${BIN:-target/release/incident}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release" >&2; exit 2; }
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
A=$WORK/yp-laptop
B=$WORK/jn-laptop
TRANSCRIPT=$WORK/transcript.txt
: >"$TRANSCRIPT"
git init --quiet --bare "$WORK/team.git"

# The clock of the commands that follow: every command runs at NOW.
NOW=
at() { NOW=$1; }

# run MACHINE USER ZONE ARGS…: one command on one machine, written to the transcript with
# what it printed; its stdout is also this function's.
run() {
  local dir=$1 user=$2 zone=$3
  shift 3
  local out status=0
  printf '[%s %s@%s] incident %s\n' "$NOW" "$user" "$(basename "$dir")" "$*" >>"$TRANSCRIPT"
  out=$(env INCIDENT_DIR="$dir" INCIDENT_USER="$user" TZ="$zone" INCIDENT_NOW="$NOW" \
    INCIDENT_SYNC=off HOME="$WORK" GIT_CONFIG_NOSYSTEM=1 "$BIN" "$@" 2>>"$TRANSCRIPT") ||
    status=$?
  if [ -n "$out" ]; then printf '%s\n' "$out" >>"$TRANSCRIPT"; fi
  if [ "$status" -ne 0 ]; then
    echo "failed ($status): incident $*; see $TRANSCRIPT" >&2
    exit "$status"
  fi
  if [ -n "$out" ]; then printf '%s\n' "$out"; fi
}
yp() { run "$A" YP UTC "$@"; }
jn() { run "$B" JN Europe/Amsterdam "$@"; }
sp() { run "$B" SP Europe/Amsterdam "$@"; }

# ---------------------------------------------------------------- 2017-01-31, yp-laptop
at 2017-01-31T21:02:00Z
ID=$(yp open "Database load spike, writes lock up" --at 2017-01-31T21:00:00Z --severity 3 -q)
yp remote "$WORK/team.git" >/dev/null
yp role primary YP --at 2017-01-31T21:00:00Z >/dev/null
yp note --key "YP took an LVM snapshot of production to load into staging for pgpool tests" \
  --at 2017-01-31T17:20:00Z >/dev/null
yp symptom "writes to the primary database lock up; GitLab.com partly down" \
  --at 2017-01-31T21:00:00Z >/dev/null
yp symptom "spammers create snippets by the thousand since about 18:00" \
  --at 2017-01-31T18:00:00Z >/dev/null
at 2017-01-31T21:05:00Z
yp hypothesis "spam users creating snippets load the primary" --explains S1,S2 >/dev/null
at 2017-01-31T21:06:00Z
yp hypothesis "one account used as a CDN: 47 000 IPs signed in with it" --explains S1 >/dev/null
at 2017-01-31T21:10:00Z
yp test "block the spammers' IPs, remove the spam users, watch the load" --for H1 >/dev/null
at 2017-01-31T21:12:00Z
yp test "remove the CDN user and watch sign-ins and load" --for H2 >/dev/null
at 2017-01-31T21:40:00Z
yp result T1 "load down by a third once the IPs are blocked and the spam users removed" \
  --confirms H1 >/dev/null
at 2017-01-31T21:45:00Z
yp result T2 "the account's sign-ins stop; writes flow again" --confirms H2 >/dev/null
yp sync >/dev/null

# ---------------------------------------------------------------- 22:00, the page
at 2017-01-31T22:01:00Z
jn remote "$WORK/team.git" >/dev/null
jn sync >/dev/null
jn use "$ID" >/dev/null
jn role commander JN --at 2017-01-31T22:01:00Z >/dev/null
jn symptom "paged: replication to db2 lags about 4 GB behind db1, effectively stopped" \
  --at 2017-01-31T22:00:00Z >/dev/null
at 2017-01-31T22:03:00Z
jn severity 2 "the only standby no longer replicates" >/dev/null
at 2017-01-31T22:05:00Z
jn hypothesis "a spike of writes the secondary could not replay in time" --explains S3 >/dev/null
jn note "replication lag graph attached to the incident doc" >/dev/null
jn sync >/dev/null

# YP, not synced since 21:45, records his resync: his N1 clashes with JN's.
at 2017-01-31T22:15:00Z
yp note "wiped db2's data directory for a clean pg_basebackup" >/dev/null
at 2017-01-31T22:20:00Z
yp note "pg_basebackup refuses: max_wal_senders too low; raised to 32 on db1, PostgreSQL restarted" >/dev/null
yp sync
at 2017-01-31T22:30:00Z
yp note "PostgreSQL on db1 would not start (too many semaphores): max_connections lowered from 8000 to 2000" >/dev/null
at 2017-01-31T22:45:00Z
yp note "pg_basebackup still hangs, printing nothing" >/dev/null
at 2017-01-31T22:50:00Z
H_DIR=$(yp hypothesis "pg_basebackup refuses because db2's data directory exists, though empty" -q)
at 2017-01-31T23:00:00Z
T_DIR=$(yp test "remove db2's data directory and run pg_basebackup again" --for "$H_DIR" -q)

# ---------------------------------------------------------------- 23:27, rm -rf on db1
at 2017-01-31T23:28:00Z
yp note --key "rm -rf of the data directory ran on db1.cluster.gitlab.com, the primary, not db2; stopped after a second or two: of about 300 GB, 4.5 GB left" \
  --at 2017-01-31T23:27:00Z >/dev/null
yp severity 1 "the primary's data is gone; GitLab.com goes offline" --at 2017-01-31T23:27:00Z >/dev/null
IMPACT=$(yp impact "GitLab.com offline: web, API, issues, merge requests; git data untouched" \
  --from 2017-01-31T23:27:00Z -q)
at 2017-01-31T23:30:00Z
yp stage identified "we know what happened: the primary's data directory was removed" >/dev/null
yp retitle "GitLab.com database outage: primary data directory removed" >/dev/null
yp sync >/dev/null

# ---------------------------------------------------------------- 23:31, the same outage opened twice
at 2017-01-31T23:31:00Z
DUP=$(jn open "GitLab.com down" --severity 1 -q)
jn symptom "GitLab.com answers 503 on every page" >/dev/null
at 2017-01-31T23:35:00Z
jn update "We are performing emergency database maintenance, GitLab.com will be taken offline" \
  --to "@gitlabstatus on Twitter" >/dev/null
at 2017-01-31T23:38:00Z
jn escalate SP "a second pair of eyes on the backups; YP has been at it since the morning" >/dev/null
at 2017-01-31T23:45:00Z
jn sync >/dev/null
jn use "$ID" >/dev/null
jn merge "$DUP" --why "same outage: the page and the Twitter alert opened it twice"
jn sync >/dev/null

# ---------------------------------------------------------------- 23:50, how do we restore?
at 2017-01-31T23:50:00Z
sp role comms SP >/dev/null
at 2017-01-31T23:52:00Z
Q_RESTORE=$(sp situation "How do we restore the primary database? db1's data is gone, db2 was wiped for the resync" -q)
O_DUMP=$(sp option "restore the nightly pg_dump from S3" \
  --consequence "up to 24 hours of changes lost; hours to load" -q)
O_AZURE=$(sp option "restore an Azure disk snapshot of db1" \
  --consequence "as old as the last snapshot; fast to attach" -q)
O_LVM=$(sp option "copy the 17:20 LVM snapshot from db1.staging" \
  --consequence "about 6 hours of changes lost (17:20 to 23:25); staging's disks are slow" -q)
at 2017-01-31T23:55:00Z
H_DUMP=$(sp hypothesis "the pg_dump backups in S3 are usable" -q)
H_AZURE=$(sp hypothesis "Azure disk snapshots of the database servers exist" -q)
T_DUMP=$(sp test "list the S3 bucket of database backups" --for "$H_DUMP" -q)
T_AZURE=$(sp test "look for disk snapshots of db1 and db2 in the Azure portal" --for "$H_AZURE" -q)
sp sync >/dev/null

at 2017-02-01T00:10:00Z
sp result "$T_DUMP" --key "the bucket is empty: pg_dump ran 9.2 binaries against 9.6 and failed; its cron mails were rejected by DMARC" \
  --rules-out >/dev/null
at 2017-02-01T00:15:00Z
sp result "$T_AZURE" "disk snapshots were never enabled for the database servers" --rules-out >/dev/null
at 2017-02-01T00:20:00Z
jn decide "$O_LVM" "the only copy less than a day old; we accept losing 17:20 to 23:25" >/dev/null
at 2017-02-01T00:45:00Z
TWEET="We accidentally deleted production data and might have to restore from backup. Live notes: https://docs.google.com/document/d/1GCK53YDcBWQveod9kfzW-VCxIABGiryG7_z_6jHdVik/pub"
sp update "$TWEET" --to "@gitlabstatus on Twitter" >/dev/null
# SP, on a second terminal, sends it again: one tweet went out, two updates are recorded.
DUPLICATE=$(sp update "$TWEET" --to "@gitlabstatus on Twitter" -q)
sp cadence 1h >/dev/null
sp sync >/dev/null

# ---------------------------------------------------------------- 00:36, staging, yp-laptop
at 2017-02-01T00:40:00Z
yp sync >/dev/null
yp note "backed up db1.staging's data before touching it" --at 2017-02-01T00:36:00Z >/dev/null
at 2017-02-01T01:20:00Z
yp note "what was left of db1's data, pg_xlog included, tarred up on nfs-share01" \
  --at 2017-02-01T01:18:00Z >/dev/null
at 2017-02-01T01:30:00Z
Q_COPY=$(yp situation "How do we get the snapshot's data onto db1.cluster?" -q)
O_RSYNC=$(yp option "rsync staging's data directory to db1.cluster" \
  --consequence "staging is on Azure classic storage: about 60 Mbps, many hours" -q)
yp option "promote db1.staging to be the production primary" \
  --consequence "staging's VM is too small and its disks too slow to serve GitLab.com" >/dev/null
yp sync >/dev/null

at 2017-02-01T01:45:00Z
jn sync >/dev/null
jn decide "$O_RSYNC" "production's disks and size; we wait for the copy" >/dev/null
jn sync >/dev/null

# ---------------------------------------------------------------- 06:00, the handover
at 2017-02-01T06:00:00Z
sp role commander SP >/dev/null
at 2017-02-01T06:05:00Z
mkdir -p "$WORK/views"
sp status --format can >"$WORK/views/handover-0605.md"
sp status --format slack >"$WORK/views/handover-0605.slack"
sp status --color never >"$WORK/views/board-0605.txt"
sp update --draft >"$WORK/views/draft-0605.md"
sp update --draft --format slack >"$WORK/views/draft-0605.slack"
sp update --draft --format text >"$WORK/views/draft-0605.txt"
sp update "Restoring from the 17:20 snapshot: copying the data to production, about 40% done; we will post progress every hour" \
  --to "@gitlabstatus on Twitter" >/dev/null
sp sync >/dev/null

# ---------------------------------------------------------------- 2017-02-01, the copy and the restore
at 2017-02-01T09:00:00Z
yp sync >/dev/null
H_CHECKPOINT=$(yp hypothesis "pg_basebackup waited, silently, for a checkpoint on db1 before copying" -q)
T_CHECKPOINT=$(yp test "run pg_basebackup against db1.staging with --progress and --checkpoint=fast" \
  --for "$H_DIR,$H_CHECKPOINT" -q)
at 2017-02-01T09:30:00Z
yp result "$T_CHECKPOINT" "with --checkpoint=fast it starts copying at once into a directory that exists" \
  --rules-out "$H_DIR" --confirms "$H_CHECKPOINT" >/dev/null
yp sync >/dev/null

at 2017-02-01T18:10:00Z
# Recorded at 18:10; it happened at 17:50 (corrected after the close).
STAGE=$(yp stage mitigated "database restored on db1.cluster from the snapshot; GitLab.com coming back" -q)
yp sync >/dev/null
at 2017-02-01T18:14:00Z
sp sync >/dev/null
sp update "GitLab.com is back online" --to "@gitlabstatus on Twitter" >/dev/null
sp close "GitLab.com back online, restored from the LVM snapshot taken at 17:20 on db1.staging; database changes from 17:20 to 23:25 lost" \
  --at 2017-02-01T18:14:00Z >/dev/null
sp sync >/dev/null

# ---------------------------------------------------------------- the write-up, 2017-02-02 to 2017-02-10
at 2017-02-02T10:00:00Z
yp sync >/dev/null
yp amend "$IMPACT" --to 2017-02-01T18:14:00Z >/dev/null
yp impact "database changes lost from 17:20 to 00:00 UTC on 31 January: about 5,000 projects, 5,000 comments and 700 new users" >/dev/null
yp cause --trigger "rm -rf of the PostgreSQL data directory ran on db1, the primary, instead of db2" >/dev/null
yp cause --root "no backup or replication method was tested: pg_dump failed silently (9.2 binaries against 9.6, mails rejected by DMARC), Azure disk snapshots were off, the standby had just been wiped" >/dev/null
yp cause --contributing "spam and a background job deleting a flagged employee's account loaded the primary until replication lagged" >/dev/null
yp cause --contributing "pg_basebackup waits silently for a checkpoint; late at night that read as a refusal" \
  --hypothesis "$H_CHECKPOINT" >/dev/null
yp cause --contributing "the snapshot lived on staging's slow classic storage, so the copy took most of the day" >/dev/null
yp lesson --went well "live notes in a public doc, a YouTube stream and tweets every hour kept users with us" >/dev/null
yp lesson --went wrong "five backup and replication methods, none working or set up" >/dev/null
yp lesson --went wrong "db1 and db2 had the same prompt" >/dev/null
yp lesson --went lucky "YP's LVM snapshot at 17:20, made for staging, six hours before the loss" >/dev/null
yp sync >/dev/null

at 2017-02-03T09:00:00Z
jn sync >/dev/null
A_PS1=$(jn action "Update PS1 on every host to tell hosts and environments apart" --owner YP \
  --due 2017-02-10 --link https://gitlab.com/gitlab-com/infrastructure/issues/1094 -q)
A_MONITOR=$(jn action "Monitor the backups with Prometheus" --owner SP --due 2017-02-17 \
  --link https://gitlab.com/gitlab-com/infrastructure/issues/1095 -q)
A_CONNECTIONS=$(jn action "Set PostgreSQL's max_connections to a sane value" --owner YP \
  --due 2017-02-10 --link https://gitlab.com/gitlab-com/infrastructure/issues/1096 -q)
jn action "Investigate point-in-time recovery and continuous archiving for PostgreSQL" \
  --owner JN --due 2017-03-01 --link https://gitlab.com/gitlab-com/infrastructure/issues/1097 >/dev/null
jn action "Hourly LVM snapshots of the production databases" --owner YP --due 2017-02-17 \
  --link https://gitlab.com/gitlab-com/infrastructure/issues/1098 >/dev/null
jn action "Azure disk snapshots of the production databases" --owner SP --due 2017-02-24 \
  --link https://gitlab.com/gitlab-com/infrastructure/issues/1099 >/dev/null
jn action "Test restoring the PostgreSQL backups automatically" --owner JN --due 2017-03-15 \
  --link https://gitlab.com/gitlab-com/infrastructure/issues/1102 >/dev/null
jn done "$A_CONNECTIONS" "max_connections 2000 kept, in chef" >/dev/null
jn sync >/dev/null

# The corrections, after the close.
at 2017-02-06T11:00:00Z
yp sync >/dev/null
yp amend "$STAGE" --time 2017-02-01T17:50:00Z >/dev/null
yp sync >/dev/null
at 2017-02-07T15:00:00Z
sp sync >/dev/null
sp amend "$A_MONITOR" --due 2017-03-01 >/dev/null
sp retract "$DUPLICATE" --why "typed twice; one tweet went out" >/dev/null
at 2017-02-09T16:00:00Z
sp summary "On 31 January at 23:27 UTC, while resyncing the standby database, an engineer removed the primary's data directory on db1 instead of db2. None of our five backup and replication methods worked, so we restored GitLab.com from an LVM snapshot taken six hours earlier on staging; it was offline for 18 hours 47 minutes. Database changes made between 17:20 and 23:25 UTC were lost: about 5,000 projects, 5,000 comments and 700 new users." >/dev/null
sp sync >/dev/null
at 2017-02-10T09:00:00Z
yp sync >/dev/null
jn sync >/dev/null

# ---------------------------------------------------------------- every view, from both machines
at 2017-02-10T09:00:00Z
for machine in yp jn; do
  v=$WORK/views/$machine
  mkdir -p "$v"
  $machine report >"$v/report.md"
  $machine report --template google >"$v/report-google.md"
  $machine report --template pagerduty >"$v/report-pagerduty.md"
  $machine report --format json >"$v/report.json"
  $machine status --color never >"$v/board.txt"
  $machine status --format can >"$v/handover.md"
  $machine status --format slack >"$v/handover.slack"
  $machine update --draft >"$v/draft.md"
  $machine update --draft --format slack >"$v/draft.slack"
  $machine update --draft --format text >"$v/draft.txt"
  $machine log --all --color never >"$v/log.txt"
  $machine show "$Q_RESTORE" --color never >"$v/show-$Q_RESTORE.txt"
  $machine show "$STAGE" --color never >"$v/show-$STAGE.txt"
  $machine show "$A_MONITOR" --color never >"$v/show-$A_MONITOR.txt"
  $machine -i "$DUP" report >"$v/report-duplicate.md"
done
echo "$WORK"
