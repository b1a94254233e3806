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
        # Markup shown as code (the pattern library's snippets) is not prose to translate.
        if tag in {"script", "style", "code"}:
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self._check(value)
        values = dict(attrs)
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self._check(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "code"} and self._skip:
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


# A colon (or ; ? !) right after a translated text: French puts a space before it, so the
# punctuation belongs inside the message ("Stage:" → "Étape :").
PUNCTUATION_AFTER_MESSAGE = re.compile(
    r"(?:\{%\s*(?:translate|trans)\s+(?:\"[^\"]*\"|'[^']*')[^%]*%\}"
    r"|\{%\s*endblocktranslate\s*%\}|\{%\s*endblocktrans\s*%\})\s?[:;?!]"
)


def test_no_punctuation_is_left_outside_a_translated_message() -> None:
    found = [
        f"{p.relative_to(PACKAGE)}: {m.group(0)}"
        for p in _template_paths()
        for m in PUNCTUATION_AFTER_MESSAGE.finditer(p.read_text())
    ]
    assert not found, "\n".join(found)


def test_the_checker_finds_text_outside_translation_tags(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Forgotten words</p>'
        '<img alt="A forgotten picture" src="x.png">'
        "{% blocktranslate %}Fine {{ x }} too{% endblocktranslate %}"
        "<script>const notText = 'x';</script>"
    )
    assert untranslated_text(page) == ["Forgotten words", "A forgotten picture"]


# ---------------------------------------------------------------------------------------------
# Compiling: the .mo files are built from the .po files, without GNU gettext.


def test_catalogues_compile_with_polib_and_only_when_stale(tmp_path: Path) -> None:
    import gettext
    import os

    from tandem.core.catalogues import compile_catalogues

    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    po.append(polib.POEntry(msgid="Dashboard", msgstr="Tableau de bord"))
    po.append(polib.POEntry(msgid="Guess", msgstr="Devinette", flags=["fuzzy"]))
    po.save(str(folder / "django.po"))

    assert compile_catalogues(locale=tmp_path) == [folder / "django.mo"]
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Dashboard") == "Tableau de bord"
    assert compiled.gettext("Guess") == "Guess", "a fuzzy entry is no translation"

    assert compile_catalogues(locale=tmp_path) == [], "an up-to-date catalogue is left alone"
    later = (folder / "django.mo").stat().st_mtime + 10
    os.utime(folder / "django.po", (later, later))
    assert compile_catalogues(locale=tmp_path) == [folder / "django.mo"]


def test_the_test_session_compiled_the_french_catalogue() -> None:
    from django.utils import translation

    assert (LOCALE / "fr" / "LC_MESSAGES" / "django.mo").exists()
    with translation.override("fr"):
        assert translation.gettext("Dashboard") == "Tableau de bord"


# ---------------------------------------------------------------------------------------------
# Pages in French, the switcher, the saved preference, e-mails, dates.

FRENCH_ON_EVERY_PAGE = ["Aller au contenu", "Changer de langue"]
FRENCH_SIGNED_IN = ["Tableau de bord", "Se déconnecter", "Compte"]
# English a French page must not show (visible text only: not attribute values or scripts).
LEFTOVER_ENGLISH = [
    "Dashboard",
    "Sign out",
    "Skip to content",
    "Change language",
    "Search Tandem",
    "Your applications",
    "Opportunities",
    "Applications",
    "Partnerships",
    "Account",
    "open-source",
    "No applications",
    "Apply by",
    "Status",
    "Save",
]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _assert_french(response, *expected: str) -> None:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="fr">' in html
    text = _visible_text(html)
    for words in [*FRENCH_ON_EVERY_PAGE, *expected]:
        assert words in text, f"{words!r} missing from {response.request['PATH_INFO']}"
    leftovers = [w for w in LEFTOVER_ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]
    assert not leftovers, f"English left on {response.request['PATH_INFO']}: {leftovers}"


FR = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}


@pytest.mark.django_db
def test_a_students_pages_render_in_french(client) -> None:
    from django.urls import reverse

    from tests.factories import application_at, application_cast

    cast = application_cast()
    application = application_at(cast, "under_review")
    client.force_login(cast.student)
    _assert_french(client.get("/", headers=FR), *FRENCH_SIGNED_IN, "Vos candidatures")
    _assert_french(client.get(reverse("opportunities:list"), headers=FR), "Mode de travail")
    _assert_french(
        client.get(reverse("applications:detail", args=[application.public_id]), headers=FR),
        "En cours d’examen",
        "Historique des étapes",
    )
    _assert_french(client.get(reverse("accounts:account"), headers=FR), "Vos jetons")


@pytest.mark.django_db
def test_a_coordinators_pages_render_in_french(client) -> None:
    from django.urls import reverse

    from tests.factories import PartnerFactory, PartnershipFactory, application_cast

    cast = application_cast()
    partnership = PartnershipFactory(institutions=[cast.institution], partners=[PartnerFactory()])
    client.force_login(cast.coordinator)
    _assert_french(client.get("/", headers=FR), *FRENCH_SIGNED_IN, "Indicateurs clés à risque")
    _assert_french(client.get(reverse("partnerships:list"), headers=FR), "Proposer un partenariat")
    _assert_french(
        client.get(reverse("partnerships:detail", args=[partnership.public_id]), headers=FR),
        "Cycle de vie",
        "Ajouter un engagement",
    )
    _assert_french(
        client.get(reverse("opportunities:approvals"), headers=FR),
        "Annonces en attente de votre décision",
    )
    _assert_french(client.get(reverse("audit:list"), headers=FR), "Journal d’audit")


