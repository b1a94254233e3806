"""What a conversation may be about: subject types registered by the apps that own them.

Like :mod:`tandem.core.guards`, filled in the owning apps' ``AppConfig.ready()`` so that
messaging imports none of them. The owning app keeps its rule of who belongs to its object:
``members`` answers the ids of the people who may take part, ``students`` which of them are
students (the institution's messaging setting then decides who may start a conversation with
them), ``institutions``/``partners`` the organizations involved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SubjectType:
    key: str
    label: Any
    #: The object of this public id, or None.
    resolve: Callable[[str], Any]
    #: Ids of the active people who belong to the object.
    members: Callable[[Any], set[int]]
    #: Of those, the students.
    students: Callable[[Any], set[int]]
    #: Ids of the institutions and partners involved.
    institutions: Callable[[Any], set[int]]
    partners: Callable[[Any], set[int]]
    #: A short title and the object's page.
    title: Callable[[Any], str]
    link: Callable[[Any], str]


_subjects: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> SubjectType:
    _subjects[subject.key] = subject
    return subject


def get_subject_type(key: str) -> SubjectType:
    try:
        return _subjects[key]
    except KeyError:
        raise ValueError(f"unknown conversation subject {key!r}") from None


def subject_types() -> list[SubjectType]:
    return sorted(_subjects.values(), key=lambda s: s.key)


__all__ = ["SubjectType", "get_subject_type", "register_subject", "subject_types"]
