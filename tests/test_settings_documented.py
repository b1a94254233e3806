"""Every TANDEM_* variable the settings read is documented for operators."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _variables_read() -> set[str]:
    source = (REPO / "tandem" / "config" / "settings.py").read_text()
    names = set(re.findall(r'\benv(?:_bool)?\(\s*"([A-Z_]+)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "DATA_DIR", "ENV", "DEBUG"} <= names
    return {f"TANDEM_{n}" for n in names}


def test_operations_guide_documents_every_variable():
    guide = (REPO / "docs" / "operations.md").read_text()
    missing = {v for v in _variables_read() if f"`{v}`" not in guide}
    assert not missing, f"add these to the table in docs/operations.md: {sorted(missing)}"


def test_env_example_mentions_every_variable():
    example = (REPO / ".env.example").read_text()
    missing = {v for v in _variables_read() if not re.search(rf"^#?{v}=", example, re.M)}
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_env_example_holds_no_secret():
    example = (REPO / ".env.example").read_text()
    assert re.search(r"^TANDEM_SECRET_KEY=$", example, re.M)
    assert re.search(r"^TANDEM_EMAIL_HOST_PASSWORD=$", example, re.M)
