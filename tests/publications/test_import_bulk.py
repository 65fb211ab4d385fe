"""New publications written a batch at a time (publications.importing.bulk): the same catalogue as
the row path, in a few statements per batch, and a batch the database refuses costs no row."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications import changes
from publications.importing import ImportReport, Outcome, importer
from publications.importing.apply import import_row
from publications.importing.rows import parse_row
from publications.models import Publication, PublicationPage, SlugRedirect
from tests.factories import PublicationFactory
from tests.publications.test_import import row, run_import, write_jsonl

pytestmark = pytest.mark.django_db

ROWS = [
    row("plain", authors=["Jane Doe", {"name": "Ann Lee", "role": "Fellow"}], topics=["Trade"]),
    row("drafted", status="draft", topics=["Trade", {"name": "Energy", "parent": "Trade"}]),
    row("ahead", published="2999-01-01", series="Outlook"),
    row("texted", text="The full text.", series="Outlook", topics=[], authors=[]),
    row("bodied", body="<h1>Hello</h1><script>x()</script><p>World</p>"),
    row("timed", published="2999-01-15T09:00:00-05:00"),
    row("withdrawn", status="withdrawn", withdrawn_reason="Superseded by a later edition."),
    row("in-review", status="in-review"),
]


def _import(rows: list[dict], tmp_path: Path) -> ImportReport:
    """Through the Importer, as the command does (one bulk change)."""
    report = ImportReport()
    with changes.bulk():
        rows_in = importer(pdf_dir=tmp_path, batch=BATCH, notify=False, report=report)
        for number, text in enumerate(_lines(rows), start=1):
            rows_in.add(text=text, line=number)
        rows_in.flush()
    return report


def _lines(rows: list[dict]) -> list[str]:
    return [json.dumps(item) for item in rows]


BATCH = uuid.UUID(int=7)


def _state(slug: str) -> dict:
    publication = Publication.objects.select_related("series").get(slug=slug)
    return {
        "fields": {
            name: getattr(publication, name)
            for name in (
                "title",
                "abstract",
                "body",
                "type",
                "status",
                "publication_date",
                "visible_from",
                "release_at",
                "withdrawn_reason",
                "announce",
                "publish_batch",
            )
        },
        "history": list(
            publication.transitions.values_list("action", "from_status", "to_status", "actor_label")
        ),
        "first_published": publication.first_published_at is not None,
        "series": publication.series and publication.series.name,
        "byline": [author.name for author in publication.ordered_authors],
        "topics": sorted(topic.name for topic in publication.topics.all()),
        "pages": list(publication.pages.values_list("file", "number", "text")),
        "indexed": hasattr(publication, "search_document"),
    }


def test_batched_rows_give_the_catalogue_the_row_path_gives(tmp_path):
    report = _import(ROWS, tmp_path)
    batched = {item["slug"]: _state(item["slug"]) for item in ROWS}
    assert report.counts == {Outcome.CREATED: len(ROWS)}
    Publication.objects.all().delete()

    for number, text in enumerate(_lines(ROWS), start=1):
        with changes.bulk():
            import_row(row=parse_row(text=text, line=number), pdf_dir=tmp_path, batch=BATCH,
                       notify=False)  # fmt: skip
    one_by_one = {item["slug"]: _state(item["slug"]) for item in ROWS}

    assert batched == one_by_one
    assert batched["bodied"]["fields"]["body"] == '<h2 id="hello">Hello</h2><p>World</p>'
    assert batched["plain"]["indexed"]
    assert not batched["drafted"]["indexed"]
    assert batched["withdrawn"]["history"] == [("import", "draft", "withdrawn", "import")]


def test_a_batch_takes_a_few_statements_whatever_its_rows(tmp_path):
    def statements(count: int) -> int:
        rows = [row(f"r{count}-{n}", authors=[f"Author {n % 7}"]) for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            _import(rows, tmp_path)
        return len(queries)

    few, many = statements(20), statements(180)

    # Each new author name costs its own lookup and insert, whatever the batch; nothing else grows.
    assert many - few < 20


def test_a_batch_with_a_row_that_cannot_be_applied_loses_only_that_row(tmp_path):
    # Refused while the batch is written (a topic its own parent): the batch rolls back and its
    # rows are applied one by one, each reporting its own reason.
    looped = row("looped", topics=[{"name": "Loop", "parent": "Loop"}])
    rows = [row("first"), looped, row("last")]

    report = _import(rows, tmp_path)

    assert report.counts == {Outcome.CREATED: 2}
    ((line, reason),) = report.skipped
    assert line == 2
    assert "cannot be its own parent" in reason
    assert set(Publication.objects.values_list("slug", flat=True)) == {"first", "last"}


def test_rows_keep_their_file_order_across_updates_and_repeats(tmp_path):
    PublicationFactory(slug="existing", title="Old")
    rows = [
        row("new-one", title="First title"),
        row("existing", title="Updated"),
        row("new-two"),
        row("new-one", title="Second title"),  # the same slug again: the later row wins
    ]

    report = _import(rows, tmp_path)

    assert report.counts == {Outcome.CREATED: 2, Outcome.UPDATED: 2}
    titles = dict(Publication.objects.values_list("slug", "title"))
    assert titles == {
        "new-one": "Second title",
        "existing": "Updated",
        "new-two": "Title of new-two",
    }


def test_a_new_slug_takes_back_an_old_redirect(tmp_path):
    renamed = PublicationFactory(slug="renamed-now")
    SlugRedirect.objects.create(old_slug="taken-back", publication=renamed)

    _import([row("taken-back")], tmp_path)

    assert not SlugRedirect.objects.filter(old_slug="taken-back").exists()
    assert Publication.objects.filter(slug="taken-back").exists()


def test_the_command_writes_a_plain_text_page_and_reports_skips_in_line_order(tmp_path):
    path = write_jsonl(
        tmp_path / "rows.jsonl",
        [row("a", text="Alpha"), row("b", topics=[{"name": "L", "parent": "L"}]), "{", row("c")],
    )

    result = run_import(path)

    assert result.code == 1
    assert [line.split(":")[0] for line in result.err.splitlines()] == ["line 2", "line 3"]
    page = PublicationPage.objects.get(publication__slug="a")
    assert (page.file, page.number, page.text) == (None, 1, "Alpha")
