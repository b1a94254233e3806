"""Attribute → role mapping: pure functions over the claims or attributes an IdP sent."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from typing import Any

# SAML attributes travel by OID (urn:oid:…) or by friendly name, depending on the IdP; a rule
# written with either name matches both.
ATTRIBUTE_ALIASES: dict[str, str] = {
    "eduPersonAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    "eduPersonPrincipalName": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "eduPersonScopedAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    "eduPersonEntitlement": "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
    "mail": "urn:oid:0.9.2342.19200300.100.1.3",
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
}
_BY_OID = {oid: name for name, oid in ATTRIBUTE_ALIASES.items()}


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def normalize_attributes(extra_data: Mapping[str, Any]) -> dict[str, list[str]]:
    """One flat ``name → [values]`` map from allauth's extra data.

    OpenID Connect: ``{"id_token": {...}, "userinfo": {...}}`` (userinfo wins); SAML: a map of
    attribute name → list of values. Each OID is also filed under its friendly name, and back.
    """
    merged: dict[str, Any] = {}
    if "id_token" in extra_data or "userinfo" in extra_data:
        for part in ("id_token", "userinfo"):
            section = extra_data.get(part)
            if isinstance(section, Mapping):
                merged.update(section)
    else:
        merged.update(extra_data)
    out: dict[str, list[str]] = {}
    for name, value in merged.items():
        values = _values(value)
        out[str(name)] = values
        alias = ATTRIBUTE_ALIASES.get(str(name)) or _BY_OID.get(str(name))
        if alias and alias not in merged:
            out[alias] = values
    return out


def mapped_roles(
    rules: Iterable[Mapping[str, Any]],
    attributes: Mapping[str, list[str]],
    default_role: str = "",
) -> list[str]:
    """The roles the rules give for these attributes, in rule order, without repeats; the
    default role if no rule matches; an empty list if neither."""
    roles: list[str] = []
    for rule in rules:
        attribute = str(rule.get("attribute", ""))
        pattern = str(rule.get("value", ""))
        role = str(rule.get("role", ""))
        if not (attribute and pattern and role) or role in roles:
            continue
        values = attributes.get(attribute, [])
        if any(fnmatch.fnmatchcase(v.lower(), pattern.lower()) for v in values):
            roles.append(role)
    if not roles and default_role:
        roles.append(default_role)
    return roles
