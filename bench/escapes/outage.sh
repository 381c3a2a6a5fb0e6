#!/usr/bin/env bash
# GitHub's outage of 21-22 October 2018 (a 43-second partition between the US East Coast
# hub and its primary data centre, Orchestrator moving MySQL primaries to US West, 24 hours
# 11 minutes of degraded service while data was restored from backup), recorded as five
# engineers would type it on the night: arrows, paths, percentages, URLs, `&`, `<`, `~`,
# `|`, snake_case names, @mentions and #123 issue numbers, more than a hundred entries.
#
# Run with `$BIN` the incident binary and `INCIDENT_DIR`, `INCIDENT_NOW` (after the end,
# e.g. 2018-10-23T12:00:00Z) and `TZ=UTC` set; `bench/escapes/run` does, and so does the
# test `readable_source` in tests/cli/report.rs. Times are UTC.
set -euo pipefail

i() { "$BIN" -q "$@" >/dev/null; }

i open "GitHub.com degraded: stale data, failed writes, delayed webhooks & Pages builds" \
  --at "2018-10-21 22:54" --severity 2 --by ana
i role commander ana --at "2018-10-21 22:54" --by ana
i role primary bob --at "2018-10-21 22:54" --by ana
i symptom "alerts: mysql_replication_lag > 30s on 14 clusters (mysql1, mysql3 & others)" \
  --at "2018-10-21 22:54" --by bob
i symptom "users report stale data after git push; UI shows old commits ~1 in 5 requests" \
  --at "2018-10-21 22:55" --by cara
i symptom "webhook deliveries queueing: hookshot backlog 40k and growing" \
  --at "2018-10-21 22:56" --by dev
i symptom "error rate on POST /repos/:owner/:repo/issues at 12% (normally < 0.1%)" \
  --at "2018-10-21 22:57" --by bob
i note "status: https://www.githubstatus.com set to yellow, 'investigating'" \
  --at "2018-10-21 22:58" --by cara
i hypothesis "bad deploy of github/github (last ship 21:10, PR #38221)" \
  --at "2018-10-21 22:59" --by bob
i hypothesis "network partition between US East Coast hub <-> East DC" \
  --at "2018-10-21 23:00" --by dev
i hypothesis "Orchestrator failed primaries over East -> West during a blip" \
  --at "2018-10-21 23:01" --by bob
i hypothesis "MySQL disk full on mysql1 primary (/data/mysql at 98%?)" \
  --at "2018-10-21 23:01" --by eli
i amend H4 "MySQL disk full on the mysql1 primary (/data/mysql at 98%?)" --by eli
i test "check the deploy log: is anything newer than 21:10 on github/github?" --for H1 \
  --at "2018-10-21 23:02" --by bob
i result T1 "no deploys since 21:10; the last one was a docs-only change" --rules-out H1 \
  --at "2018-10-21 23:03" --by bob
i test "df -h /data/mysql on mysql1-primary" --for H4 --at "2018-10-21 23:03" --by eli
i result T2 "61% used, plenty of room; disk is not it" --rules-out H4 \
  --at "2018-10-21 23:04" --by eli
i test "orchestrator-client -c topology -i mysql1 | grep -i primary" --for H3 \
  --at "2018-10-21 23:04" --by bob
i result T3 "topology is wrong: primaries for mysql1, mysql3, mysql7 now in us-west-2 (SEA) & East replicas point at them" \
  --confirms H3 --at "2018-10-21 23:06" --by bob
i note "locked deploys: .deploy lock --all --reason 'incident, no ships' (thanks @dev)" \
  --at "2018-10-21 23:07" --by ana
i severity 1 "writes taken in the West are not in the East; data could diverge" \
  --at "2018-10-21 23:09" --by ana
i note "status page -> red (major outage); tweeted from @githubstatus" \
  --at "2018-10-21 23:09" --by cara
i stage identified "Orchestrator moved primaries cross-coast after a partition" \
  --at "2018-10-21 23:10" --by ana
i role comms cara --at "2018-10-21 23:11" --by ana
i role scribe eli --at "2018-10-21 23:11" --by ana
i test "pull router & optical link logs for the East hub, 22:50-22:55" --for H2 \
  --at "2018-10-21 23:11" --by dev
i result T4 "link between the East hub and the primary East DC dropped for 43s at 22:52:01 during maintenance (replacing a failing 100G optical module)" \
  --confirms H2 --at "2018-10-21 23:13" --by dev
i note "paged the database on-call (@mysql-oncall) and the Orchestrator owners" \
  --at "2018-10-21 23:13" --by ana
i symptom "cross-coast latency ~60ms per write -> app requests time out (> 10s) against West primaries" \
  --at "2018-10-21 23:14" --by bob
i note "East DC has ~40s of writes not replicated West; West has ~30 min of writes not in the East" \
  --at "2018-10-21 23:15" --by bob
i option "fail back to the East now" \
  --consequence "lose ~30 min of writes taken in the West; users see data vanish" \
  --at "2018-10-21 23:16" --by bob
