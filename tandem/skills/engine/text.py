"""Text normalisation shared by the taxonomy and the extractor.

Labels and texts go through the same functions, so that "Managing projects" in a posting
meets the ESCO label "manage project". Tokens keep their character offsets in the original
text: evidence spans always point at what the author wrote.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words, numbers and the few symbols that belong to skill names (C++, C#, .NET, Node.js).
_TOKEN = re.compile(r"[^\W_]+(?:[.+#'’][^\W_]+)*(?:\+\+|#)?", re.UNICODE)
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, deterministic English suffix stripper (plural, -ing, -ed, final -e).

    Deliberately conservative: it only has to make inflected forms of one word meet, and it
    is applied identically on both sides, so an odd stem does no harm.
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses") or w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ys")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if len(base) >= 4 and _VOWELS.intersection(base):
                w = base
                if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                    w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping string length where possible."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(normalised token, start, end)`` for every word of ``text``; offsets into ``text``."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        out.append((stem(tok.lower()), m.start(), m.end()))
    return out


def label_tokens(label: str) -> tuple[str, ...]:
    """The normalised token sequence of a taxonomy label."""
    return tuple(t for t, _, _ in tokenize(label))


_SENTENCE = re.compile(r"[^.!?;\n•·]+[.!?;]?", re.UNICODE)


def chunks(text: str, *, max_words: int = 40, stride: int = 30) -> list[tuple[int, int]]:
    """Character ranges of sentence-like chunks; long sentences become overlapping windows."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        seg = text[start:end]
        if not seg.strip():
            continue
        words = list(re.finditer(r"\S+", seg))
        if len(words) <= max_words:
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg.rstrip())
            out.append((start + lead, start + trail))
            continue
        for i in range(0, len(words), stride):
            win = words[i : i + max_words]
            out.append((start + win[0].start(), start + win[-1].end()))
            if i + max_words >= len(words):
                break
    return out
