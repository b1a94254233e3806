"""Partnership documents: content-based type detection, size limit, private storage,
permission-checked download (web and API)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.partnerships import services
from tandem.partnerships.models import PartnershipDocument
from tests.test_partnerships_support import (
    NON_VIEWERS,
    VIEWERS,
    build_cast,
    minimal_docx,
    minimal_odt,
    minimal_pdf,
    minimal_png,
    state,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not under test here; WhiteNoise would re-scan them for every client.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]


@pytest.fixture
def cast():
    return build_cast()


def _upload_url(cast):
    return reverse("partnerships:document_upload", args=[cast.partnership.public_id])


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_real_pdf_upload_is_stored_privately_with_random_name(client, cast, settings):
    client.force_login(cast.coordinator)
    response = client.post(
        _upload_url(cast),
        {
            "document-kind": "agreement",
            "document-title": "Signed agreement",
            "document-file": upload("../../etc/agreement.pdf", minimal_pdf()),
        },
    )
    assert response.status_code == 302
    doc = PartnershipDocument.objects.get()
    assert (doc.content_type, doc.size, doc.kind) == (
        "application/pdf",
        len(minimal_pdf()),
        "agreement",
    )
    path = Path(doc.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.parent.name == "partnerships"
    assert "agreement" not in path.name and path.suffix == ".pdf"
    assert path.read_bytes() == minimal_pdf()
    assert doc.uploaded_by == cast.coordinator


def test_png_renamed_pdf_is_refused(client, cast, settings):
    client.force_login(cast.coordinator)
    before = state()
    response = client.post(
        _upload_url(cast),
        {
            "document-kind": "agreement",
            "document-title": "Fake",
            "document-file": upload("agreement.pdf", minimal_png()),
        },
    )
    assert response.status_code == 422
    assert "Upload a PDF, Word (DOCX) or OpenDocument (ODT) file." in response.content.decode()
    assert state() == before
    assert _stored_files(settings) == []


def test_oversize_is_refused(client, cast, settings):
    settings.UPLOAD_MAX_BYTES = 200
    client.force_login(cast.recruiter)
    response = client.post(
        _upload_url(cast),
        {
            "document-kind": "mou",
            "document-title": "Big",
            "document-file": upload("big.pdf", minimal_pdf()),
        },
    )
    assert response.status_code == 422
    assert "too large" in response.content.decode()
    assert PartnershipDocument.objects.count() == 0
    assert _stored_files(settings) == []


def test_missing_file_and_title_give_field_errors(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(_upload_url(cast), {"document-kind": "bogus"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_document-file_error"' in body
    assert 'id="id_document-title_error"' in body
    assert 'id="id_document-kind_error"' in body


@pytest.mark.parametrize(
    ("maker", "name", "content_type"),
    [
        (
            minimal_docx,
            "mou.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (minimal_odt, "mou.odt", "application/vnd.oasis.opendocument.text"),
        (
            minimal_docx,
            "mou.pdf",  # the name lies, the content decides
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_docx_and_odt_detected_by_content(cast, maker, name, content_type):
    doc = services.partnership_document_upload(
        actor=cast.recruiter,
        partnership=cast.partnership,
        kind="mou",
        title="MOU",
        file=upload(name, maker(), "application/octet-stream"),
    )
    assert doc.content_type == content_type
    assert doc.file.name.endswith("." + ("docx" if "word" in content_type else "odt"))


@pytest.mark.parametrize("content", [b"", b"just text, not a document", minimal_png()])
def test_service_refuses_other_content(cast, content):
    with pytest.raises(DomainError) as exc:
        services.partnership_document_upload(
            actor=cast.coordinator,
            partnership=cast.partnership,
            kind="other",
            title="x",
            file=upload("x.pdf", content),
        )
    assert "file" in exc.value.fields


@pytest.fixture
def document(cast):
    return services.partnership_document_upload(
        actor=cast.coordinator,
        partnership=cast.partnership,
        kind="agreement",
        title="Signed: agreement 2026",
        file=upload("a.pdf", minimal_pdf()),
    )


def _download_url(cast, document):
    return reverse(
        "partnerships:document_download", args=[cast.partnership.public_id, document.public_id]
    )


@pytest.mark.parametrize("who", VIEWERS)
def test_viewers_download_as_attachment(client, cast, document, who):
    client.force_login(cast.role(who))
    response = client.get(_download_url(cast, document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Signed_ agreement 2026.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == minimal_pdf()


@pytest.mark.parametrize("who", NON_VIEWERS)
def test_non_viewers_get_404(client, cast, document, who):
    client.force_login(cast.role(who))
    assert client.get(_download_url(cast, document)).status_code == 404


def test_anonymous_download_redirects_to_login(client, cast, document):
    response = client.get(_download_url(cast, document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_document_of_another_partnership_is_404(client, cast, document):
    from tests.factories import PartnershipFactory

    other = PartnershipFactory(institutions=[cast.inst], partners=[cast.partner])
    client.force_login(cast.coordinator)
    url = reverse("partnerships:document_download", args=[other.public_id, document.public_id])
    assert client.get(url).status_code == 404


def test_no_public_media_route(client, cast, document):
    client.force_login(cast.coordinator)
    assert client.get("/files/" + document.file.name).status_code == 404


# --- API --------------------------------------------------------------------------------------
def _api_url(cast):
    return f"/api/v1/partnerships/{cast.partnership.public_id}/documents"


def test_api_upload_and_list(client, cast):
    client.force_login(cast.recruiter)
    response = client.post(
        _api_url(cast),
        {"kind": "mou", "title": "MOU", "file": upload("m.pdf", minimal_pdf())},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["download_url"].endswith("/download/")
    listed = client.get(_api_url(cast)).json()
    assert [d["title"] for d in listed] == ["MOU"]


def test_api_refuses_png_with_field_error(client, cast, settings):
    client.force_login(cast.recruiter)
    before = state()
    response = client.post(
        _api_url(cast), {"kind": "mou", "title": "MOU", "file": upload("m.pdf", minimal_png())}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "file" in response.json()["errors"]
    assert state() == before
    assert _stored_files(settings) == []


@pytest.mark.parametrize("who", ["educator", "supervisor"])
def test_api_readers_cannot_upload(client, cast, who):
    client.force_login(cast.role(who))
    before = state()
    response = client.post(
        _api_url(cast), {"kind": "mou", "title": "MOU", "file": upload("m.pdf", minimal_pdf())}
    )
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("who", NON_VIEWERS)
def test_api_non_viewers_get_404(client, cast, who):
    client.force_login(cast.role(who))
    before = state()
    response = client.post(
        _api_url(cast), {"kind": "mou", "title": "MOU", "file": upload("m.pdf", minimal_pdf())}
    )
    assert response.status_code == 404
    assert client.get(_api_url(cast)).status_code == 404
    assert state() == before


def test_api_anonymous_401(client, cast):
    assert client.get(_api_url(cast)).status_code == 401
