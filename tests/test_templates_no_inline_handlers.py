"""No template carries inline JavaScript the Content-Security-Policy would block: no ``on*=``
event handler attributes (``onclick``, ``onsubmit``…), no ``javascript:`` URLs, no inline
``<script>`` bodies. A blocked handler fails silently: a ``confirm()`` in an ``onclick`` never
asked, and the delete it guarded happened on one click."""

from __future__ import annotations

import re
from pathlib import Path

import tandem

ROOT = Path(tandem.__file__).parent
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)

# An attribute named on… inside a tag: whitespace, "on", letters, optional spaces, "=".
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.DOTALL)


def test_templates_are_found():
    assert len(TEMPLATES) > 50
    assert ROOT / "templates" / "base.html" in TEMPLATES


def test_no_template_has_inline_event_handlers_or_scripts():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (HANDLER, INLINE_SCRIPT):
            offenders += [
                f"{path.relative_to(ROOT)}: {m.group(0)[-60:]!r}" for m in pattern.finditer(text)
            ]
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []


def test_the_scan_catches_a_handler():
    assert HANDLER.search('<button type="submit" onclick="return confirm(\'x\')">')
    assert HANDLER.search('<form\n  method="post" onsubmit="x()">')
    assert not HANDLER.search('<button data-confirm="Delete it?" aria-label="one">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
