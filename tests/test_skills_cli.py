"""`tandem skills extract`: formats, bad-line reporting, modes; the module imports cheaply."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tandem.cli import main
from tandem.skills.engine import esco
from tandem.skills.engine.semantic import ml_available
from tandem.skills.engine.taxonomy import ESCO_SKILL_PREFIX, Concept, Taxonomy


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_out(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_extract_writes_ranked_skills_with_spans(tmp_path, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    text = "Managing projects and teamwork; Python and SQL a plus."
    write_lines(src, [json.dumps({"id": "p1", "text": text}), json.dumps({"id": 7, "text": ""})])
    code = main(
        [
            "skills",
            "extract",
            "--input",
            str(src),
            "--output",
            str(dst),
            "--top-k",
            "10",
            "--mode",
            "lexical",
        ]
    )
    assert code == 0
    first, second = read_out(dst)
    assert first["id"] == "p1" and second == {"id": "7", "skills": []}
    skills = first["skills"]
    assert 1 <= len(skills) <= 10
    assert set(skills[0]) == {"uri", "label", "score", "spans"}
    assert all(s["uri"].startswith(ESCO_SKILL_PREFIX) for s in skills)
    assert [s["score"] for s in skills] == sorted((s["score"] for s in skills), reverse=True)
    for s in skills:
        for start, end in s["spans"]:
            assert 0 <= start < end <= len(text)
    labels = {s["label"] for s in skills}
    assert {"SQL", "Python (computer programming)"} <= labels
    assert "mode lexical" in capsys.readouterr().err


def test_bad_lines_are_reported_with_line_numbers_and_others_processed(tmp_path, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(
        src,
        [
            json.dumps({"id": "a", "text": "Java developer"}),
            "{not json",
            json.dumps({"id": "b"}),
            json.dumps(["c", "text"]),
            "",
            json.dumps({"id": "", "text": "x"}),
            json.dumps({"id": "d", "text": "cope with stress"}),
        ],
    )
    code = main(
        [
            "skills",
            "extract",
            "--input",
            str(src),
            "--output",
            str(dst),
            "--mode",
            "lexical",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    for lineno in (2, 3, 4, 6):
        assert f"in.jsonl:{lineno}:" in err
    assert "in.jsonl:1:" not in err and "in.jsonl:7:" not in err
    assert [r["id"] for r in read_out(dst)] == ["a", "d"]


def test_missing_input_file_and_bad_top_k_exit_2(tmp_path, capsys):
    dst = tmp_path / "out.jsonl"
    assert (
        main(["skills", "extract", "--input", str(tmp_path / "nope.jsonl"), "--output", str(dst)])
        == 2
    )
    assert "no such file" in capsys.readouterr().err
    src = tmp_path / "in.jsonl"
    write_lines(src, [json.dumps({"id": "a", "text": "x"})])
    assert (
        main(["skills", "extract", "--input", str(src), "--output", str(dst), "--top-k", "0"]) == 2
    )


def test_unknown_mode_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["skills", "extract", "--input", "a", "--output", "b", "--mode", "magic"])
    assert exc.value.code == 2


@pytest.mark.slow
@pytest.mark.skipif(not ml_available(), reason="needs the ML extra")
def test_default_mode_is_combined_with_the_ml_extra(tmp_path, monkeypatch, capsys):
    tiny = Taxonomy(
        version="cli-test",
        concepts=(
            Concept(
                f"{ESCO_SKILL_PREFIX}00000000-0000-0000-0000-000000000001",
                "cope with stress",
                ("handle stress",),
            ),
            Concept(f"{ESCO_SKILL_PREFIX}00000000-0000-0000-0000-000000000002", "bake bread"),
        ),
    )
    monkeypatch.setattr(esco, "load_taxonomy", lambda **_: tiny)
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps({"id": "a", "text": "You stay calm under pressure."})])
    assert (
        main(["skills", "extract", "--input", str(src), "--output", str(dst), "--top-k", "1"]) == 0
    )
    assert "mode combined" in capsys.readouterr().err
    (row,) = read_out(dst)
    assert row["skills"][0]["label"] == "cope with stress"
    assert list((tmp_path / "cache" / "skills").glob("*.npz"))


def test_importing_the_cli_loads_neither_django_nor_torch():
    code = (
        "import sys, tandem.skills.cli, tandem.skills.engine.extractor;"
        "bad = [m for m in ('torch', 'django', 'sentence_transformers') if m in sys.modules];"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_without_the_ml_extra_lexical_still_works_and_says_so(tmp_path, monkeypatch, capsys):
    from tandem.skills.engine import extractor as extractor_module

    monkeypatch.setattr(extractor_module, "ml_available", lambda: False)
    assert extractor_module.Extractor.available_modes() == ("lexical",)
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps({"id": "a", "text": "SQL and Java"})])
    assert main(["skills", "extract", "--input", str(src), "--output", str(dst)]) == 0
    assert "mode lexical" in capsys.readouterr().err
    assert read_out(dst)[0]["skills"]
    code = main(
        ["skills", "extract", "--input", str(src), "--output", str(dst), "--mode", "semantic"]
    )
    assert code == 2
    assert "ML extra" in capsys.readouterr().err


def test_invalid_utf8_line_is_reported_not_fatal(tmp_path, capsys):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    good = json.dumps({"id": "ok", "text": "SQL"}).encode()
    src.write_bytes(b'{"id": "x", "text": "\xff\xfe"}\n' + good + b"\n")
    code = main(
        [
            "skills",
            "extract",
            "--input",
            str(src),
            "--output",
            str(dst),
            "--quiet",
            "--mode",
            "lexical",
        ]
    )
    assert code == 2
    assert "in.jsonl:1: not valid UTF-8" in capsys.readouterr().err
    assert [r["id"] for r in read_out(dst)] == ["ok"]


def test_default_top_k_is_five(tmp_path, capsys):
    # A text naming more than five skills: without --top-k exactly five come back, the five
    # best of the ranking that a larger --top-k gives.
    src, dst, wide = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "wide.jsonl"
    text = (
        "Managing projects and teamwork; Python and SQL, JavaScript, Java, project management, "
        "customer service, budgeting, data analysis, and public speaking."
    )
    write_lines(src, [json.dumps({"id": "p1", "text": text})])
    base = ["skills", "extract", "--input", str(src), "--mode", "lexical"]
    assert main([*base, "--output", str(wide), "--top-k", "20"]) == 0
    everything = read_out(wide)[0]["skills"]
    assert len(everything) > 5
    assert main([*base, "--output", str(dst)]) == 0
    (line,) = read_out(dst)
    assert len(line["skills"]) == 5
    assert [s["uri"] for s in line["skills"]] == [s["uri"] for s in everything[:5]]


def run_cli(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", *args],
        input=stdin.encode(),
        capture_output=True,
        check=False,
        timeout=300,
    )


def test_stdin_to_stdout(tmp_path):
    lines = [
        json.dumps({"id": "p1", "text": "Python and SQL a plus."}),
        json.dumps({"id": "p2", "text": "You show initiative."}),
    ]
    done = run_cli(
        "skills",
        "extract",
        "--input",
        "-",
        "--output",
        "-",
        "--mode",
        "lexical",
        stdin="\n".join(lines) + "\n",
    )
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["p1", "p2"]
    assert {"SQL", "Python (computer programming)"} <= {s["label"] for s in rows[0]["skills"]}
    assert "show initiative" in {s["label"] for s in rows[1]["skills"]}
    err = done.stderr.decode()
    assert "2 texts in" in err and "texts/s" in err and " 0.0 texts/s" not in err


def test_bad_stdin_lines_are_named_and_exit_2():
    good = json.dumps({"id": "a", "text": "SQL"})
    done = run_cli(
        "skills",
        "extract",
        "--input",
        "-",
        "--output",
        "-",
        "--mode",
        "lexical",
        "--quiet",
        stdin=f"{good}\n{{broken\n",
    )
    assert done.returncode == 2
    assert "<stdin>:2: not valid JSON" in done.stderr.decode()
    assert [json.loads(x)["id"] for x in done.stdout.decode().splitlines()] == ["a"]


def test_help_shows_the_json_lines_formats_with_an_example(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["skills", "extract", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert '{"id": "p1", "text": "Managing projects and teamwork; Python and SQL a plus."}' in out
    assert '"label": "SQL", "score": 0.875, "spans": [[43, 46]]' in out
    assert "--input - --output -" in out
    assert '"-" for stdin' in out and '"-" for stdout' in out
    assert "FILE:LINE" in out
    # The example in the help is what the command really writes.
    text = "Managing projects and teamwork; Python and SQL a plus."
    tax = esco.load_taxonomy()
    from tandem.skills.engine.extractor import Extractor

    (sql,) = [m for m in Extractor(tax).extract(text, mode="lexical") if m.label == "SQL"]
    assert (sql.score, sql.spans) == (0.875, ((43, 46),))
    assert sql.uri in out


@pytest.mark.slow
@pytest.mark.skipif(not ml_available(), reason="needs the ML extra")
def test_embedding_the_taxonomy_says_so_and_shows_progress_once(tmp_path, monkeypatch, capsys):
    tiny = Taxonomy(
        version="cli-progress-test",
        concepts=tuple(
            Concept(f"{ESCO_SKILL_PREFIX}00000000-0000-0000-0000-{n:012d}", label, (), "skill", d)
            for n, (label, d) in enumerate(
                [
                    ("cope with stress", "Stay calm under pressure."),
                    ("bake bread", "Make bread in an oven."),
                    ("weld metal", "Join metal parts by heat."),
                ],
                start=1,
            )
        ),
    )
    monkeypatch.setattr(esco, "load_taxonomy", lambda **_: tiny)
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(src, [json.dumps({"id": "a", "text": "You stay calm under pressure."})])
    args = ["skills", "extract", "--input", str(src), "--output", str(dst), "--mode", "semantic"]
    assert main(args) == 0
    err = capsys.readouterr().err
    cache = tmp_path / "cache" / "skills"
    assert f"Embedding 3 taxonomy labels (once; cached in {cache})" in err
    assert f"Embedding 3 taxonomy definitions (once; cached in {cache})" in err
    assert "3/3" in err and "100%" in err  # the tqdm bars reached the end
    assert "1 texts in" in err and "loading the taxonomy embeddings" in err
    assert read_out(dst)[0]["skills"][0]["label"] == "cope with stress"
    # Cached: the second run embeds nothing and says nothing about it.
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "Embedding" not in err and "1 texts in" in err
    # --quiet: no progress either.
    cache_files = list(cache.glob("*.npz"))
    for f in cache_files:
        f.unlink()
    assert main([*args, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
