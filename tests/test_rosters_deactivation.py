"""Roster imports end memberships (``tobedeleted``, absent from a bulk file, disabled), never
delete people; an ended membership grants nothing; role changes and delta files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.organizations.models import Membership, Role
from tandem.organizations.permissions import has_role, student_institution_ids
from tandem.rosters.models import RosterEnrollment, RosterUser
from tandem.rosters.reader import files_from_path
from tandem.rosters.services import roster_import
from tests.factories import InstitutionFactory
from tests.rosters_support import DATA, counts, edit, export_copy

pytestmark = pytest.mark.django_db

AMARA = "amara.okafor@students.riverside.example"
BEN = "ben.kowalski@students.riverside.example"


@pytest.fixture
def riverside():
    institution = InstitutionFactory(slug="riverside", city="Leeds")
    roster_import(actor=None, institution=institution, files=files_from_path(DATA / "v11"))
    return institution


def again(institution, folder):
    return roster_import(
        actor=None, institution=institution, files=files_from_path(folder)
    ).as_dict()


def membership(institution, email, role=Role.STUDENT):
    return Membership.objects.get(organization=institution, user__email=email, role=role)


def test_tobedeleted_and_absent_students_lose_membership_and_access(riverside, tmp_path, client):
    amara = User.objects.get(email=AMARA)
    client.force_login(amara)
    assert client.get(reverse("profiles:mine")).status_code == 200
    folder = export_copy(tmp_path)
    edit(folder, "users.csv", "stu-1,,,TRUE", "stu-1,tobedeleted,2026-12-01T00:00:00Z,TRUE")
    text = (folder / "users.csv").read_text(encoding="utf-8-sig")
    (folder / "users.csv").write_text(
        "".join(line for line in text.splitlines(True) if not line.startswith("stu-2,")),
        encoding="utf-8",
    )
    result = again(riverside, folder)
    assert result["users"] == counts(unchanged=4, deactivated=2)
    assert result["enrollments"] == counts(unchanged=5, deactivated=3)
    for email in (AMARA, BEN):
        assert membership(riverside, email).is_active is False
        person = User.objects.get(email=email)  # the person stays, and their account
        assert person.is_active
    assert RosterEnrollment.objects.filter(roster_user__user=amara).count() == 2  # kept, inactive
    assert not RosterEnrollment.objects.filter(roster_user__user=amara, is_active=True).exists()
    amara = User.objects.get(email=AMARA)
    assert not has_role(amara, riverside, [Role.STUDENT])
    assert student_institution_ids(amara) == set()
    assert client.get(reverse("profiles:mine")).status_code in (302, 403, 404)
    # the school restores them: the same files as first time reactivate, nothing is created
    result = again(riverside, DATA / "v11")
    assert result["users"] == counts(updated=2, unchanged=4)
    assert result["enrollments"] == counts(updated=3, unchanged=5)
    assert membership(riverside, AMARA).is_active
    assert client.get(reverse("profiles:mine")).status_code == 200


def test_disabled_user_is_deactivated(riverside, tmp_path):
    folder = export_copy(tmp_path)
    edit(folder, "users.csv", "stu-1,,,TRUE", "stu-1,,,false")
    result = again(riverside, folder)
    assert result["users"] == counts(unchanged=5, deactivated=1)
    assert not membership(riverside, AMARA).is_active


def test_role_change_moves_the_membership(riverside, tmp_path):
    folder = export_copy(tmp_path)
    edit(
        folder, "users.csv", "tch-1,,,true,sch-main,teacher", "tch-1,,,true,sch-main,administrator"
    )
    result = again(riverside, folder)
    assert result["users"] == counts(updated=1, unchanged=5)
    email = "e.nguyen@riverside.example"
    assert not membership(riverside, email, Role.EDUCATOR).is_active
    assert membership(riverside, email, Role.COORDINATOR).is_active


def test_the_last_coordinator_is_kept(riverside, tmp_path):
    folder = export_copy(tmp_path)
    edit(folder, "users.csv", "adm-1,,,true", "adm-1,tobedeleted,,true")
    result = again(riverside, folder)
    assert result["users"]["deactivated"] == 1
    assert any("last coordinator" in w for w in result["warnings"])
    assert membership(riverside, "g.hall@riverside.example", Role.COORDINATOR).is_active


def test_delta_files_end_only_what_they_name(riverside, tmp_path):
    folder = tmp_path / "delta"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\noneroster.version,1.1\nfile.users,delta\nfile.orgs,delta\n"
        "file.enrollments,absent\n",
        encoding="utf-8",
    )
    (folder / "orgs.csv").write_text(
        "sourcedId,status,dateLastModified,name,type\n", encoding="utf-8"
    )
    (folder / "users.csv").write_text(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,givenName,"
        "familyName,email\n"
        "stu-1,tobedeleted,2026-12-01T10:00:00Z,true,sch-main,student,amara.o,Amara,Okafor,\n"
        "stu-9,active,2026-12-01T10:00:00Z,true,sch-north,student,ivy.q,Ivy,Quinn,"
        "ivy.quinn@students.riverside.example\n",
        encoding="utf-8",
    )
    result = again(riverside, folder)
    assert result["users"] == counts(created=1, deactivated=1)
    assert result["orgs"] == counts()
    assert RosterUser.objects.filter(institution=riverside, is_active=True).count() == 6
    assert membership(riverside, "ivy.quinn@students.riverside.example").is_active
    assert membership(riverside, BEN).is_active


def test_another_institutions_roster_is_separate(riverside):
    other = InstitutionFactory(slug="other")
    result = roster_import(actor=None, institution=other, files=files_from_path(DATA / "v11"))
    assert result.as_dict()["users"] == counts(created=6)
    assert User.objects.filter(email=AMARA).count() == 1  # one person, two institutions
    assert Membership.objects.filter(user__email=AMARA, is_active=True).count() == 2


def test_roster_records_are_in_the_personal_data_export_and_erased(riverside):
    from tandem.accounts.personal_data import erasers, export_personal_data

    amara = User.objects.get(email=AMARA)
    data = export_personal_data(amara)["rosters"]
    assert data == [
        {
            "institution": riverside.name,
            "sourced_id": "stu-1",
            "role": "student",
            "active": True,
            "classes": [
                {"title": "Cyber Security A", "role": "student", "active": True},
                {"title": "Networking A", "role": "student", "active": True},
            ],
        }
    ]
    erasers()["rosters"](amara)
    assert not RosterUser.objects.filter(user=amara).exists()
    assert not RosterEnrollment.objects.filter(roster_user__user__email=AMARA).exists()
    assert RosterUser.objects.filter(institution=riverside).count() == 5
