#!/usr/bin/env python3
"""How well "Seen before" and `search` find earlier incidents of the same kind, measured
on real public postmortems. Standard library only; run it through bench/eval/run.

    evaluate.py CORPUS.md [--variant A|B|both] [--queries FILE] [--details] [--json-out FILE]

CORPUS.md is a copy of danluu/post-mortems' README.md (see README.md here). Every summary
in it becomes a closed incident, recorded with the real binary ($INCIDENT_BIN, else
target/release/incident) in a temporary data directory, with sync off and a fixed clock:

    A  the summary's sentences as symptoms, closed as "Resolved."
    B  the sentences as root causes (`cause --root`), the last one, when there are two or
       more, as the resolution given to `close`

Then each 3AM incident of queries.json is opened in a fresh copy of that history, and the
top three of "Seen before" (`status --json`, field `seen_before`; the board's "Seen before"
section when a build has no such field) are read after the title, after the first symptom
and after three symptoms. Each keyword search runs over the history alone (`search --json`,
or its text output). A top three counts as relevant when it holds any incident judged
relevant in queries.json, as only irrelevant when it holds others, and as nothing when
empty. The script prints a Markdown table and exits 0: it measures, it does not gate.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import corpus  # noqa: E402

HISTORY_START = datetime(2024, 1, 1, 2, 0, tzinfo=timezone.utc)  # one corpus incident a day
NIGHT = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)  # when the 3AM incidents open
STAGES = ("title", "title + first symptom", "title + three symptoms")
VARIANTS = {"A": "history as symptoms", "B": "history as root causes"}
GOALS = {  # issue 23's bar for the hidden evaluation, shown beside the figures
    "title + first symptom": "A: relevant ≥ 12",
    "title + three symptoms": "A: relevant ≥ 15, only irrelevant ≤ 3; B: relevant ≥ 12",
    "search": "relevant ≥ 28",
}


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Failed(Exception):
    pass


class Tool:
    """The binary, run as a user runs it, on one data directory."""

    def __init__(self, binary, data_dir):
        self.binary, self.dir, self.calls = binary, data_dir, 0
        env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENT")}
        home = os.path.join(os.path.dirname(data_dir), "home")
        os.makedirs(home, exist_ok=True)
        env.update(INCIDENT_DIR=data_dir, INCIDENT_SYNC="off", INCIDENT_USER="eval",
                   NO_COLOR="1", HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_DATA_HOME=os.path.join(home, ".local", "share"))
        self.env = env

    def at(self, data_dir):
        other = Tool.__new__(Tool)
        other.binary, other.dir, other.calls = self.binary, data_dir, 0
        other.env = dict(self.env, INCIDENT_DIR=data_dir)
        return other

    def run(self, args, now, text=None, ok=(0,)):
        self.calls += 1
        p = subprocess.run([self.binary, *args], input=text, capture_output=True, text=True,
                           env=dict(self.env, INCIDENT_NOW=stamp(now)), timeout=120)
        if p.returncode not in ok:
            raise Failed(f"`incident {' '.join(args)}` exited {p.returncode}: "
                         f"{p.stderr.strip()[:400]}")
        return p


def record_history(tool, entries, variant):
    """Records every summary as a closed incident; returns {incident id: entry number}."""
    ids = {}
    for i, e in enumerate(entries):
        t = HISTORY_START + timedelta(days=i)
        opened = json.loads(tool.run(["open", "--json", "-"], t, corpus.title(e)).stdout)
        inc = opened["incident"]
        ids[inc] = e["n"]
        sentences = e["sentences"]
        if variant == "A":
            entries_, resolution = [("symptom", s) for s in sentences], "Resolved."
        else:
            causes = sentences[:-1] if len(sentences) > 1 else sentences
            resolution = sentences[-1] if len(sentences) > 1 else "Resolved."
            entries_ = [("cause", s) for s in causes]
        for k, (kind, text) in enumerate(entries_):
            extra = ["--root"] if kind == "cause" else []
            tool.run([kind, *extra, "-q", "-i", inc, "-"], t + timedelta(minutes=5 + k), text)
        tool.run(["close", "-q", "-i", inc, "-"], t + timedelta(minutes=60), resolution)
    return ids


def seen_before(tool, inc, now):
    """The incidents "Seen before" shows for `inc`, in order (ids)."""
    p = tool.run(["status", "--json", "-i", inc], now)
    try:
        doc = json.loads(p.stdout)
        if isinstance(doc, dict) and isinstance(doc.get("seen_before"), list):
            return [s["incident"] if isinstance(s, dict) else str(s) for s in doc["seen_before"]]
    except (ValueError, KeyError):
        pass
    board = tool.run(["status", "-i", inc], now).stdout.splitlines()
    shown, inside = [], False
    for line in board:
        if not line.strip():
            continue
        if not line.startswith(" "):
            inside = line.strip().lower().startswith("seen before")
        elif inside and re.match(r"^  \S", line):
            shown.append(line.split()[0])
    return shown


def search(tool, words, now):
    """The incidents of a search's hits, in order, one per hit (ids)."""
    p = tool.run(["search", "--json", *words], now, ok=(0, 1))
    if p.returncode == 1 and not p.stdout.strip():
        return []
    try:
        return [h["incident"] for h in json.loads(p.stdout)]
    except (ValueError, KeyError, TypeError):
        p = tool.run(["search", *words], now, ok=(0, 1))
        return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


