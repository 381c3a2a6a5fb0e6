"""Parses danluu/post-mortems' README.md into postmortem summaries, at run time.

The corpus text is never stored in this repository: pass the path of a copy of that file.
Each summary is a paragraph `[Company](link). One or more sentences.` under one of the
headings between the start of the list and "Other lists of postmortems". Entries are
numbered 1, 2, ... in the order they appear; queries.json refers to them by that number
and the company name, which the evaluation checks so that a different version of the file
is noticed instead of silently mis-scored.
"""

import re

LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
ENTRY = re.compile(r"^\[([^\]]+)\]\(([^)\s]+)\)\.?\s*(.*)$", re.S)
# Abbreviations after which a full stop does not end a sentence.
ABBREV = ("e.g.", "i.e.", "etc.", "vs.", "Nov.", "Oct.", "Sep.", "Sept.", "Dec.", "Jan.", "Feb.",
          "Mar.", "Apr.", "Aug.", "Inc.", "Ltd.", "St.", "Mr.", "Dr.", "No.", "approx.", "U.S.",
          "a.m.", "p.m.")
# Links right after the company's ("[see also](…)", "Also [this](…).") name more sources,
# not the outage; sentences like "See also HN discussion." neither.
MORE_LINKS = re.compile(r"^(?:\s*,?\s*(?:also\s+)?\[[^\]]*\]\([^)]*\)\.?)+\s*", re.I)
ASIDE = re.compile(r"^\(?see (?:also|the)\b|^also this\b", re.I)


def clean(text):
    text = LINK.sub(r"\1", text)
    text = re.sub(r"[`*]", "", text)
    text = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text):
    """Splits a summary into sentences, keeping abbreviations and numbers like 1.1.1.1 whole."""
    out, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+[\"“'(]?[A-Z0-9])", text):
        end = m.end()
        piece = text[start:end]
        if any(piece.endswith(a) for a in ABBREV):
            continue
        if re.search(r"(?:^|\s)[A-Z]\.$", piece):  # an initial
            continue
        out.append(piece.strip())
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return [s for s in out if s and not ASIDE.match(s)]


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    entries, section, para = [], None, []

    def flush():
        if section and para:
            m = ENTRY.match(" ".join(para).strip())
            if m:
                summary = clean(MORE_LINKS.sub("", m.group(3)))
                if summary:
                    entries.append({"n": len(entries) + 1, "company": clean(m.group(1)),
                                    "link": m.group(2), "section": section,
                                    "summary": summary, "sentences": sentences(summary)})
        para.clear()

    started = False
    for line in lines:
        if line.startswith("## "):
            flush()
            heading = line[3:].strip()
            if heading.lower().startswith("other lists"):
                section = None
                started = False
                if entries:
                    break
                continue
            started = heading.lower() != "table of contents"
            section = heading if started else None
            continue
        if not line.strip():
            flush()
        elif section:
            para.append(line.strip())
    flush()
    return entries


DATE_WORDS = set("""on in at by between and starting the of from to until approximately around
january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday
sunday am pm a.m. p.m. utc gmt pst pdt est edt et pt us/pacific""".split())


def undated(text):
    """Leaves out a leading date and time: "On December 15th, 2021 at 00:17 UTC, we ..."."""
    parts = text.split(", ")
    cut = 0
    for k in range(1, len(parts)):
        words = ", ".join(parts[:k]).replace(",", " ").split()
        if words and words[0].lower() in ("on", "in", "at", "by", "between", "starting") and \
                all(w.lower().strip(".") in DATE_WORDS or w.lower() in DATE_WORDS
                    or any(c.isdigit() for c in w) for w in words):
            cut = k
    return ", ".join(parts[cut:]) if cut else text


def title(entry, words=12):
    """Company and the first clause of the first sentence, at most `words` words; a leading
    date is left out, as an engineer would not title with it."""
    first = undated(entry["sentences"][0].rstrip(".").strip('"“” '))
    first = first[:1].upper() + first[1:]
    clause = re.split(r"[,;(]|(?<!\d):|:(?!\d)| - | – | — ", first)[0].strip()
    if len(clause.split()) < 5:
        clause = first
    cut = clause.split()
    text = " ".join(cut[:words]) + ("…" if len(cut) > words else "")
    return f"{entry['company']}: {text}"
