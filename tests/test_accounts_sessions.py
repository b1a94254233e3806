"""Sessions record whose they are (tandem.accounts.session_store): signing a person out
everywhere deletes their sessions by an index, touches nobody else's, and costs the same few
queries however many other people are signed in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.accounts.models import UserSession
from tandem.accounts.services import user_sessions_end
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(params=["tandem.accounts.session_store", "tandem.accounts.session_store_cached"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def test_a_session_records_its_account_and_sign_out_everywhere_uses_it(engine):
    alice, bob = UserFactory(), UserFactory()
    phone, laptop = _signed_in(alice), _signed_in(alice)
    other = _signed_in(bob)
    assert UserSession.objects.filter(user_id=alice.pk).count() == 2
    assert UserSession.objects.filter(user_id=bob.pk).count() == 1
    assert user_sessions_end(alice) == 2
    assert not UserSession.objects.filter(user_id=alice.pk).exists()
    for client in (phone, laptop):
        assert client.get(reverse("accounts:account")).status_code == 302
    assert other.get(reverse("accounts:account")).status_code == 200


def test_an_anonymous_session_has_no_account_and_signing_in_sets_it():
    client = Client()
    session = client.session
    session["note"] = "x"
    session.save()
    row = UserSession.objects.get(session_key=session.session_key)
    assert row.user_id is None
    user = UserFactory()
    client.force_login(user)
    assert UserSession.objects.filter(user_id=user.pk).count() == 1


def test_signing_out_one_person_does_not_read_everyone_elses_sessions():
    target = UserFactory()
    _signed_in(target)
    for _ in range(30):
        _signed_in(UserFactory())
    with CaptureQueriesContext(connection) as ctx:
        assert user_sessions_end(target) == 1
    assert len(ctx.captured_queries) <= 4
    assert UserSession.objects.count() == 30
