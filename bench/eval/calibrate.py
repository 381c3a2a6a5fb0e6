#!/usr/bin/env python3
"""What resemblance "Seen before" reaches by chance on real postmortems: the calibration of
its threshold (`MIN_RESEMBLANCE` in crates/incident-core/src/search/seen_before.rs).
Standard library only. Reads no relevance judgement of either query set.

    calibrate.py CORPUS.md [--incidents N] [--seed S] [--binary CHANCE_BIN] [--json-out FILE]

Method, written down before it was first run:

1. A chance build: this tree's sources, copied under target/calibrate/ with
   `MIN_RESEMBLANCE` set to 0 (nothing else changed: `MIN_SHARED` still applies, so only
   past incidents that share two words or more, as shown ones must, are scored), built
   with its own target directory. Its "Seen before" shows every past incident that passes
   `MIN_SHARED`, with its resemblance. (`--binary` takes such a build ready-made.)
2. The corpus recorded as history, as the evaluation does (evaluate.py's
   `record_history`), both variants: history as symptoms (A) and as root causes (B).
3. N chance incidents (default 400, seed 23), the same N in both variants: a title and
   three symptoms whose words are drawn at random, with replacement, from every word of
   the corpus summaries (so by how often the corpus says them); stopwords (read from
   crates/incident-core/src/search/terms.rs) are left out of the draw and of the lengths.
   Each text's length, in words that are not stopwords, is that of a real 3AM text:
   a title and its symptoms are drawn together from one incident of queries.json, whose
   titles and symptoms are read for their lengths only, never its `relevant` lists.
   Such an incident is of no kind: whatever it resembles, it resembles by chance.
4. Each is opened in the history, with its first symptom; the highest resemblance "Seen
   before" shows for it (0 when it shows nothing) is its chance maximum; then again with
   three symptoms.

The rule: the threshold is the 95th percentile of the chance maximum at the stage
"title + first symptom" (the stage the threshold is for: from the first symptom on),
the higher of the two variants', rounded up to a tenth. A random incident then shows a
guess about one time in twenty; the same kind, which shares more than chance words,
should clear it.

It prints the percentiles of the chance maximum, per variant and stage, and the threshold
the rule gives.
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import corpus  # noqa: E402
import evaluate  # noqa: E402

SEEN_BEFORE = os.path.join("crates", "incident-core", "src", "search", "seen_before.rs")
TERMS = os.path.join(ROOT, "crates", "incident-core", "src", "search", "terms.rs")
THRESHOLD = re.compile(r"(pub const MIN_RESEMBLANCE: f64 = )[0-9.]+;")
PERCENTILE = 95
STAGES = ("title + first symptom", "title + three symptoms")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def stopwords():
    """The stopword list of terms.rs, read from there (one list, one place)."""
    with open(TERMS, encoding="utf-8") as f:
        source = f.read()
    body = re.search(r"const STOPWORDS: &\[&str\] = &\[(.*?)\];", source, re.S)
    if not body:
        sys.exit(f"{TERMS}: no STOPWORDS list found")
    return set(re.findall(r'"([^"]+)"', body.group(1)))


def words(text, stop):
    return [w for w in WORD.findall(text) if w.lower() not in stop]


def chance_build():
    """Builds this tree with MIN_RESEMBLANCE = 0 under target/calibrate; returns the binary."""
    base = os.path.join(ROOT, "target", "calibrate")
    src = os.path.join(base, "src")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    if os.path.isdir(src):
        shutil.rmtree(src)
    for name in filter(None, files):
        if os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.dirname(os.path.join(src, name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), os.path.join(src, name))
    path = os.path.join(src, SEEN_BEFORE)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    patched, count = THRESHOLD.subn(r"\g<1>0.0;", text)
    if count != 1:
        sys.exit(f"{SEEN_BEFORE}: expected one `pub const MIN_RESEMBLANCE: f64 = …;`, "
                 f"found {count}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(patched)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(base, "target"))
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--bin", "incident"],
                   cwd=src, env=env, check=True)
    return os.path.join(base, "target", "release", "incident")


def chance_incidents(entries, queries, n, seed, stop):
    pool = [w for e in entries for s in e["sentences"] for w in words(s, stop)]
    shapes = [[len(words(q["title"], stop))] + [len(words(s, stop)) for s in q["symptoms"][:3]]
              for q in queries["incidents"]]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        shape = rng.choice(shapes)
        texts = [" ".join(rng.choice(pool) for _ in range(max(1, k))) for k in shape]
        out.append({"title": texts[0], "symptoms": texts[1:]})
    return out


def top(tool, inc, now):
    doc = json.loads(tool.run(["status", "--json", "-i", inc], now).stdout)
    shown = doc["seen_before"]
    return max((s["resemblance"] for s in shown), default=0.0)


def measure(binary, entries, incidents, variant, work, log):
    data = os.path.join(work, variant, "history")
    os.makedirs(data)
    tool = evaluate.Tool(binary, data)
    evaluate.record_history(tool, entries, variant)
    log(f"{variant}: history recorded, {len(incidents)} chance incidents")
    maxima = {stage: [] for stage in STAGES}
    for k, incident in enumerate(incidents):
        # Open incidents are never compared, so they can all share one history.
        t = evaluate.NIGHT + timedelta(hours=k)
        inc = json.loads(tool.run(["open", "--json", "-"], t, incident["title"]).stdout)
        inc = inc["incident"]
        tool.run(["symptom", "-q", "-i", inc, "-"], t + timedelta(minutes=1),
                 incident["symptoms"][0])
        maxima[STAGES[0]].append(top(tool, inc, t + timedelta(minutes=2)))
        for j, symptom in enumerate(incident["symptoms"][1:]):
            tool.run(["symptom", "-q", "-i", inc, "-"], t + timedelta(minutes=3 + j), symptom)
        maxima[STAGES[1]].append(top(tool, inc, t + timedelta(minutes=6)))
    return maxima


def percentile(values, p):
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="a copy of danluu/post-mortems' README.md")
    ap.add_argument("--incidents", type=int, default=400)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--binary", help="a build with MIN_RESEMBLANCE = 0 (else built here)")
    ap.add_argument("--json-out", metavar="FILE", help="write every chance maximum as JSON")
    args = ap.parse_args()

    entries = corpus.parse(args.corpus)
    if not entries:
        sys.exit(f"{args.corpus}: no postmortem summaries found")
    # Lengths only: the titles and symptoms, never the `relevant` lists.
    with open(os.path.join(HERE, "queries.json"), encoding="utf-8") as f:
        queries = json.load(f)
    stop = stopwords()
    incidents = chance_incidents(entries, queries, args.incidents, args.seed, stop)
    binary = os.path.abspath(args.binary) if args.binary else chance_build()

    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="incident-calibrate-") as work:
        results = evaluate.per_variant(
            ("A", "B"), lambda v: measure(binary, entries, incidents, v, work, log))

    print(f"## Chance resemblance on real postmortems\n\n{len(entries)} incidents of history · "
          f"{args.incidents} chance incidents, seed {args.seed} · highest resemblance shown "
          f"per chance incident (0 when none shares two words)\n")
    cuts = (50, 75, 90, 95, 99, 100)
    print("| variant | stage | shown any | " + " | ".join(f"p{c}" for c in cuts) + " |")
    print("| --- | --- | --- |" + " --- |" * len(cuts))
    for v in ("A", "B"):
        for stage in STAGES:
            values = results[v][stage]
            shown = sum(1 for x in values if x > 0)
            print(f"| {v} | {stage} | {shown} | "
                  + " | ".join(f"{percentile(values, c):.2f}" for c in cuts) + " |")
    at = max(percentile(results[v][STAGES[0]], PERCENTILE) for v in ("A", "B"))
    threshold = math.ceil(at * 10 - 1e-9) / 10
    print(f"\nThe rule (p{PERCENTILE} of the chance maximum at {STAGES[0]}, the higher "
          f"variant, rounded up to a tenth): MIN_RESEMBLANCE = {threshold:.1f}")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"seed": args.seed, "incidents": incidents, "maxima": results,
                       "threshold": threshold}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