i option "stay on West primaries & fix latency" \
  --consequence "every write pays ~60ms RTT, site mostly unusable for hours" \
  --at "2018-10-21 23:17" --by dev
i option "restore East from backups, then replay West writes, then fail back" \
  --consequence "hours of degraded service; no user data lost" \
  --at "2018-10-21 23:18" --by bob
i decide O3 "data integrity over availability: we do not lose anyone's pushes, issues or PRs" \
  --at "2018-10-21 23:19" --by ana --key
i note "paused webhook delivery & GitHub Pages builds to stop work piling onto stale data" \
  --at "2018-10-21 23:19" --by ana --key
i note "hookshot queue at 210k events, pages_builds queue at 9.5k" \
  --at "2018-10-21 23:25" --by dev
i note "comms: first public update posted, next one in 30 min; internal updates in #incident-2018-10-21" \
  --at "2018-10-21 23:30" --by cara
i test "check the latest backups: s3://gh-mysql-backups/daily/ for mysql1 & mysql3" \
  --at "2018-10-21 23:32" --by eli
i result T5 "latest full backups from 2018-10-21 ~04:00; binlogs since then are there too" \
  --at "2018-10-21 23:40" --by eli
i note "estimate: restore of a multi-TB cluster takes ~4-6h per cluster; can run in parallel" \
  --at "2018-10-21 23:45" --by bob
i note "escalated to @vp-eng; ok'd the long restore (no data loss > speed)" \
  --at "2018-10-21 23:50" --by ana
i note "plan: 1) restore East from backups 2) sync from West 3) fail back 4) drain queues" \
  --at "2018-10-22 00:05" --by ana
i note "restore started for mysql1, mysql3 & mysql7 from the 04:00 backups" \
  --at "2018-10-22 00:41" --by bob --key
i note "status page update: 'we are restoring data; some features stay unavailable'" \
  --at "2018-10-22 00:45" --by cara
i note "decompressing backups is the slow part: ~2.2 GB/min per host" \
  --at "2018-10-22 01:30" --by eli
i test "compare row counts: SELECT count(*) FROM issues WHERE created_at > '2018-10-21 22:52'" \
  --at "2018-10-22 01:45" --by bob
i result T6 "East 0 rows, West 1,294 rows -> those writes must be replayed after the restore" \
  --at "2018-10-22 01:50" --by bob
i role primary dev --at "2018-10-22 02:00" --by ana
i note "handover bob -> dev for the night; bob back at 08:00" \
  --at "2018-10-22 02:00" --by ana
i note "restore progress: mysql1 55%, mysql3 40%, mysql7 70%" \
  --at "2018-10-22 03:00" --by dev
i note "webhooks backlog ~1.1M; Pages backlog ~30k; both still paused" \
  --at "2018-10-22 03:30" --by dev
i note "restore progress: mysql1 90%, mysql3 75%, mysql7 done" \
  --at "2018-10-22 05:10" --by dev
i note "some restores finished; replicating new data from the West into restored East hosts" \
  --at "2018-10-22 06:51" --by dev --key
i note "status: 'most clusters restored, catching up on replication' (cara)" \
  --at "2018-10-22 07:00" --by cara
i note "replication lag on mysql3 is 3h and shrinking ~20 min per 10 min" \
  --at "2018-10-22 08:10" --by bob
i role primary bob --at "2018-10-22 08:15" --by ana
i note "all primaries back in US East (orchestrator topology checked, no cross-coast replicas)" \
  --at "2018-10-22 11:12" --by bob --key
i stage mitigated "primaries back in the East; reads can still be stale while replicas catch up" \
  --at "2018-10-22 11:12" --by ana
i severity 2 "writes safe again; stale reads remain" --at "2018-10-22 11:14" --by ana
i symptom "peak traffic: read replicas lag 5-10 min, users see stale issues & PRs again" \
  --at "2018-10-22 13:15" --by bob
i hypothesis "replica lag is load, not a fault: too few read replicas for peak" \
  --at "2018-10-22 13:20" --by bob
i test "SHOW SLAVE STATUS on 12 replicas; compare Seconds_Behind_Master to QPS" --for H5 \
  --at "2018-10-22 13:25" --by bob
i result T7 "lag tracks QPS exactly; IO is saturated at ~95% util on every replica" \
  --confirms H5 --at "2018-10-22 13:40" --by bob
i note "provisioning extra MySQL read replicas in the East Coast public cloud" \
  --at "2018-10-22 13:45" --by dev --key
i note "new replicas: 8 x db.r4.8xlarge, warming from snapshot; ETA ~2h" \
  --at "2018-10-22 14:00" --by dev
i note "status update posted: 'reads may be stale for a few more hours'" \
  --at "2018-10-22 14:30" --by cara
i note "new replicas in rotation; lag down to < 30s on 10 of 12" \
  --at "2018-10-22 16:05" --by dev
i note "all replicas in sync; failed over to the original topology" \
  --at "2018-10-22 16:24" --by bob --key
i decide O3 "restore done, now drain the queues in order: webhooks first, then Pages" \
  --at "2018-10-22 16:40" --by ana
