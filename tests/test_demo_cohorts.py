"""The demo world's completed cohort: dates six to seven months back, and the graduate
first-destination survey goes out to exactly that cohort."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.demo.world import build_demo_world
from tandem.organizations.models import Membership
from tandem.surveys import triggers
from tandem.surveys.models import SurveyInvitation

# slow: builds the whole demo world.
pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_cohort_completed_six_to_seven_months_ago_gets_the_first_destination_survey():
    build_demo_world(seed=5)
    graduates = Membership.objects.filter(completed_on__isnull=False)
    assert graduates.count() >= 5
    assert set(graduates.values_list("organization__slug", "program")) == {
        ("riverside-cc", "Welding technology")
    }
    today = timezone.localdate()
    assert all(
        185 <= (today - d).days <= 210 for d in graduates.values_list("completed_on", flat=True)
    )
    report = triggers.run(today)
    assert report.created.get("graduate_first_destination") == graduates.count()
    invited = set(
        SurveyInvitation.objects.filter(
            survey__template_key="graduate_first_destination"
        ).values_list("user", flat=True)
    )
    assert invited == set(graduates.values_list("user", flat=True))
