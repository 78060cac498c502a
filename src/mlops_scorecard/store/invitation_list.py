"""A pasted list of people to invite: one per line, ``name, email, role``.

Lines are split on tabs when they have one (a column copied from a spreadsheet), on
commas otherwise. The email and the role may be left out; a second field without an
``@`` is taken as the role (``Ana, ML engineer``). Every bad line is reported with its
number, and nothing is created unless every line is good.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from ..errors import ScorecardError

__all__ = ["MAX_LIST_LINES", "InvitationLine", "invitation_people", "one_person", "parse_invitation_list"]

#: People one pasted list may invite (the assessment's own limit applies as well).
MAX_LIST_LINES = 1000
#: Problems listed before "and N more": a long list of errors helps nobody.
_SHOWN_PROBLEMS = 10
# Deliberately loose (one @, no spaces or separators, a dot inside the domain): the mail
# server is the judge of an address; this only catches a field typed into the wrong
# column or an obvious slip such as ``ana@example``.
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\".]+(\.[^@\s,;<>\".]+)+$")
_HEADER = {"name", "email", "e-mail", "role", "mail"}


@dataclass(frozen=True)
class InvitationLine:
    """One person of a pasted list, with the line they came from (1-based) and how
    messages name it (``line 3``, or ``people[2]`` for an API request)."""

    line: int
    name: str
    email: str
    role: str
    place: str = ""


def _email(field: str) -> str | None:
    """The address of ``field`` (``ana@x.org`` or ``Ana <ana@x.org>``), ``None`` if it is not one."""
    _, address = parseaddr(field)
    address = address.strip()
    return address if _EMAIL.match(address) and len(address) <= 320 else None


def _person(place: str, number: int, name: str, email: str, role: str) -> InvitationLine | str:
    """The person of one line (or API entry) at ``place``, or the problem with it."""
    name, email, role = name.strip(), email.strip(), role.strip()
    if not name:
        return f"{place}: the name is missing (expected name, email, role)"
    if len(name) > 200:
        return f"{place}: the name is longer than 200 characters"
    address = ""
    if email:
        found = _email(email)
        if found is None:
            return f"{place}: {email[:80]!r} is not an email address"
        address = found
    if len(role) > 100:
        return f"{place}: the role is longer than 100 characters"
    return InvitationLine(line=number, name=name, email=address, role=role, place=place)


def _parse_line(number: int, text: str) -> InvitationLine | str:
    """The person on one line, or the problem with it (as a message)."""
    fields = [f.strip() for f in text.split("\t" if "\t" in text else ",")]
    while fields and not fields[-1]:
        fields.pop()
    if len(fields) > 3:
        return f"line {number}: {len(fields)} fields; expected name, email, role"
    name, email, role = [*fields, "", "", ""][:3]
    if len(fields) == 2 and "@" not in email:
        email, role = "", email  # "name, role": the email left out
    return _person(f"line {number}", number, name, email, role)


def one_person(name: str, email: str = "", role: str = "") -> InvitationLine:
    """One person from the one-at-a-time form, checked as a line of a list is."""
    found = _person("invitation", 1, name, email, role)
    if isinstance(found, str):
        raise ScorecardError(found)
    return found


def parse_invitation_list(text: str) -> list[InvitationLine]:
    """The people of a pasted list, in order; blank lines and a header line
    (``name, email, role``) are skipped. Every problem, each naming its line, is
    raised together as one :class:`ScorecardError`; so is a name given twice."""
    found: list[InvitationLine | str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if not found and {f.strip().lower() for f in re.split(r"[\t,]", raw)} <= _HEADER:
            continue  # a header row copied with the table
        found.append(_parse_line(number, raw))
    if not found:
        raise ScorecardError("the list is empty: give one person per line (name, email, role)")
    return _checked(found, "line {}")


def invitation_people(entries: Sequence[tuple[str, str, str]]) -> list[InvitationLine]:
    """The people of an API request (name, email, role each), checked as a pasted list
    is; problems name the entry as ``people[i]`` (0-based, as the request's JSON)."""
    if not entries:
        raise ScorecardError("people: the list is empty")
    found = [_person(f"people[{i}]", i, *entry) for i, entry in enumerate(entries)]
    return _checked(found, "people[{}]")


def _checked(found: Sequence[InvitationLine | str], place: str) -> list[InvitationLine]:
    """The people of ``found`` when none is a problem and no name repeats; else every
    problem at once. ``place`` formats a person's line number for the messages."""
    people: list[InvitationLine] = []
    problems: list[str] = []  # in line order, a repeated name where it repeats
    first: dict[str, int] = {}
    for person in found:
        if isinstance(person, str):
            problems.append(person)
            continue
        key = person.name.casefold()
        if key in first:
            problems.append(f"{person.place}: {person.name!r} is already at {place.format(first[key])}")
            continue
        first[key] = person.line
        people.append(person)
    if len(people) > MAX_LIST_LINES:
        problems.append(
            f"the list has {len(people):,} people; at most {MAX_LIST_LINES:,} can be invited at once"
        )
    if problems:
        more = len(problems) - _SHOWN_PROBLEMS
        shown = problems[:_SHOWN_PROBLEMS] + ([f"... and {more} more"] if more > 0 else [])
        raise ScorecardError(["Nobody was invited; fix these and try again:", *shown])
    return people
