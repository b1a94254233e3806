"""The platform admin's SSO connection form. Role rules are written one per line:
``attribute=value -> role`` (e.g. ``eduPersonAffiliation=faculty -> educator``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.organizations.models import Organization, Role

from .models import Protocol, SsoConnection

_RULE = re.compile(r"^\s*([^=]+?)\s*=\s*(.+?)\s*->\s*([a-z_]+)\s*$")
MAX_METADATA_BYTES = 512 * 1024


def rules_to_text(rules: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['attribute']}={r['value']} -> {r['role']}" for r in rules)


def text_to_rules(text: str) -> list[dict[str, str]]:
    rules = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _RULE.match(line)
        if not match:
            raise forms.ValidationError(
                _("Line %(n)s: write attribute=value -> role."), params={"n": n}
            )
        attribute, value, role = match.groups()
        rules.append({"attribute": attribute, "value": value, "role": role})
    return rules


class ConnectionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name")
    )
    name = forms.CharField(label=_("Button label"), max_length=120)
    slug = forms.SlugField(label=_("Short name"), max_length=50)
    protocol = forms.ChoiceField(label=_("Protocol"), choices=Protocol.choices)
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False)
    trust_email = forms.BooleanField(
        label=_("The identity provider's e-mail addresses are verified"),
        required=False,
        help_text=_(
            "Tick only if the IdP issues the addresses itself (your institution's domain). "
            "Otherwise an address counts as verified only if the IdP says so per person."
        ),
    )
    role_rules = forms.CharField(
        label=_("Role mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One rule per line: attribute=value -> role, e.g. groups=staff -> educator."),
    )
    default_role = forms.ChoiceField(
        label=_("Role when no rule matches"),
        choices=[("", _("None: refuse the sign-in")), *Role.choices],
        required=False,
    )
    issuer_url = forms.URLField(
        label=_("Issuer (discovery) URL"), required=False, assume_scheme="https"
    )
    client_id = forms.CharField(label=_("Client id"), max_length=255, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Never shown back; leave empty to keep the stored secret."),
    )
    idp_metadata_url = forms.URLField(
        label=_("IdP metadata URL"), required=False, assume_scheme="https"
    )
    idp_metadata_file = forms.FileField(label=_("IdP metadata file (XML)"), required=False)
    idp_entity_id = forms.CharField(label=_("IdP entity id"), max_length=500, required=False)
    idp_sso_url = forms.URLField(
        label=_("IdP single sign-on URL"), required=False, assume_scheme="https"
    )
    idp_x509cert = forms.CharField(
        label=_("IdP signing certificate (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sp_entity_id = forms.CharField(label=_("Our entity id (SP)"), max_length=500, required=False)

    def clean_role_rules(self) -> list[dict[str, str]]:
        return text_to_rules(self.cleaned_data.get("role_rules") or "")

    def clean_idp_metadata_file(self) -> str | None:
        upload = self.cleaned_data.get("idp_metadata_file")
        if not upload:
            return None
        if upload.size > MAX_METADATA_BYTES:
            raise forms.ValidationError(_("The metadata file is too large."))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The metadata file is not UTF-8 text.")) from exc

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        metadata = data.pop("idp_metadata_file", None)
        if metadata is not None:
            data["idp_metadata_xml"] = metadata
        return data

    @classmethod
    def initial_for(cls, connection: SsoConnection) -> dict[str, Any]:
        initial = {
            f: getattr(connection, f)
            for f in (
                "name",
                "slug",
                "protocol",
                "is_enabled",
                "trust_email",
                "default_role",
                "issuer_url",
                "client_id",
                "idp_metadata_url",
                "idp_entity_id",
                "idp_sso_url",
                "idp_x509cert",
                "sp_entity_id",
            )
        }
        initial["organization"] = connection.organization
        initial["role_rules"] = rules_to_text(connection.rules())
        return initial
