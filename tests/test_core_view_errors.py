"""Pages answer a service's permission error with Django's PermissionDenied (the 403 page)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.view_errors import forbidden_as_403


def test_permission_error_becomes_permission_denied_past_a_domain_error_handler():
    caught_as_domain_error = False
    with pytest.raises(PermissionDenied, match="Only coordinators") as info:
        try:
            with forbidden_as_403():
                raise PermissionDeniedError("Only coordinators do this.")
        except DomainError:
            caught_as_domain_error = True
    assert not caught_as_domain_error
    assert isinstance(info.value.__cause__, PermissionDeniedError)


def test_other_domain_errors_pass_through_unchanged():
    with pytest.raises(DomainError, match="Too long") as info, forbidden_as_403():
        raise DomainError("Too long.", fields={"title": ["At most 200 characters."]})
    assert info.value.fields == {"title": ["At most 200 characters."]}