def distinct(ids, n=3):
    out = []
    for i in ids:
        if i not in out:
            out.append(i)
    return out[:n]


def judge(top, ids, relevant):
    numbers = [ids.get(i) for i in top]
    if any(n in relevant for n in numbers):
        return "relevant", numbers
    return ("irrelevant" if top else "nothing"), numbers


def evaluate_variant(binary, entries, queries, variant, work, log):
    started = time.monotonic()
    data = os.path.join(work, variant, "history")
    os.makedirs(data)
    tool = Tool(binary, data)
    ids = record_history(tool, entries, variant)
    log(f"{variant}: recorded {len(ids)} incidents with {tool.calls} commands "
        f"in {time.monotonic() - started:.1f}s")

    result = {"incidents": [], "searches": []}
    now = NIGHT
    for q in queries["searches"]:
        hits = search(tool, q["query"].split(), now)
        verdict, numbers = judge(distinct(hits), ids, q["_relevant"])
        lines, _ = judge(hits[:3], ids, q["_relevant"])
        result["searches"].append({"query": q["query"], "verdict": verdict,
                                   "first_three_lines": lines, "top": numbers,
                                   "hits": len(hits)})

    for k, q in enumerate(queries["incidents"]):
        copy = os.path.join(work, variant, f"q{k}")
        shutil.copytree(data, copy)
        here = tool.at(copy)
        t = NIGHT + timedelta(days=k)
        inc = json.loads(here.run(["open", "--json", "-"], t, q["title"]).stdout)["incident"]
        stages = [seen_before(here, inc, t + timedelta(minutes=1))]
        here.run(["symptom", "-q", "-i", inc, "-"], t + timedelta(minutes=2), q["symptoms"][0])
        stages.append(seen_before(here, inc, t + timedelta(minutes=3)))
        for j, s in enumerate(q["symptoms"][1:3]):
            here.run(["symptom", "-q", "-i", inc, "-"], t + timedelta(minutes=4 + j), s)
        stages.append(seen_before(here, inc, t + timedelta(minutes=7)))
        row = {"id": q["id"], "stages": []}
        for shown in stages:
            verdict, numbers = judge(shown[:3], ids, q["_relevant"])
            row["stages"].append({"verdict": verdict, "top": numbers})
        result["incidents"].append(row)
        shutil.rmtree(copy, ignore_errors=True)
    result["seconds"] = round(time.monotonic() - started, 1)
    log(f"{variant}: done in {result['seconds']}s")
    return result


