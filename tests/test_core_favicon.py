"""The site's icon: linked from every page, served by WhiteNoise, and ``/favicon.ico``
(asked for by browsers whatever the page links) redirects to it instead of a 404."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ICON = "/static/tandem/favicon.svg"
SVG = "{http://www.w3.org/2000/svg}"


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(("url", "signed_in"), [("/accounts/login/", False), ("/", True)])
def test_every_page_links_the_svg_icon(client, url, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in response.text


def test_the_icon_is_served_by_whitenoise_as_svg(client):
    response = client.get(ICON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    # Well-formed, an SVG, no script (our own file: no untrusted XML here).
    root = ElementTree.fromstring(_body(response))  # noqa: S314
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 32 32"
    assert root.find(f"{SVG}title").text == "Tandem"
    assert len(root.findall(f".//{SVG}circle")) == 2
    assert not root.findall(f".//{SVG}script")


@pytest.mark.parametrize("signed_in", [False, True])
def test_favicon_ico_redirects_to_the_icon(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == ICON
    assert "max-age=86400" in response["Cache-Control"]
    followed = client.get("/favicon.ico", follow=True)
    assert followed.status_code == 200 and followed.redirect_chain == [(ICON, 302)]
    assert followed["Content-Type"].startswith("image/svg+xml")
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405