i note "resumed webhook deliveries & Pages builds; backlog ~5M hooks, ~80k builds" \
  --at "2018-10-22 16:45" --by dev --key
i note "some hooks are older than 6h and their payloads expired; dropped ~200k (see #ops-422)" \
  --at "2018-10-22 17:20" --by dev
i note "Pages build throughput ~1k/min; ETA for the backlog ~80 min" \
  --at "2018-10-22 17:30" --by dev
i note "status update: 'webhooks & Pages catching up; repos fully available'" \
  --at "2018-10-22 18:00" --by cara
i note "hookshot backlog at 1.2M, dropping ~600k/h" --at "2018-10-22 19:00" --by dev
i note "ran \`gh-ost --alter 'ADD INDEX idx_created_at (created_at)'\` on the new replicas: 3x faster reads" \
  --at "2018-10-22 19:30" --by bob
i note "Pages: 12k builds failed with 'timeout > 600s'; re-queued them via script/pages-requeue --since=16:45" \
  --at "2018-10-22 20:10" --by dev
wrong=$("$BIN" -q note "wrong incident, ignore" --at "2018-10-22 20:15" --by eli)
i retract "$wrong" --why "typed in the wrong incident" --by eli
printf '%s\n' "checked with support:" "- ~300 tickets about missing pushes, all answered" \
  "- 3 enterprise customers asked for an RCA by Friday" |
  i note - --at "2018-10-22 20:30" --by cara
i note "queue depth per worker: p50 40, p99 2.1k; raising worker count 64 -> 128" \
  --at "2018-10-22 20:45" --by dev
i note "hookshot backlog at 150k" --at "2018-10-22 21:30" --by dev
i note "all pending webhooks & Pages builds processed; status page back to green" \
  --at "2018-10-22 23:03" --by cara --key
i stage resolved "every cluster on the original topology, every queue drained" \
  --at "2018-10-22 23:03" --by ana
i impact "git operations, issues & PRs: stale reads or failed writes for 24h 11m; webhooks & Pages builds delayed up to 24h" \
  --from "2018-10-21 22:52" --to "2018-10-22 23:03" --by ana
i impact "~5M webhook events delayed, ~200k dropped after expiry; ~80k Pages builds queued" \
  --from "2018-10-21 23:19" --to "2018-10-22 23:03" --by ana
i cause "routine maintenance replacing a failing 100G optical module cut the East hub <-> East DC link for 43s" \
  --trigger --by ana
i cause "Orchestrator was allowed to promote primaries across regions; raft consensus in the West elected new ones" \
  --root --hypothesis H3 --by bob
i cause "apps assume < 1ms to the primary; ~60ms cross-coast write latency was never tested" \
  --contributing --by bob
i cause "no tooling to restore & replay a split-brain topology; it took 24h of manual work" \
  --contributing --by eli
i cause "status page updates were manual and lagged the real state by 15-30 min" \
  --contributing --by cara
i lesson "deploy lock & pausing webhooks early kept the blast radius bounded" --went well --by ana
i lesson "choosing integrity over availability meant no user data was lost" --went well --by ana
i lesson "status updates were too vague: users could not tell if their pushes were safe" \
  --went wrong --by cara
i lesson "Orchestrator's cross-region failover surprised everyone on call" --went wrong --by bob
i lesson "nobody had rehearsed a multi-cluster restore; runbook docs/runbooks/mysql_restore.md was stale" \
  --went wrong --by eli
i lesson "backups were recent (~04:00) and all restored cleanly" --went lucky --by eli
i lesson "the partition was 43s, not 43 min" --went lucky --by dev
i action "configure Orchestrator so primaries cannot move across regions (promotion_rule=prefer, region-aware)" \
  --owner bob --due 2018-11-15 --link https://github.example.com/ops/orchestrator/issues/87 --by ana
i action "alert when a primary is promoted outside its region" --owner dev --due 2018-11-01 \
  --link OPS-431 --by ana
i action "automate restore & replay: scripts/restore_cluster.sh --from-backup --replay-binlogs" \
  --owner eli --due 2018-12-01 --by ana
i action "status page: publish a template per stage & an ETA field" --owner cara --due 2018-11-10 \
  --by ana
i action "load-test the app with ~60ms to the primary (tc qdisc add dev eth0 root netem delay 60ms)" \
  --owner bob --due 2018-12-15 --by ana
i action "keep webhook payloads > 24h so a backlog is never dropped" --owner dev \
  --due 2018-11-20 --by ana
i action "game day: fail a region on purpose, measure time to restore" --owner ana \
  --due 2019-01-31 --by ana
i note "postmortem draft shared: https://github.example.com/ops/postmortems/pull/12" \
  --at "2018-10-23 10:00" --by ana
i close "restored East from backups, replayed West writes, failed back to the original topology; queues drained" \
  --at "2018-10-22 23:03" --by ana
i done A2 "alert live: orchestrator_promotion_region != expected_region pages #db-oncall" \
  --at "2018-10-23 09:00" --by dev