def per_variant(variants, run):
    """`run(variant)` for each variant on its own thread (both histories are recorded side
    by side); their results by variant, or the run ends with what failed."""
    results, errors = {}, []

    def one(v):
        try:
            results[v] = run(v)
        except Exception as e:  # noqa: BLE001 - reported, and the run fails
            errors.append(f"variant {v}: {e}")

    threads = [threading.Thread(target=one, args=(v,)) for v in variants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("\n".join(errors))
    return {v: results[v] for v in variants}


def load_queries(path, entries):
    with open(path, encoding="utf-8") as f:
        queries = json.load(f)
    by_n = {e["n"]: e for e in entries}
    wrong = []

    def numbers(refs):
        out = set()
        for ref in refs:
            n, _, company = ref.partition(" ")
            e = by_n.get(int(n))
            if e is None or e["company"] != company:
                wrong.append(f"{ref} (the corpus has {e['company'] if e else 'no such entry'})")
            out.add(int(n))
        return out

    for q in queries["incidents"] + queries["searches"]:
        q["_relevant"] = numbers(q["relevant"])
    if wrong:
        sys.exit("the corpus file does not number its entries as queries.json expects; use "
                 "the version named there. Mismatches: " + "; ".join(wrong[:8]))
    return queries


def tally(result):
    rows = {}
    for s, stage in enumerate(STAGES):
        counts = {"relevant": 0, "irrelevant": 0, "nothing": 0}
        for row in result["incidents"]:
            counts[row["stages"][s]["verdict"]] += 1
        rows[stage] = counts
    counts = {"relevant": 0, "irrelevant": 0, "nothing": 0}
    for s in result["searches"]:
        counts[s["verdict"]] += 1
    rows["search"] = counts
    rows["search, first three lines"] = {
        "relevant": sum(s["first_three_lines"] == "relevant" for s in result["searches"]),
        "irrelevant": sum(s["first_three_lines"] == "irrelevant" for s in result["searches"]),
        "nothing": counts["nothing"]}
    return rows


def table(results, queries):
    n_inc, n_search = len(queries["incidents"]), len(queries["searches"])
    variants = list(results)
    head = ["Top three"]
    for v in variants:
        head += [f"{v}: relevant", f"{v}: only irrelevant", f"{v}: nothing"]
    head.append("goal (issue 23)")
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    tallies = {v: tally(results[v]) for v in variants}
    labels = [(f"Seen before, {s}", s, n_inc) for s in STAGES] + [
        ("Search, first three incidents", "search", n_search),
        ("Search, first three lines", "search, first three lines", n_search)]
    for label, key, total in labels:
        cells = [label]
        for v in variants:
            c = tallies[v][key]
            cells += [f"{c['relevant']}/{total}", f"{c['irrelevant']}/{total}",
                      f"{c['nothing']}/{total}"]
        cells.append(GOALS.get(key, ""))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def details(results, queries, entries):
    name = {e["n"]: e["company"] for e in entries}

    def show(numbers, relevant):
        if not numbers:
            return "—"
        return ", ".join(f"{'**' if n in relevant else ''}{n} {name.get(n, '?')}"
                         f"{'**' if n in relevant else ''}" if n else "(not in the history)"
                         for n in numbers)

    out = []
    for v, result in results.items():
        out += ["", f"### Variant {v} ({VARIANTS[v]}): seen before, top three "
                    "(relevant in bold)", "",
                "| incident | title | + first symptom | + three symptoms |",
                "| --- | --- | --- | --- |"]
        for q, row in zip(queries["incidents"], result["incidents"]):
            out.append(f"| {q['id']} | " + " | ".join(
                show(st["top"], q["_relevant"]) for st in row["stages"]) + " |")
        out += ["", f"### Variant {v}: searches, first three incidents", "",
                "| search | lines | first three incidents |", "| --- | --- | --- |"]
        for q, s in zip(queries["searches"], result["searches"]):
            out.append(f"| `{q['query']}` | {s['hits']} | {show(s['top'], q['_relevant'])} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="a copy of danluu/post-mortems' README.md")
    ap.add_argument("--variant", choices=["A", "B", "both"], default="both")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.json"))
    ap.add_argument("--details", action="store_true",
                    help="also print each incident's and each search's top three")
    ap.add_argument("--json-out", metavar="FILE", help="write every result as JSON")
    ap.add_argument("--keep", metavar="DIR",
                    help="record the histories in DIR/A/history and DIR/B/history and keep them")
    args = ap.parse_args()

    binary = os.environ.get("INCIDENT_BIN") or os.path.join(ROOT, "target", "release", "incident")
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no binary at {binary}: build it (cargo build --release) or set INCIDENT_BIN")
    entries = corpus.parse(args.corpus)
    if not entries:
        sys.exit(f"{args.corpus}: no postmortem summaries found")
    queries = load_queries(args.queries, entries)
    with open(args.corpus, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    expected = queries.get("corpus", {})
    if expected.get("sha256") and digest != expected["sha256"]:
        print(f"warning: {args.corpus} is not the version the judgements were written for "
              f"(commit {expected.get('commit', '?')[:12]}); the entries they name still match",
              file=sys.stderr)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()

    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, file=sys.stderr, flush=True)

    variants = ["A", "B"] if args.variant == "both" else [args.variant]
    started = time.monotonic()
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        if os.listdir(args.keep):
            sys.exit(f"--keep {args.keep}: not empty")
    with tempfile.TemporaryDirectory(prefix="incident-eval-") as scratch:
        work = os.path.abspath(args.keep) if args.keep else scratch

        results = per_variant(
            variants, lambda v: evaluate_variant(binary, entries, queries, v, work, log))

    print(f"## Seen before and search on real postmortems\n\n"
          f"`{version or binary}` · corpus {expected.get('repository', '?')} "
          f"{expected.get('file', '')}: {len(entries)} incidents · "
          f"{len(queries['incidents'])} 3AM incidents, {len(queries['searches'])} searches · "
          + " · ".join(f"{v} = {VARIANTS[v]}" for v in variants)
          + f" · {time.monotonic() - started:.0f}s\n")
    print(table(results, queries))
    if args.details:
        print(details(results, queries, entries))
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"binary": binary, "version": version, "corpus_sha256": digest,
                       "entries": len(entries), "results": results,
                       "tally": {v: tally(r) for v, r in results.items()}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
