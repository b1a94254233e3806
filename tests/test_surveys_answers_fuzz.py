"""Whatever a client sends as answers, validation either accepts clean values or names the
question at fault; it never raises anything else (no 500)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.surveys.answers import clean_answers
from tandem.surveys.models import Question

QUESTIONS = [
    Question(key="likert", type="likert", required=True, text="L"),
    Question(key="nps", type="nps", text="N"),
    Question(
        key="single",
        type="single",
        text="S",
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    ),
    Question(
        key="multiple",
        type="multiple",
        text="M",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    ),
    Question(key="number", type="number", text="#", min_value=Decimal(0), max_value=Decimal(80)),
    Question(key="text", type="text", text="T"),
    Question(key="skills", type="skills", text="K", skills=["teamwork", "sql"]),
    Question(
        key="why",
        type="text",
        text="W",
        required=True,
        condition={"question": "single", "op": "in", "values": ["no"]},
    ),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["yes", "no", "a", "b", "5", "80", "NaN", "1e99", "teamwork"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["teamwork", "sql", "x"]), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from([q.key for q in QUESTIONS] + ["other"]), json_values))
def test_validation_never_crashes_and_accepts_only_clean_values(data):
    cleaned, errors = clean_answers(QUESTIONS, data)
    assert set(cleaned).isdisjoint(errors)
    for question, value, number in cleaned.values():
        if question.type in ("likert", "nps"):
            low, high = (1, 5) if question.type == "likert" else (0, 10)
            assert isinstance(value, int) and low <= value <= high and number == value
        elif question.type == "single":
            assert value in ("yes", "no")
        elif question.type == "multiple":
            assert set(value) <= {"a", "b"}
        elif question.type == "number":
            assert Decimal(0) <= number <= Decimal(80)
        elif question.type == "skills":
            assert set(value) <= {"teamwork", "sql"} and all(1 <= v <= 5 for v in value.values())
        elif question.type == "text":
            assert isinstance(value, str) and len(value) <= 5000
    if "likert" not in cleaned:
        assert "likert" in errors  # required
