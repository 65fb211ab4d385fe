"""The import's optional `body` key: sanitised as the admin's is, bad values reported by line."""

from __future__ import annotations

import pytest

from publications.models import Publication
from publications.richtext import sanitise
from tests.publications.hostile import HOSTILE_BODY, assert_nothing_hostile_reaches_readers
from tests.publications.pages import SITE
from tests.publications.test_import import folder, row, run_import, write_jsonl  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_hostile_body_imported_reaches_no_reader(folder, client, settings):  # noqa: F811
    settings.SITE_URL = SITE
    path = write_jsonl(folder / "rows.jsonl", [row("wombat-burrows", body=HOSTILE_BODY)])

    result = run_import(path)

    assert result.code == 0, result.err
    assert Publication.objects.get(slug="wombat-burrows").body == sanitise(HOSTILE_BODY)
    assert_nothing_hostile_reaches_readers(client, slug="wombat-burrows", title_word="wombat")


def test_a_second_run_of_the_same_body_changes_nothing(folder):  # noqa: F811
    path = write_jsonl(folder / "rows.jsonl", [row(body="<h1>A</h1><p onclick='x'>b</p>")])
    run_import(path)
    before = Publication.objects.get(slug="a-report").updated_at

    result = run_import(path)

    assert "0 created, 0 updated, 1 unchanged" in result.out
    assert Publication.objects.get(slug="a-report").updated_at == before


def test_a_changed_body_updates_and_a_row_without_one_keeps_it(folder):  # noqa: F811
    run_import(write_jsonl(folder / "one.jsonl", [row(body="<p>First</p>")]))
    result = run_import(write_jsonl(folder / "two.jsonl", [row(body="<p>Second</p>")]))
    assert "1 updated" in result.out
    assert Publication.objects.get(slug="a-report").body == "<p>Second</p>"

    run_import(write_jsonl(folder / "three.jsonl", [row()]))

    assert Publication.objects.get(slug="a-report").body == "<p>Second</p>"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (["<p>x</p>"], "body: must be a string of HTML, not a list"),
        (12, "body: must be a string of HTML, not a number"),
        ("<p>a\x00b</p>", "body: contains a NUL character"),
    ],
)
def test_bad_bodies_are_reported_with_their_line(folder, body, reason):  # noqa: F811
    path = write_jsonl(folder / "rows.jsonl", [row("good"), row("bad", body=body)])

    result = run_import(path)

    assert result.code == 1
    assert f"line 2: skipped: {reason}" in result.err
    assert not Publication.objects.filter(slug="bad").exists()
    assert Publication.objects.filter(slug="good").exists()
