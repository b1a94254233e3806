"""Build django-allauth's app configuration from an :class:`SsoConnection` (in memory: no
allauth ``SocialApp`` rows are stored)."""

from __future__ import annotations

from typing import Any

from .models import Protocol, SsoConnection

# Where SAML attributes are read (allauth's mapping: first present attribute wins).
SAML_ATTRIBUTE_MAPPING: dict[str, list[str]] = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
        "eduPersonPrincipalName",
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "mail",
        "email",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "email_verified": ["email_verified", "http://schemas.auth0.com/email_verified"],
    "first_name": ["urn:oid:2.5.4.42", "givenName"],
    "last_name": ["urn:oid:2.5.4.4", "sn"],
    "name": ["urn:oid:2.16.840.1.113730.3.1.241", "displayName"],
}


def _saml_settings(connection: SsoConnection) -> dict[str, Any]:
    idp: dict[str, Any] = {}
    if connection.idp_metadata_url:
        idp["metadata_url"] = connection.idp_metadata_url
    elif connection.idp_metadata_xml:
        idp["metadata"] = connection.idp_metadata_xml
    else:
        idp.update(
            entity_id=connection.idp_entity_id,
            sso_url=connection.idp_sso_url,
            x509cert=connection.idp_x509cert,
        )
    if connection.idp_entity_id:
        idp["entity_id"] = connection.idp_entity_id
    settings: dict[str, Any] = {
        "idp": idp,
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        # Signed assertions only; allauth's python3-saml checks the audience, destination,
        # validity window and the InResponseTo of each response (strict mode).
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "want_attribute_statement": True,
            "reject_idp_initiated_sso": True,
            # Host names without a dot (an intranet IdP, localhost) are accepted in URLs.
            "allow_single_label_domains": True,
        },
    }
    if connection.sp_entity_id:
        settings["sp"] = {"entity_id": connection.sp_entity_id}
    return settings


def social_app(connection: SsoConnection) -> Any:
    """An unsaved allauth ``SocialApp`` for this connection."""
    from allauth.socialaccount.models import SocialApp

    if connection.protocol == Protocol.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=connection.provider_id,
            name=connection.name,
            client_id=connection.client_id,
            secret=connection.client_secret,
            settings={"server_url": connection.issuer_url, "oauth_pkce_enabled": True},
        )
    return SocialApp(
        provider="saml",
        provider_id=connection.provider_id,
        name=connection.name,
        client_id=connection.provider_id,
        settings=_saml_settings(connection),
    )
