"""Skill extraction engine: pure Python and NumPy, no Django (import-linter enforces it).

Import the submodules directly; nothing here imports torch (the semantic stage loads it on
first use, and only when the ``ml`` extra is installed).
"""
