"""Translations are complete and used (issue 14, docs/development/translations.md).

- every catalogue in tandem/locale/ translates every message (no empty msgstr, no fuzzy) and
  keeps the message's placeholders;
- no template shows text outside translation tags;
- pages render in French for a reader whose browser asks for French.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType

import tandem

PACKAGE = Path(tandem.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ["fr", "es"]

# %(name)s, %s, %d, %% and {name} / {0} placeholders.
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_0-9]*\}"
)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), (
        f"{path} is missing: run the extraction in docs/development/translations.md"
    )
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    po = _catalogue(language)
    assert len(po) > 1000, "the catalogue has far fewer messages than the code: re-extract"
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages in {language}, e.g. {fuzzy[:5]}"
    assert not untranslated, (
        f"{len(untranslated)} untranslated messages in {language}, e.g. {untranslated[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_keeps_placeholders(language: str) -> None:
    po = _catalogue(language)
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            for text in filter(None, entry.msgstr_plural.values()):
                # A singular form may name its number in words ("un", "une") instead of %(n)d.
                if set(_placeholders(text)) - set(expected) or (
                    set(expected) - set(_placeholders(text)) - {"%(n)d", "%(count)s", "%(count)d"}
                ):
                    wrong.append((entry.msgid, text))
        elif entry.msgstr and _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert not wrong, f"{len(wrong)} messages change their placeholders in {language}: {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_keeps_html(language: str) -> None:
    # The tags messages may hold (not "<address>" in "Name <address>").
    tag = re.compile(r"</?(?:a|abbr|b|br|code|em|i|kbd|li|p|span|strong|ul)\b")
    po = _catalogue(language)
    wrong = [
        (e.msgid, e.msgstr)
        for e in po
        if e.msgstr and sorted(tag.findall(e.msgid)) != sorted(tag.findall(e.msgstr))
    ]
    assert not wrong, f"{len(wrong)} messages change their HTML tags in {language}: {wrong[:5]}"


# ---------------------------------------------------------------------------------------------
# Templates: no text outside translation tags.

# Names that are the same in every language (the product, standards, formats).
UNTRANSLATED_WORDS = {
    "Tandem",
    "ESCO",
    "OneRoster",
    "CSV",
    "JSON",
    "API",
    "OpenAPI",
    "SAML",
    "OIDC",
}
# Attributes a reader sees or hears.
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "aria-label",
    "placeholder",
    "aria-description",
    "aria-roledescription",
}
LETTERS = re.compile(r"[^\W\d_]{2,}")
MARK = "\u2063"  # stands for every template tag or variable: it has no letters


def _template_paths() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*") if p.suffix in {".html", ".txt"})


def _without_translations(source: str) -> str:
    """The template's own text, with every tag, variable, comment and translated block replaced."""
    out: list[str] = []
    depth = 0  # inside {% blocktranslate %} … {% endblocktranslate %} or {% comment %}
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            out.append(MARK)
        elif token.token_type == TokenType.TEXT and depth == 0:
            out.append(token.contents)
        else:
            out.append(MARK)
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self._check(value)
        values = dict(attrs)
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self._check(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        words = [w for w in LETTERS.findall(text) if w not in UNTRANSLATED_WORDS]
        if words:
            self.found.append(" ".join(text.split()))


def untranslated_text(path: Path) -> list[str]:
    # A tag whose name is chosen by the template (<{% if a %}a{% else %}button{% endif %}) is
    # still a tag.
    text = _without_translations(path.read_text()).replace("<" + MARK, "<x " + MARK)
    if path.suffix == ".txt":
        return [
            " ".join(line.split())
            for line in text.splitlines()
            if [w for w in LETTERS.findall(line) if w not in UNTRANSLATED_WORDS]
        ]
    finder = _TextFinder()
    finder.feed(text)
    finder.close()
    return finder.found


def test_templates_have_no_text_outside_translation_tags() -> None:
    paths = _template_paths()
    assert len(paths) > 100
    problems = {
        str(p.relative_to(PACKAGE)): found for p in paths if (found := untranslated_text(p))
    }
    assert not problems, "\n".join(f"{p}: {found}" for p, found in problems.items())


def test_the_checker_finds_text_outside_translation_tags(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Forgotten words</p>'
        '<img alt="A forgotten picture" src="x.png">'
        "{% blocktranslate %}Fine {{ x }} too{% endblocktranslate %}"
        "<script>const notText = 'x';</script>"
    )
    assert untranslated_text(page) == ["Forgotten words", "A forgotten picture"]
