#!/usr/bin/env python3
"""Writes benchmark fixtures: valid incident documents of any size, and taskwarrior tasks.

    generate.py incident DATA_DIR ENTRIES          one incident, made current
    generate.py incidents DATA_DIR COUNT ENTRIES   COUNT incidents of ENTRIES each: each
                                                   on one of 200 services (`svc42`),
                                                   nine in ten closed, with a severity
                                                   and, for half, a stage
    generate.py tasks FILE COUNT                   COUNT tasks for `task import`

The documents follow the schema `incident` writes (schema 1); `bench/run` checks one
with `incident status` before timing anything.
"""

import json
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone

START = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
WORDS = ("checkout payments pool gauge latency p99 deploy canary rollback config db-1 "
         "replica lag queue consumer broker error 502 timeout cache eviction dns cert").split()


def stamp(minutes):
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def sentence(n):
    return " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(8 + n % 6))


def entries(count):
    """A realistic mix: notes and symptoms, hypotheses tested and ruled out, actions."""
    made, counters = [], {}
    hypotheses, tests = [], []

    def add(kind, letter, minute, **fields):
        counters[letter] = counters.get(letter, 0) + 1
        label = f"{letter}{counters[letter]}"
        entry = {"id": label, "kind": kind, **fields, "uuid": str(uuid.uuid4()),
                 "at": stamp(minute), "recorded_at": stamp(minute), "by": "bench",
                 "text": sentence(len(made))}
        made.append(entry)
        return label

    cycle = ["note", "symptom", "hypothesis", "test", "result", "note", "action"]
    while len(made) < count:
        minute = len(made)
        kind = cycle[len(made) % len(cycle)]
        if kind == "hypothesis":
            hypotheses.append(add("hypothesis", "H", minute))
        elif kind == "test" and hypotheses:
            tests.append(add("test", "T", minute, **{"for": [hypotheses[-1]]}))
        elif kind == "result" and tests:
            add("result", "R", minute, test=tests[-1], rules_out=[hypotheses[-1]], confirms=[])
        elif kind == "action":
            add("action", "A", minute, owner="ops")
        elif kind == "symptom":
            add("symptom", "S", minute)
        else:
            add("note", "N", minute)
    return made


def document(incident_id, title, count):
    return {"schema": 1, "id": incident_id, "uuid": str(uuid.uuid4()), "title": title,
            "opened_at": stamp(0), "opened_by": "bench", "lifecycle": [],
            "entries": entries(count)}


def write_incident(data_dir, incident_id, title, count):
    folder = os.path.join(data_dir, "incidents")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, incident_id + ".json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document(incident_id, title, count), out, separators=(",", ":"))
    os.chmod(path, 0o600)


def main():
    what = sys.argv[1]
    if what == "incident":
        data_dir, count = sys.argv[2], int(sys.argv[3])
        write_incident(data_dir, "2026-11-01-bench", "Bench incident", count)
        with open(os.path.join(data_dir, "current"), "w", encoding="utf-8") as out:
            out.write("2026-11-01-bench\n")
    elif what == "incidents":
        data_dir, count, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        template = document("x", "x", size)
        shared = template["entries"]
        folder = os.path.join(data_dir, "incidents")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for n in range(count):
            # Each incident on one service, named in its title and symptoms, so a search
            # for a service and a word finds a few dozen incidents, as a real one would.
            service = f"svc{n % 200}"
            template["id"] = f"2026-11-01-bench-{n}"
            template["uuid"] = str(uuid.uuid4())
            template["title"] = f"Bench incident {n} on {service}"
            changes = [{"id": "E1", "kind": "severity", "severity": n % 4 + 1,
                        "uuid": str(uuid.uuid4()), "at": stamp(0), "recorded_at": stamp(0),
                        "by": "bench", "text": ""}]
            if n % 2:
                at = stamp(20 + n % 90)
                changes.append({"id": "E2", "kind": "stage", "stage": "mitigated",
                                "uuid": str(uuid.uuid4()), "at": at, "recorded_at": at,
                                "by": "bench", "text": ""})
            template["entries"] = changes + [
                {**entry, "text": f"{service} {entry['text']}"} if entry["kind"] == "symptom"
                else entry
                for entry in shared
            ]
            template["lifecycle"] = []
            if n % 10:
                at = stamp(len(shared) + n % 500)
                template["lifecycle"] = [{"change": "closed", "uuid": str(uuid.uuid4()),
                                          "at": at, "recorded_at": at, "by": "bench",
                                          "resolution": f"restarted {service}"}]
            path = os.path.join(folder, template["id"] + ".json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(template, out, separators=(",", ":"))
    elif what == "tasks":
        path, count = sys.argv[2], int(sys.argv[3])
        with open(path, "w", encoding="utf-8") as out:
            for n in range(count):
                out.write(json.dumps({"uuid": str(uuid.uuid4()), "status": "pending",
                                      "entry": "20261101T020000Z",
                                      "description": sentence(n)}) + "\n")
    else:
        sys.exit(f"unknown fixture {what!r}")


if __name__ == "__main__":
    main()
