"""The shared CSV upload reader: whole-file errors on ``file``, rows numbered from line 2."""

from __future__ import annotations

import pytest

from tandem.core.csv_import import CsvUpload, line_message, nothing_recorded
from tandem.core.errors import DomainError


def read(content: bytes, max_rows: int = 10) -> tuple[list[tuple[int, dict[str, str]]], list]:
    errors: list[tuple[int, str]] = []
    rows = list(CsvUpload(content, columns=("email", "day"), max_rows=max_rows, errors=errors))
    return rows, errors


def test_rows_are_numbered_from_line_two_with_normalised_header_and_blank_rows_skipped():
    rows, errors = read(b"\xef\xbb\xbf Email ,DAY,extra\n a@x.org , 2026-01-01 ,\n,,\nb@x.org,,\n")
    assert rows == [
        (2, {"email": "a@x.org", "day": "2026-01-01", "extra": ""}),
        (4, {"email": "b@x.org", "day": "", "extra": ""}),
    ]
    assert errors == []


def test_rows_past_the_cap_stop_with_a_line_error_after_the_callers_own():
    errors: list[tuple[int, str]] = [(2, "earlier")]
    upload = CsvUpload(b"email,day\na,1\nb,2\nc,3\n", columns=("email",), max_rows=2, errors=errors)
    assert [line for line, _row in upload] == [2, 3]
    assert errors == [(2, "earlier"), (4, "More than 2 rows.")]


def test_missing_columns_are_a_line_one_error():
    with pytest.raises(DomainError) as exc:
        read(b"mail\nx\n")
    assert exc.value.code == "bad_header"
    assert exc.value.fields == {"file": ["Line 1: Missing columns: email, day."]}


def test_a_file_not_in_utf8_is_refused():
    with pytest.raises(DomainError) as exc:
        read("email,day\nzoë,1\n".encode("latin-1"))
    assert exc.value.message == "The file is not UTF-8 text."
    assert exc.value.fields == {"file": ["Save the file as UTF-8 CSV."]}


def test_a_file_over_the_upload_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(DomainError) as exc:
        read(b"email,day\nsomeone@example.org,2026-01-01\n")
    assert exc.value.fields == {"file": ["The file is too large: the limit is 10\xa0bytes."]}


def test_nothing_recorded_lists_the_first_fifty_line_errors():
    error = nothing_recorded([(n, "bad") for n in range(2, 80)])
    assert error.code == "no_rows"
    assert error.message == "No row of the file could be recorded."
    assert error.fields["file"][:2] == ["Line 2: bad", "Line 3: bad"]
    assert len(error.fields["file"]) == 50
    assert line_message(7, "x") == "Line 7: x"


def test_loading_esco_leaves_the_csv_field_limit_that_guards_uploads():
    """The upload readers rely on the csv module's 128 KB field limit; loading the taxonomy in
    the same process (the worker does both) must not raise it for everyone."""
    import csv

    from tandem.skills.engine import esco

    esco.load_taxonomy()
    assert csv.field_size_limit() == 131072
