"""``{% sso_buttons request as sso %}``: the enabled connections for the sign-in page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.urls import reverse

from tandem.sso.middleware import FORM_ACTION_ATTR
from tandem.sso.models import Protocol, SsoConnection
from tandem.sso.selectors import enabled_connections

register = template.Library()

# With more connections than this, the sign-in page shows a "find your institution" box.
FIND_BOX_THRESHOLD = 6


@dataclass(frozen=True)
class SsoButton:
    label: str
    organization: str
    url: str


@dataclass(frozen=True)
class SsoButtons:
    buttons: list[SsoButton]
    show_find_box: bool
    query: str
    total: int


_SSO_LOCATION = re.compile(r"SingleSignOnService[^>]*Location=\"([^\"]+)\"")


def _origin(connection: SsoConnection) -> str:
    """Where the sign-in redirect goes: the OIDC issuer's or the SAML IdP's origin."""
    if connection.protocol == Protocol.OIDC:
        url = connection.issuer_url
    else:
        found = _SSO_LOCATION.search(connection.idp_metadata_xml or "")
        url = connection.idp_sso_url or (found.group(1) if found else "")
        url = url or connection.idp_metadata_url
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@register.simple_tag
def sso_buttons(request: Any) -> SsoButtons:
    connections = list(enabled_connections())
    query = (request.GET.get("institution", "") if request is not None else "").strip()[:100]
    show_find_box = len(connections) > FIND_BOX_THRESHOLD
    if show_find_box:
        needle = query.lower()
        connections = (
            [
                c
                for c in connections
                if needle in c.name.lower() or needle in c.organization.name.lower()
            ]
            if needle
            else []
        )
    if request is not None and connections:
        setattr(request, FORM_ACTION_ATTR, sorted({_origin(c) for c in connections} - {""}))
    buttons = []
    for c in connections:
        if c.protocol == Protocol.OIDC:
            url = reverse("openid_connect_login", kwargs={"provider_id": c.provider_id})
        else:
            url = reverse("saml_login", kwargs={"organization_slug": c.provider_id})
        buttons.append(SsoButton(label=c.name, organization=c.organization.name, url=url))
    return SsoButtons(
        buttons=buttons, show_find_box=show_find_box, query=query, total=len(connections)
    )
