"""``tandem match …``: file formats, error messages, exit status, no partial output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tandem.cli import main

MARKET = {
    "students": [
        {"id": "s1", "ranking": ["p1", "p2"]},
        {"id": "s2", "ranking": ["p1"]},
        {"id": "s3", "ranking": ["p2", "p1"]},
        {"id": "s4", "ranking": []},
        {"id": "s5", "ranking": []},
    ],
    "placements": [
        {"id": "p1", "capacity": 1, "ranking": ["s2", "s1", "s3", "s4"]},
        {"id": "p2", "capacity": 2, "ranking": [["s1", "s3"], "s5"]},
        {"id": "p3", "capacity": 2, "ranking": ["s4", "s5"]},
    ],
    "couples": [{"members": ["s4", "s5"], "ranking": [["p1", "p2"], ["p3", "p3"]]}],
}


def write(path: Path, obj) -> Path:
    path.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
    return path


def test_stable_json_round_trip(tmp_path):
    inp = write(tmp_path / "market.json", MARKET)
    out = tmp_path / "result.json"
    assert main(["match", "stable", "--input", str(inp), "--output", str(out), "--seed", "3"]) == 0
    result = json.loads(out.read_text())
    assert result["assignments"] == {"s1": "p2", "s2": "p1", "s3": "p2", "s4": "p3", "s5": "p3"}
    assert result["stable"] is True
    assert result["blocking_pairs"] == []
    assert result["stats"]["matched"] == 5
    assert result["stats"]["seed"] == 3
    assert list(tmp_path.iterdir()) == [inp, out] or sorted(tmp_path.iterdir()) == sorted(
        [inp, out]
    )


def test_placement_proposing_and_explanations(tmp_path):
    market = {k: v for k, v in MARKET.items() if k != "couples"}
    inp = write(tmp_path / "m.json", market)
    out = tmp_path / "r.json"
    argv = ["match", "stable", "--input", str(inp), "--output", str(out)]
    assert main([*argv, "--proposing", "placements", "--explain"]) == 0
    result = json.loads(out.read_text())
    assert result["stats"]["proposing"] == "placements"
    assert result["explanations"]["s3"]["placement"] == "p2"
    why = result["explanations"]["s1"]
    assert why["placement"] == "p2"
    assert why["why_not"] == [
        {
            "placement": "p1",
            "code": "filled_with_higher_ranked",
            "text": "p1 filled its only seat with students it ranked higher than you.",
        }
    ]
    assert result["assignments"]["s4"] is None
    assert result["open_seats"] == {"p3": 2}


def test_csv_input(tmp_path):
    students = write(
        tmp_path / "students.csv", "id,choice_1,choice_2\ns1,p1,p2\ns2,p1\ns3,p2,p1\na,,\nb\n"
    )
    placements = write(
        tmp_path / "placements.csv",
        "id,capacity,rank_1,rank_2,rank_3\np1,1,s2,s1,s3\np2,2,s1|s3,a,b\n",
    )
    couples = write(tmp_path / "couples.csv", "member_1,member_2,choice_1\na,b,p2|p2\n")
    out = tmp_path / "r.json"
    code = main(
        [
            "match",
            "stable",
            "--input",
            str(students),
            "--placements-csv",
            str(placements),
            "--couples-csv",
            str(couples),
            "--output",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text())
    assert result["assignments"] == {"s1": "p2", "s2": "p1", "s3": "p2", "a": None, "b": None}
    assert result["stable"] is True


BAD = [
    ('{"students": [', "line 1 column 15: malformed JSON"),
    (
        {"students": [{"id": "s1", "ranking": ["p9"]}], "placements": []},
        "students[0]: student 's1' ranks unknown placement 'p9'",
    ),
    (
        {
            "students": [{"id": "s1", "ranking": ["p1", "p1"]}],
            "placements": [{"id": "p1", "capacity": 1}],
        },
        "ranks placement 'p1' twice",
    ),
    (
        {"students": [], "placements": [{"id": "p1", "capacity": -3}]},
        "placements[0] (id 'p1'): placement 'p1' has negative capacity -3",
    ),
    (
        {"students": [{"id": "s1"}], "placements": [], "couples": [{"members": ["s1", "ghost"]}]},
        "couple names unknown student 'ghost'",
    ),
    ({"students": [{"ranking": []}], "placements": []}, "students[0]: missing or non-string 'id'"),
    (
        {"students": [], "placements": [{"id": "p", "capacity": 1, "ranking": [7]}]},
        "ranking entries",
    ),
]


@pytest.mark.parametrize(("content", "message"), BAD)
def test_bad_json_exit_2_and_no_output(tmp_path, capsys, content, message):
    inp = write(tmp_path / "market.json", content)
    out = tmp_path / "result.json"
    assert main(["match", "stable", "--input", str(inp), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["market.json"]  # no temp file left


@pytest.mark.parametrize(
    ("students", "placements", "message"),
    [
        (
            "id,c1\ns1,p1\ns1,p1\n",
            "id,capacity\np1,1\n",
            "students.csv line 3: student id 's1' appears twice",
        ),
        (
            "id,c1\ns1,p1\n",
            "id,capacity\np1,x\n",
            "placements.csv line 2: capacity 'x' is not a whole number",
        ),
        (
            "id,c1\ns1,p1\n",
            "id,capacity\n\np1,-1\n",
            "placements.csv line 3: placement 'p1' has negative capacity -1",
        ),
        (
            "id,c1\ns1,p1\n",
            "id,capacity,r1\np1,1,s9\n",
            "placements.csv line 2: placement 'p1' ranks unknown student 's9'",
        ),
        (
            "id,c1\ns1,p2\n",
            "id,capacity\np1,1\n",
            "students.csv line 2: student 's1' ranks unknown placement 'p2'",
        ),
    ],
)
def test_bad_csv_names_the_line(tmp_path, capsys, students, placements, message):
    s = write(tmp_path / "students.csv", students)
    p = write(tmp_path / "placements.csv", placements)
    out = tmp_path / "r.json"
    code = main(
        ["match", "stable", "--input", str(s), "--placements-csv", str(p), "--output", str(out)]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_optimal_json(tmp_path):
    inp = write(
        tmp_path / "scores.json",
        {
            "mentors": [{"id": "m1", "capacity": 3}],
            "mentees": [{"id": "e1"}, {"id": "e2"}],
            "scores": [["e1", "m1", 0.82]],
        },
    )
    out = tmp_path / "r.json"
    assert main(["match", "optimal", "--input", str(inp), "--output", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["assignments"] == {"e1": "m1", "e2": None}
    assert result["total_score"] == pytest.approx(0.82)


def test_optimal_csv_and_constraints(tmp_path, capsys):
    scores = write(
        tmp_path / "scores.csv", "mentee,mentor,score\ne1,m1,0.5\ne2,m1,0.7\ne2,m2,0.1\n"
    )
    mentors = write(tmp_path / "mentors.csv", "id,capacity\nm1,1\nm2,1\n")
    out = tmp_path / "r.json"
    argv = [
        "match",
        "optimal",
        "--input",
        str(scores),
        "--mentors-csv",
        str(mentors),
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    assert json.loads(out.read_text())["total_score"] == pytest.approx(0.7)  # e2→m1 beats 0.5+0.1
    bad = write(tmp_path / "bad.json", {"mentors": [], "mentees": [], "scores": [["e1", "m1", 1]]})
    assert main(["match", "optimal", "--input", str(bad), "--output", str(out)]) == 2
    assert "scores[0]: unknown mentee 'e1'" in capsys.readouterr().err


def test_verify_command(tmp_path, capsys):
    inp = write(tmp_path / "market.json", {k: v for k, v in MARKET.items() if k != "couples"})
    res = write(tmp_path / "res.json", {"assignments": {"s1": "p2", "s2": "p1", "s3": None}})
    assert main(["match", "verify", "--input", str(inp), "--assignments", str(res)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["blocking_pairs"] == [["s3", "p2"]]


def test_console_script_imports_no_django(tmp_path):
    code = (
        "import sys, tandem.matching.cli, tandem.matching.engine, tandem.matching.engine.io;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    inp = write(tmp_path / "market.json", MARKET)
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tandem.cli",
            "match",
            "stable",
            "--input",
            str(inp),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["stable"] is True
