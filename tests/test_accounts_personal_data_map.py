"""Personal data is mapped: every model that says it holds personal data is covered by export
and erasure (a registration in ``tandem/accounts/personal_data.py``, or handled by the
accounts app itself)."""

from __future__ import annotations

from django.apps import apps

from tandem.accounts import personal_data

# Covered directly by export_personal_data() and user_erase().
HANDLED_BY_ACCOUNTS = {
    "accounts.user",
    "accounts.apitoken",
    "accounts.usersession",
    "organizations.membership",
}


def _models_with_personal_data() -> dict[str, type]:
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("tandem."):
            continue
        doc = model.__doc__ or ""
        if "Personal data:" in doc and "no personal data" not in doc.lower():
            found[model._meta.label_lower] = model
    return found


def test_the_map_finds_the_known_models():
    assert {"accounts.user", "organizations.membership"} <= set(_models_with_personal_data())


def test_every_model_with_personal_data_is_exported_and_erased():
    exporters = set(personal_data._EXPORTERS)
    erasers = set(personal_data.erasers())
    uncovered = []
    for label, model in sorted(_models_with_personal_data().items()):
        if label in HANDLED_BY_ACCOUNTS:
            continue
        app = model._meta.app_label
        if app not in exporters or app not in erasers:
            uncovered.append(label)
    assert not uncovered, (
        "these models hold personal data but their app registers no exporter and eraser in "
        f"tandem.accounts.personal_data: {uncovered}"
    )
