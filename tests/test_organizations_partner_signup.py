"""Partner self sign-up: the public page, the e-mailed confirmation link, the account,
organization, sites, recruiter membership and vetting requests it creates, the scam-sign flags
shown to the vetting coordinators, the per-address rate limit, no account enumeration, and
personal data."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.organizations.models import (
    Membership,
    Organization,
    PartnerSignup,
    PartnerVetting,
    Role,
)
from tandem.organizations.partner_signup import is_free_mail, scam_flags
from tests.factories import InstitutionFactory, UserFactory, member

URL = "/organizations/partners/signup/"


def test_scam_flags():
    assert scam_flags("ann@acme-robotics.com", "https://www.acme-robotics.com/") == []
    assert scam_flags("ann@uk.acme.com", "https://acme.com") == []
    assert scam_flags("ann@gmail.com", "https://acme.com") == ["free_mail", "domain_mismatch"]
    assert "domain_mismatch" in scam_flags("ann@acme.org", "https://acme.com")
    assert "odd_domain" in scam_flags("a@xn--acm-bla.com", "https://xn--acm-bla.com")
    assert "odd_domain" in scam_flags(
        "a@acme-1234-best-deal.com", "https://acme-1234-best-deal.com"
    )
    assert "throwaway_tld" in scam_flags("a@acme.xyz", "https://acme.xyz")
    assert is_free_mail("yahoo.co.uk")  # "yahoo.*": the name under any top-level domain
    assert is_free_mail("yahoo.fr") and is_free_mail("hotmail.de") and is_free_mail("qq.com")
    assert not is_free_mail("acme.com")


def _form(institution, email="ann@acme-robotics.com", **extra):
    data = {
        "full_name": "Ann Owner",
        "email": email,
        "password1": "a long and good passphrase 42",
        "password2": "a long and good passphrase 42",
        "name": "Acme Robotics",
        "sector": "technology",
        "website": "https://www.acme-robotics.com",
        "sites": "Main plant, Leeds\nLab, York",
        "institutions": [institution.pk],
    }
    data.update(extra)
    return data


def _link(mail) -> str:
    found = re.search(r"https?://\S+(/organizations/partners/signup/confirm/\w+/)", mail.body)
    assert found, mail.body
    return found.group(1)


@pytest.mark.django_db
def test_sign_up_verify_and_vetting(client, mailoutbox, django_capture_on_commit_callbacks):
    inst = InstitutionFactory(name="Riverside College")
    coordinator = member(inst, Role.COORDINATOR)
    assert client.get(URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(URL, _form(inst, email="ann@gmail.com"))
    assert sent.status_code == 200 and "Check your e-mail" in sent.content.decode()
    assert not User.objects.filter(email="ann@gmail.com").exists()
    assert not Organization.objects.filter(name="Acme Robotics").exists()
    link = _link(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "Acme Robotics" in page.content.decode()
    assert not User.objects.filter(email="ann@gmail.com").exists()  # GET writes nothing
    done = client.post(link)
    assert done.status_code == 302
    user = User.objects.get(email="ann@gmail.com")
    assert user.check_password("a long and good passphrase 42")
    partner = Organization.objects.get(name="Acme Robotics")
    assert partner.kind == "partner" and partner.website == "https://www.acme-robotics.com"
    assert sorted(partner.sites.values_list("name", "city")) == [
        ("Lab", "York"),
        ("Main plant", "Leeds"),
    ]
    assert Membership.objects.filter(user=user, organization=partner, role="recruiter").exists()
    vetting = PartnerVetting.objects.get(institution=inst, partner=partner)
    assert vetting.status == "pending"
    assert client.post(link).status_code == 404  # the link is used up
    # The coordinator sees the warning signs and approves.
    client.force_login(coordinator)
    vetting_url = reverse("organizations:vetting")
    shown = client.get(f"{vetting_url}?status=pending").content.decode()
    assert "free e-mail provider" in shown and "not the website" in shown
    approved = client.post(
        vetting_url,
        {
            "institution": str(inst.public_id),
            "partner": str(partner.public_id),
            "status": "approved",
        },
    )
    assert approved.status_code == 302
    vetting.refresh_from_db()
    assert vetting.status == "approved"


@pytest.mark.django_db
def test_no_account_enumeration(client, mailoutbox, django_capture_on_commit_callbacks):
    inst = InstitutionFactory()
    UserFactory(email="taken@acme-robotics.com")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(URL, _form(inst, email="taken@acme-robotics.com"))
        free = client.post(URL, _form(inst, email="new@acme-robotics.com"))
    assert taken.status_code == free.status_code == 200
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens
    assert strip.sub("", taken.content.decode()) == strip.sub("", free.content.decode())
    taken_mail = next(m for m in mailoutbox if m.to == ["taken@acme-robotics.com"])
    assert "already uses this address" in taken_mail.body
    signup = PartnerSignup.objects.get(email="taken@acme-robotics.com")
    from tandem.organizations.partner_signup import signup_token

    response = client.post(f"/organizations/partners/signup/confirm/{signup_token(signup)}/")
    assert response.status_code == 409
    assert not Organization.objects.filter(kind="partner").exists()


@pytest.mark.django_db
def test_rate_limited_per_address(client, settings):
    settings.PARTNER_SIGNUPS_PER_HOUR = 2
    inst = InstitutionFactory()
    codes = [
        client.post(URL, _form(inst, email=f"p{n}@acme-robotics.com")).status_code for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert PartnerSignup.objects.count() == 2
    other = client.post(URL, _form(inst, email="x@acme-robotics.com"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


@pytest.mark.django_db
def test_bad_input_and_personal_data(client, django_capture_on_commit_callbacks):
    inst = InstitutionFactory()
    bad = client.post(URL, _form(inst, institutions=[], password2="different"))
    assert bad.status_code == 422 and not PartnerSignup.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(inst))
    user = UserFactory(email="ann@acme-robotics.com")
    exported = export_personal_data(user)["partner_signups"]
    assert [s["organization"] for s in exported] == ["Acme Robotics"]
    erasers()["partner_signups"](user)
    assert not PartnerSignup.objects.exists()
