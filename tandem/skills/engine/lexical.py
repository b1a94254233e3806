"""The lexical stage: every label and alternative label of the taxonomy in a token trie.

Texts and labels are tokenised and stemmed the same way (``text.py``), so matching is robust
to case, punctuation and simple inflection, and multi-word phrases match as units. One
left-to-right walk of the trie from each token finds every label occurrence (an
Aho–Corasick-style multi-pattern search at the token level): the cost grows with the text,
not with the 97,000 labels.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .taxonomy import Taxonomy
from .text import label_tokens, tokenize

# Single-word labels made of these (after stemming) are too vague to be evidence alone.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "your",
        "you",
        "our",
        "we",
        "use",
        "work",
        "make",
        "do",
        "have",
        "take",
        "get",
        "give",
        "keep",
        "show",
        "set",
        "run",
        "go",
        "can",
        "will",
        "may",
        "should",
    ]
)
_QUALIFIER = re.compile(r"\s*\([^)]*\)")
_END = ""  # trie key of the payload list: never a token, since tokens are non-empty


@dataclass(frozen=True, slots=True)
class _Label:
    concept: int
    preferred: bool
    length: int  # tokens
    exact: str | None  # original label text when the match must respect case (acronyms)


@dataclass(frozen=True, slots=True)
class LexicalHit:
    """A concept found lexically: score in (0, 1] and the character spans of its mentions."""

    concept: int
    score: float
    spans: tuple[tuple[int, int], ...]


def _needs_exact_case(label: str) -> bool:
    letters = [ch for ch in label if ch.isalpha()]
    if not letters:
        return True
    return bool(
        len(label.split()) == 1 and (len(letters) <= 3 or (label.isupper() and len(letters) <= 5))
    )


class LexicalMatcher:
    """Finds taxonomy labels in text. Build once per taxonomy; thread-safe to read."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._root: dict = {}
        self.label_count = 0
        for idx, concept in enumerate(taxonomy.concepts):
            for n, label in enumerate(concept.labels):
                # "Python (computer programming)" is also written "Python".
                bare = _QUALIFIER.sub("", label).strip()
                for variant in dict.fromkeys((label, bare)):
                    self._add(idx, variant, preferred=n == 0)

    def _add(self, idx: int, label: str, *, preferred: bool) -> None:
        toks = label_tokens(label)
        if not toks:
            return
        if len(toks) == 1 and (toks[0] in _STOP or len(toks[0]) < 2) and not preferred:
            return
        exact = label.strip() if _needs_exact_case(label) else None
        node = self._root
        for tok in toks:
            node = node.setdefault(tok, {})
        payload: list[_Label] = node.setdefault(_END, [])
        if any(p.concept == idx for p in payload):
            return
        payload.append(_Label(idx, preferred, len(toks), exact))
        self.label_count += 1

    def find(self, text: str) -> list[tuple[int, int, _Label]]:
        """Every label occurrence as ``(start_char, end_char, label)``."""
        tokens = tokenize(text)
        root = self._root
        out: list[tuple[int, int, _Label]] = []
        n = len(tokens)
        for i in range(n):
            node = root.get(tokens[i][0])
            j = i
            while node is not None:
                payload = node.get(_END)
                if payload:
                    start, end = tokens[i][1], tokens[j][2]
                    for lab in payload:
                        if lab.exact is None or _same_case(text[start:end], lab.exact):
                            out.append((start, end, lab))
                j += 1
                if j >= n:
                    break
                node = node.get(tokens[j][0])
        return out

    def extract(self, text: str) -> list[LexicalHit]:
        """Concepts mentioned in ``text``, best first."""
        occurrences = self.find(text)
        if not occurrences:
            return []
        # A mention inside a longer mention of another concept is weaker evidence
        # ("project management" inside "project management software").
        spans = sorted({(s, e) for s, e, _ in occurrences})
        best: dict[int, float] = {}
        where: dict[int, list[tuple[int, int]]] = {}
        for start, end, lab in occurrences:
            contained = any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
            score = (1.0 if lab.preferred else 0.9) * min(1.0, 0.75 + 0.125 * lab.length)
            if contained:
                score *= 0.8
            if score > best.get(lab.concept, 0.0):
                best[lab.concept] = score
            where.setdefault(lab.concept, []).append((start, end))
        hits = []
        for concept, score in best.items():
            mentions = sorted(set(where[concept]))
            bonus = 0.03 * math.log1p(len(mentions) - 1)
            hits.append(LexicalHit(concept, min(1.0, score + bonus), tuple(mentions)))
        hits.sort(key=lambda h: (-h.score, h.spans[0][0], h.concept))
        return hits


def _same_case(found: str, label: str) -> bool:
    strip = "".join(ch for ch in found if ch.isalnum())
    want = "".join(ch for ch in label if ch.isalnum())
    return strip == want
