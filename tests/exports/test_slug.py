"""File names from attendee ids and names: safe, bounded, unique, stable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.domain import Attendee
from scheduler.exports.agendas.slug import MAX_SLUG, agenda_stems, slugify


def person(aid: str, name: str) -> Attendee:
    return Attendee(id=aid, name=name, organisation="Org")


def test_slugify_makes_plain_ascii():
    assert slugify("Jürgen Groß-Åsen") == "jurgen-gross-asen"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify('=HYPERLINK("http://x","y")') == "hyperlink-http-x-y"
    assert slugify("李小龙") == ""
    assert slugify("A" * 200) == "a" * MAX_SLUG


@pytest.mark.slow
@given(st.text())
def test_any_text_gives_a_safe_bounded_name(text):
    slug = slugify(text)
    assert len(slug) <= MAX_SLUG
    assert slug == slug.strip("-")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


def test_same_names_differ_by_id_and_ids_keep_their_case():
    stems = agenda_stems([person("A-017", "Jane Doe"), person("A-018", "Jane Doe")])
    assert stems == {"A-017": "A-017-jane-doe", "A-018": "A-018-jane-doe"}


def test_ids_that_slug_alike_still_get_their_own_files():
    people = [person("A/1", "Jane"), person("A-1", "Jane"), person("a-1", "Jane")]
    stems = agenda_stems(people)
    assert stems["A/1"] == "A-1-jane"
    assert len({s.lower() for s in stems.values()}) == 3  # unique on case-blind disks too
    assert agenda_stems(people) == stems  # and the same every time


def test_names_with_nothing_usable_fall_back_to_the_id():
    assert agenda_stems([person("7", "李小龙"), person("../", "x")]) == {
        "7": "7",
        "../": "attendee-x",
    }
