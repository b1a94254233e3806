"""`tandem roster import`: the fixture exports (1.1 and 1.2, messy but valid), JSON counts,
idempotence, dry runs, and each kind of bad input (exit 2, FILE:LINE lines, nothing written)."""

from __future__ import annotations

import json

import pytest

from tandem.accounts.models import User
from tandem.audit.models import AuditEvent
from tandem.cli import main
from tandem.organizations.models import Membership, Role, Site
from tandem.rosters.models import RosterClass, RosterCourse, RosterUser
from tests.factories import CourseFactory, InstitutionFactory, ProgramFactory, UserFactory
from tests.rosters_support import DATA, counts, export_copy, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside():
    return InstitutionFactory(slug="riverside", name="Riverside College", city="Leeds")


def run(capsys, *args):
    code = main(["roster", "import", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, path, *extra):
    code, out, err = run(capsys, path, "--institution", "riverside", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_first_import_of_a_1_1_export_creates_people_memberships_sites(
    riverside, capsys, mailoutbox
):
    result = run_json(capsys, DATA / "v11")
    assert result["orgs"] == counts(created=3)
    assert result["users"] == counts(created=6)  # not the parent, not the student without e-mail
    assert result["classes"] == counts(created=3)
    assert result["enrollments"] == counts(created=8)
    assert result["dry_run"] is False
    assert "users.csv: extension columns ignored: metadata.house" in result["warnings"]
    assert any("without a valid e-mail" in w for w in result["warnings"])
    roles = dict(
        Membership.objects.filter(organization=riverside, is_active=True).values_list(
            "user__email", "role"
        )
    )
    assert roles == {
        "amara.okafor@students.riverside.example": Role.STUDENT,
        "ben.kowalski@students.riverside.example": Role.STUDENT,
        "chloe.dubois@students.riverside.example": Role.STUDENT,
        "e.nguyen@riverside.example": Role.EDUCATOR,
        "f.adeyemi@riverside.example": Role.EDUCATOR,
        "g.hall@riverside.example": Role.COORDINATOR,
    }
    chloe = User.objects.get(email="chloe.dubois@students.riverside.example")
    assert chloe.full_name == "Chloé Dubois"
    assert not chloe.has_usable_password()
    assert sorted(Site.objects.filter(organization=riverside).values_list("name", flat=True)) == [
        "Riverside Main Campus",
        "Riverside North Campus",
    ]
    assert mailoutbox == []
    event = AuditEvent.objects.get(action="roster.import")
    assert event.changes["users"] == counts(created=6)
    assert "@" not in json.dumps(event.changes)


def test_second_import_of_the_same_files_changes_nothing(riverside, capsys):
    run_json(capsys, DATA / "v11")
    before = table_counts()
    result = run_json(capsys, DATA / "v11")
    for kind, n in {"orgs": 3, "users": 6, "classes": 3, "enrollments": 8}.items():
        assert result[kind] == counts(unchanged=n)
    after = table_counts()
    assert after["audit"] == before["audit"] + 1  # the import itself, nothing else
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


def test_dry_run_counts_like_the_import_and_writes_nothing(riverside, capsys):
    before = table_counts()
    dry = run_json(capsys, DATA / "v11", "--dry-run")
    assert table_counts() == before
    assert dry["dry_run"] is True
    real = run_json(capsys, DATA / "v11")
    assert {k: v for k, v in dry.items() if k != "dry_run"} == {
        k: v for k, v in real.items() if k != "dry_run"
    }


def test_a_zip_of_the_export_in_a_subfolder_imports_the_same(riverside, capsys, tmp_path):
    from tests.rosters_support import zipped

    archive = tmp_path / "export.zip"
    archive.write_bytes(zipped(DATA / "v11", subfolder="export-2026/"))
    result = run_json(capsys, archive)
    assert result["users"] == counts(created=6)


def test_text_summary_without_json(riverside, capsys):
    code, out, _err = run(capsys, DATA / "v11", "--institution", "riverside", "--dry-run")
    assert code == 0
    assert "users: 6 created, 0 updated, 0 unchanged, 0 deactivated" in out
    assert "dry run: nothing was written" in out


def test_1_2_export_uses_roles_csv_and_preferred_names(capsys):
    lakeside = InstitutionFactory(slug="riverside", name="Lakeside")
    result = run_json(capsys, DATA / "v12")
    assert result["users"] == counts(created=4)  # the guardian is skipped
    assert result["enrollments"] == counts(created=3)
    roles = dict(
        Membership.objects.filter(organization=lakeside).values_list("user__email", "role")
    )
    assert roles == {
        "jlee@lakeside.example": Role.STUDENT,
        "mruiz@lakeside.example": Role.STUDENT,
        "tsmith@lakeside.example": Role.EDUCATOR,
        "pwong@lakeside.example": Role.COORDINATOR,  # primary principal beats secondary teacher
    }
    assert User.objects.get(email="jlee@lakeside.example").full_name == "Jay Lee"


def test_people_are_matched_by_email_then_by_sourced_id(riverside, capsys, tmp_path):
    emma = UserFactory(email="e.nguyen@riverside.example", full_name="Emma N.")
    run_json(capsys, DATA / "v11")
    identity = RosterUser.objects.get(institution=riverside, sourced_id="tch-1")
    assert identity.user == emma
    assert emma.check_password("correct-horse-battery")  # her own account, untouched
    # her e-mail changes in the school's system: the sourcedId still finds her
    folder = export_copy(tmp_path)
    from tests.rosters_support import edit

    edit(folder, "users.csv", "e.nguyen@riverside.example", "emma.nguyen@riverside.example")
    result = run_json(capsys, folder)
    assert result["users"] == counts(unchanged=6)
    assert User.objects.filter(email__startswith="emma.nguyen").count() == 0


def test_courses_and_classes_link_to_curriculum_courses_by_code(riverside, capsys):
    program = ProgramFactory(institution=riverside)
    networking = CourseFactory(program=program, code="net101")
    cyber_a = CourseFactory(program=program, code="CYB110-A")
    CourseFactory(code="ART900")  # another institution's course: not linked
    result = run_json(capsys, DATA / "v11")
    assert RosterCourse.objects.get(sourced_id="crs-net").course == networking
    assert RosterClass.objects.get(sourced_id="cls-net-a").course == networking
    assert RosterClass.objects.get(sourced_id="cls-cyb-a").course == cyber_a  # by class code
    assert RosterClass.objects.get(sourced_id="cls-art-a").course is None
    assert (
        "courses.csv:2: course code 'NET101' matches no curriculum course"
        not in (result["warnings"])
    )
    assert (
        "courses.csv:4: course code 'ART900' matches no curriculum course" in (result["warnings"])
    )
    assert (
        "classes.csv: 1 classes link to no curriculum course (no course code matches)"
        in (result["warnings"])
    )


BROKEN = {
    "missing_column": ["users.csv:1: missing required column givenName"],
    "unknown_reference": ["enrollments.csv:5: userSourcedId 'stu-99' is not in users.csv"],
    "bad_date": ["enrollments.csv:2: beginDate is not a date (YYYY-MM-DD): '01/09/2026'"],
    "bad_role": ["users.csv:7: role 'professor' is not a OneRoster role"],
    "bad_encoding": ["users.csv:4: not UTF-8 text; save the file as UTF-8 CSV"],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_bad_input_exits_2_with_file_line_messages_and_writes_nothing(riverside, capsys, name):
    before = table_counts()
    code, out, err = run(capsys, DATA / name, "--institution", "riverside", "--json")
    assert code == 2
    assert out == ""
    assert err.splitlines() == BROKEN[name]
    assert table_counts() == before


def test_problems_are_capped_at_50_then_and_n_more(riverside, capsys, tmp_path):
    folder = export_copy(tmp_path)
    rows = "".join(
        f"x-{i},,,true,sch-main,wizard,w{i},,W,Z,,,w{i}@example.org,,,,,,\r\n" for i in range(60)
    )
    with (folder / "users.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write(rows)
    code, _out, err = run(capsys, folder, "--institution", "riverside")
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 51
    assert lines[0] == "users.csv:10: role 'wizard' is not a OneRoster role"
    assert lines[-1] == "and 10 more"


def test_other_bad_rows_each_name_their_line(riverside, capsys, tmp_path):
    from tests.rosters_support import edit

    folder = export_copy(tmp_path)
    edit(
        folder, "orgs.csv", "sch-north,active,2026-08-01T09:00:00.000Z", "sch-north,gone,yesterday"
    )
    edit(folder, "users.csv", "stu-2,active,2026-08-01T09:00:00Z,true", "stu-1,,,maybe")
    code, _out, err = run(capsys, folder, "--institution", "riverside")
    assert code == 2
    assert err.splitlines() == [
        "orgs.csv:4: status must be active or tobedeleted, not 'gone'",
        "orgs.csv:4: dateLastModified is not an ISO 8601 date-time: 'yesterday'",
        "users.csv:3: duplicate sourcedId stu-1",
        "users.csv:3: enabledUser must be true or false, not 'maybe'",
        "enrollments.csv:3: userSourcedId 'stu-2' is not in users.csv",
    ]


def test_unknown_institution_or_path_exits_2(riverside, capsys, tmp_path):
    code, _out, err = run(capsys, DATA / "v11", "--institution", "nowhere")
    assert (code, err.strip()) == (
        2,
        "tandem roster import: no institution with the slug 'nowhere'",
    )
    (tmp_path / "notzip.zip").write_bytes(b"plain text")
    code, _out, err = run(capsys, tmp_path / "notzip.zip", "--institution", "riverside")
    assert code == 2 and "not a .zip archive" in err


def test_progress_bar_on_stderr_without_quiet(riverside, capsys):
    code = main(["roster", "import", str(DATA / "v11"), "--institution", "riverside"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "26/26" in err and "rows" in err
    assert "users: 6 created" in out