@pytest.mark.django_db
def test_the_sign_in_page_follows_the_browser(client) -> None:
    page = client.get("/accounts/login/", headers=FR)
    _assert_french(page, "Se connecter à Tandem", "Mot de passe oublié ?")
    english = client.get("/accounts/login/", headers={"accept-language": "en-US"})
    assert "Sign in to Tandem" in english.content.decode()


@pytest.mark.django_db
def test_the_switcher_sets_the_language_and_saves_a_signed_in_persons_choice(client) -> None:
    from tandem.accounts.models import User
    from tests.factories import application_cast

    # Signed out: a cookie only.
    answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    _assert_french(client.get("/accounts/login/", headers={"accept-language": "en"}))

    # Signed in: saved, so it follows the person to another browser (and into e-mails).
    cast = application_cast()
    client.force_login(cast.student)
    answer = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert answer.status_code == 302
    assert User.objects.get(pk=cast.student.pk).preferred_language == "es"
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert User.objects.get(pk=cast.student.pk).preferred_language == "fr"

    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(cast.student)
    _assert_french(elsewhere.get("/", headers={"accept-language": "en-GB"}), *FRENCH_SIGNED_IN)

    # A language not offered changes nothing; a GET changes nothing either.
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    client.get("/i18n/setlang/", {"language": "en-gb", "next": "/"})
    assert User.objects.get(pk=cast.student.pk).preferred_language == "fr"


@pytest.mark.django_db
def test_the_language_service_refuses_another_person_and_unknown_languages() -> None:
    from tandem.accounts.services import user_language_set
    from tandem.core.errors import DomainError, PermissionDeniedError
    from tests.factories import application_cast

    cast = application_cast()
    with pytest.raises(PermissionDeniedError):
        user_language_set(actor=cast.coordinator, user=cast.student, language="fr")
    with pytest.raises(DomainError):
        user_language_set(actor=cast.student, user=cast.student, language="xx")
    assert user_language_set(actor=cast.student, user=cast.student, language="").pk


@pytest.mark.django_db
def test_e_mails_go_in_the_recipients_language(django_capture_on_commit_callbacks) -> None:
    from django.core import mail

    from tandem.applications.services import application_move
    from tests.factories import application_at, application_cast

    cast = application_cast()
    cast.student.preferred_language = "fr"
    cast.student.save()
    application = application_at(cast, "submitted", with_cv=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.recruiter, application=application, to_stage="under_review")
    (message,) = mail.outbox
    assert message.to == [cast.student.email]
    assert message.subject.startswith("Votre candidature à"), message.subject
    assert "En cours d’examen" in message.subject
    assert "Bonjour" in message.body and "Hello" not in message.body


def test_dates_and_numbers_follow_the_readers_locale() -> None:
    import datetime as dt

    from django.template import engines
    from django.utils import timezone, translation

    template = engines["django"].from_string(
        '{{ d|date:"DATE_FORMAT" }} | {{ t }} | {{ n|floatformat:"2g" }}'
    )
    context = {
        "d": dt.date(2031, 7, 6),
        "t": dt.datetime(2031, 1, 6, 20, 17, tzinfo=dt.UTC),
        "n": 12345.5,
    }
    rendered = {}
    for language in ("en-gb", "fr", "es"):
        with translation.override(language), timezone.override(dt.UTC):
            rendered[language] = template.render(context)
    assert rendered["en-gb"] == "6 Jul 2031 | 6 Jan 2031, 20:17 | 12,345.50"
    assert rendered["fr"] == "6 juillet 2031 | 6 janvier 2031 à 20:17 | 12\xa0345,50"
    assert rendered["es"].startswith("6 de julio de 2031 | 6 de enero de 2031, 20:17 | 12")
    assert rendered["es"].endswith("345,50")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_footer_switcher_changes_the_language_in_a_browser(live_server, browser) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.evaluate("document.documentElement.lang") == "en-gb"
        page.get_by_label("Language", exact=True).select_option("fr")
        page.get_by_role("button", name="Change language").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert "Se connecter à Tandem" in page.content()
        page.get_by_label("Langue", exact=True).select_option("en-gb")
        page.get_by_role("button", name="Changer de langue").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")
        assert page.evaluate("document.documentElement.lang") == "en-gb"
    finally:
        context.close()


@pytest.mark.django_db
def test_the_password_reset_mail_follows_the_persons_choice_else_the_reader(client) -> None:
    from django.core import mail

    from tests.factories import application_cast

    cast = application_cast()
    client.post("/accounts/password-reset/", {"email": cast.student.email}, headers=FR)
    assert mail.outbox[-1].subject == "Réinitialisez votre mot de passe Tandem"

    cast.student.preferred_language = "en-gb"
    cast.student.save()
    client.post("/accounts/password-reset/", {"email": cast.student.email}, headers=FR)
    assert mail.outbox[-1].subject == "Reset your Tandem password"
