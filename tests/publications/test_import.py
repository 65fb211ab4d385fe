"""The import_publications command and publications.importing, against real PostgreSQL."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from publications.models import Author, Publication, PublicationPage, Status, Topic
from search.index.writes import Batched
from search.models import SearchDocument
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_import(path: Path, *args: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_publications", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return Result(int(exc.code), out.getvalue(), err.getvalue())
    return Result(0, out.getvalue(), err.getvalue())


def row(slug: str = "a-report", **fields) -> dict:
    data = {
        "slug": slug,
        "title": f"Title of {slug}",
        "abstract": f"Abstract of {slug}.",
        "published": "2024-12-09",
        "type": "report",
        "authors": ["Jane Doe", "John Roe"],
        "topics": ["Trade"],
    }
    return {**data, **fields}


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    lines = [item if isinstance(item, str) else json.dumps(item) for item in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "import"
    path.mkdir()
    return path


def write_pdf(folder: Path, name: str, text: str = "Page one") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_pdf([text, f"{text}, continued"]))
    return path


def media_files(settings) -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def byline(publication: Publication) -> list[str]:
    return [author.name for author in publication.ordered_authors]


# --- Good rows ----------------------------------------------------------------------------------


def test_good_rows_create_publications_with_ordered_authors_and_topics(folder):
    rows = [
        row("first", authors=["Zed Zulu", "Abe Alpha"], topics=["Trade", "Energy"]),
        row("second", type="issue-brief", authors=["Abe Alpha"], topics=[]),
    ]
    result = run_import(write_jsonl(folder / "rows.jsonl", rows))

    assert result.code == 0, result.err
    assert "2 created, 0 updated, 0 unchanged, 0 skipped" in result.out
    first = Publication.objects.get(slug="first")
    assert (first.title, first.abstract, first.type) == (
        "Title of first",
        "Abstract of first.",
        "report",
    )
    assert first.publication_date == datetime.date(2024, 12, 9)
    assert byline(first) == ["Zed Zulu", "Abe Alpha"]
    assert sorted(first.topics.values_list("name", flat=True)) == ["Energy", "Trade"]
    assert Publication.objects.get(slug="second").type == "issue-brief"
    assert Author.objects.count() == 2


def test_status_follows_the_date_unless_the_row_is_a_draft(folder):
    today = TODAY()
    rows = [
        row("past", published=(today - datetime.timedelta(days=30)).isoformat()),
        row("today", published=today.isoformat()),
        row("future", published=(today + datetime.timedelta(days=30)).isoformat()),
        row("draft", status="draft"),
        row("explicit", status="published"),
    ]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    statuses = dict(Publication.objects.values_list("slug", "status"))
    assert statuses == {
        "past": Status.PUBLISHED,
        "today": Status.PUBLISHED,
        "future": Status.SCHEDULED,
        "draft": Status.DRAFT,
        "explicit": Status.PUBLISHED,
    }


def test_pdf_is_stored_with_its_size_and_sha256(folder, settings):
    pdf = write_pdf(folder, "files/report.pdf")
    assert run_import(write_jsonl(folder / "rows.jsonl", [row(pdf="files/report.pdf")])).code == 0

    publication = Publication.objects.get(slug="a-report")
    content = pdf.read_bytes()
    assert publication.first_pdf.size == len(content)
    assert publication.first_pdf.sha256 == hashlib.sha256(content).hexdigest()
    assert publication.first_pdf.file.read() == content
    assert len(media_files(settings)) == 1


def test_pdf_dir_option_sets_the_folder_pdf_paths_are_relative_to(folder, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    write_pdf(elsewhere, "report.pdf")
    path = write_jsonl(folder / "rows.jsonl", [row(pdf="report.pdf")])

    assert run_import(path, "--pdf-dir", str(elsewhere)).code == 0
    assert (
        Publication.objects.get(slug="a-report").first_pdf.size
        == (elsewhere / "report.pdf").stat().st_size
    )


def test_authors_and_topics_match_existing_ones_ignoring_case(folder):
    jane = AuthorFactory(name="Jane Doe", slug="jane-doe")
    trade = TopicFactory(name="Trade", slug="trade")
    rows = [
        row(authors=["JANE DOE", "john roe"], topics=["trade"]),
        row("other", authors=["John Roe"]),
    ]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    publication = Publication.objects.get(slug="a-report")
    assert publication.ordered_authors[0] == jane
    assert Author.objects.get(pk=jane.pk).name == "Jane Doe"  # A match never renames.
    assert list(publication.topics.all()) == [trade]
    assert Author.objects.count() == 2
    assert Topic.objects.count() == 1


def test_new_authors_and_topics_get_unique_slugs(folder):
    AuthorFactory(name="Somebody Else", slug="jane-doe")
    TopicFactory(name="Trade policy", slug="trade")
    rows = [row(authors=["Jane Doe", "Tomás Herrera"], topics=["Trade", "!!!"])]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    assert Author.objects.get(name="Jane Doe").slug == "jane-doe-2"
    assert Author.objects.get(name="Tomás Herrera").slug == "tomas-herrera"
    assert Topic.objects.get(name="Trade").slug == "trade-2"
    assert Topic.objects.get(name="!!!").slug == "topic"


def test_author_and_topic_objects_set_details_and_parents(folder):
    rows = [
        row(
            authors=[
                {"name": "Jane Doe", "role": "Senior Fellow", "affiliation": "IPR", "bio": "Bio."}
            ],
            topics=[{"name": "Defense Industry", "description": "Arms.", "parent": "Defense"}],
        )
    ]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    jane = Author.objects.get(name="Jane Doe")
    assert (jane.role, jane.affiliation, jane.bio) == ("Senior Fellow", "IPR", "Bio.")
    topic = Topic.objects.get(name="Defense Industry")
    assert topic.description == "Arms."
    assert topic.parent == Topic.objects.get(name="Defense")


def test_a_name_alone_leaves_an_author_as_is_and_an_object_updates_it(folder):
    AuthorFactory(name="Jane Doe", role="Fellow", bio="Old bio.")
    AuthorFactory(name="John Roe", role="Fellow", bio="Old bio.")
    rows = [row(authors=["Jane Doe", {"name": "john roe", "role": "Senior Fellow"}])]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    details = dict(Author.objects.values_list("name", "role"))
    assert details == {"Jane Doe": "Fellow", "John Roe": "Senior Fellow"}
    assert set(Author.objects.values_list("bio", flat=True)) == {"Old bio."}


def test_text_rows_store_the_text_as_page_one(folder):
    rows = [row(text="Full text of a commentary.\x00 With a NUL byte.")]
    assert run_import(write_jsonl(folder / "rows.jsonl", rows)).code == 0

    publication = Publication.objects.get(slug="a-report")
    pages = list(publication.pages.values_list("number", "text"))
    assert pages == [(1, "Full text of a commentary. With a NUL byte.")]
    assert publication.first_pdf is None
    assert publication.first_pdf is None


def test_changed_text_replaces_page_one(folder):
    path = folder / "rows.jsonl"
    run_import(write_jsonl(path, [row(text="Old text.")]))
    result = run_import(write_jsonl(path, [row(text="New text.")]))

    assert "1 updated" in result.out
    assert list(PublicationPage.objects.values_list("number", "text")) == [(1, "New text.")]


def test_blank_lines_and_a_byte_order_mark_are_accepted(folder):
    path = folder / "rows.jsonl"
    path.write_text(
        "\ufeff" + json.dumps(row("one")) + "\n\n  \n" + json.dumps(row("two")), "utf-8"
    )

    result = run_import(path)
    assert result.code == 0, result.err
    assert Publication.objects.count() == 2


# --- Running again and updating -----------------------------------------------------------------


def test_second_run_changes_nothing(folder, settings):
    write_pdf(folder, "a.pdf")
    future = (TODAY() + datetime.timedelta(days=10)).isoformat()
    rows = [
        row(
            "a",
            pdf="a.pdf",
            authors=[{"name": "Jane Doe", "bio": "Bio."}],
            topics=[{"name": "Sub", "parent": "Top"}],
        ),
        row("b", text="Some text.", status="draft"),
        row("c", published=future),
    ]
    path = write_jsonl(folder / "rows.jsonl", rows)
    assert run_import(path).code == 0
    stamps = dict(Publication.objects.values_list("slug", "updated_at"))
    files = media_files(settings)

    result = run_import(path)

    assert result.code == 0
    assert "0 created, 0 updated, 3 unchanged, 0 skipped" in result.out
    assert dict(Publication.objects.values_list("slug", "updated_at")) == stamps
    assert media_files(settings) == files
    counts = (Author.objects.count(), Topic.objects.count(), PublicationPage.objects.count())
    assert counts == (2, 3, 1)  # Jane Doe, John Roe; Sub, Top, Trade; b's text


def test_update_replaces_authors_and_topics_and_keeps_the_pdf_when_none_is_given(folder):
    write_pdf(folder, "a.pdf")
    path = folder / "rows.jsonl"
    run_import(
        write_jsonl(path, [row(pdf="a.pdf", authors=["Ann", "Bob"], topics=["Trade", "Energy"])])
    )
    before = Publication.objects.get(slug="a-report")

    result = run_import(
        write_jsonl(path, [row(title="New title", authors=["Cy", "Ann"], topics=["Health"])])
    )

    assert "0 created, 1 updated" in result.out
    after = Publication.objects.get(slug="a-report")
    assert after.title == "New title"
    assert byline(after) == ["Cy", "Ann"]
    assert list(after.topics.values_list("name", flat=True)) == ["Health"]
    assert (after.first_pdf.file.name, after.first_pdf.sha256) == (
        before.first_pdf.file.name,
        before.first_pdf.sha256,
    )
    assert after.updated_at > before.updated_at


def test_same_pdf_under_another_path_is_not_stored_again(folder, settings):
    write_pdf(folder, "a.pdf")
    (folder / "copy.pdf").write_bytes((folder / "a.pdf").read_bytes())
    path = folder / "rows.jsonl"
    run_import(write_jsonl(path, [row(pdf="a.pdf")]))
    files = media_files(settings)

    result = run_import(write_jsonl(path, [row(pdf="copy.pdf")]))

    assert "1 unchanged" in result.out
    assert media_files(settings) == files


def test_different_pdf_replaces_the_stored_one(folder):
    write_pdf(folder, "a.pdf", "First edition")
    write_pdf(folder, "b.pdf", "Second edition")
    path = folder / "rows.jsonl"
    run_import(write_jsonl(path, [row(pdf="a.pdf")]))

    result = run_import(write_jsonl(path, [row(pdf="b.pdf")]))

    assert "1 updated" in result.out
    expected = hashlib.sha256((folder / "b.pdf").read_bytes()).hexdigest()
    assert Publication.objects.get(slug="a-report").first_pdf.sha256 == expected


def test_text_for_a_publication_with_a_pdf_is_refused(folder):
    write_pdf(folder, "a.pdf")
    path = folder / "rows.jsonl"
    run_import(write_jsonl(path, [row(pdf="a.pdf")]))

    result = run_import(write_jsonl(path, [row(text="Replacement text")]))

    assert result.code == 1
    assert "line 1: skipped: text: this publication has files" in result.err
    assert not PublicationPage.objects.exists()


# --- Bad rows -----------------------------------------------------------------------------------


def bad_row(slug: str = "bad", **fields) -> dict:
    # An author only the bad row names: it must not survive the row's rollback.
    return row(slug, **{"authors": ["Only In The Bad Row"], **fields})


def _bad_rows(folder: Path) -> dict[str, tuple[dict | str, str]]:
    (folder / "note.txt").write_text("not a pdf")
    write_pdf(folder, "big.pdf")
    outside = folder.parent / "outside.pdf"
    outside.write_bytes(make_pdf(["outside"]))
    (folder / "link.pdf").symlink_to(outside)
    missing_slug = {k: v for k, v in bad_row().items() if k != "slug"}
    loop = [{"name": "Loop", "parent": "loop"}]
    return {
        "unknown-type": (bad_row(type="memo"), "type: unknown type 'memo'"),
        "bad-date": (bad_row(published="2024-13-01"), "published: '2024-13-01' is not a date"),
        "date-format": (bad_row(published="09/12/2024"), "published: '09/12/2024' is not a date"),
        "bad-json": ('{"slug": "x", "title": ', "not valid JSON"),
        "not-object": ("[1, 2]", "not a JSON object"),
        "missing-slug": (missing_slug, "missing field: slug"),
        "unknown-field": (bad_row(publised="2024-12-09"), "unknown field: publised"),
        "slug-too-long": (bad_row("a" * 201), "slug: longer than 200 characters"),
        "not-a-slug": (bad_row("no spaces/here"), "is not a slug"),
        "empty-title": (bad_row(title="  "), "title: must not be empty"),
        "authors-not-list": (bad_row(authors="Jane Doe"), "authors: must be a list"),
        "author-twice": (bad_row(authors=["Jo Ko", "JO KO"]), "authors: 'JO KO' is listed twice"),
        "bad-status": (bad_row(status="live"), "status: must be one of draft, in-review"),
        "pdf-and-text": (bad_row(pdf="a.pdf", text="t"), "either files or text"),
        "not-a-pdf": (bad_row(pdf="note.txt"), "This is not a PDF file"),
        "oversize": (bad_row(pdf="big.pdf"), "the limit is"),
        "missing-file": (bad_row(pdf="gone.pdf"), "pdf: 'gone.pdf' not found"),
        "escaping-path": (bad_row(pdf="../outside.pdf"), "is outside the PDF folder"),
        "absolute-path": (bad_row(pdf=str(outside)), "is outside the PDF folder"),
        "escaping-symlink": (bad_row(pdf="link.pdf"), "is outside the PDF folder"),
        "topic-own-parent": (bad_row(topics=loop), "cannot be its own parent"),
    }


BAD_KINDS = [
    "unknown-type", "bad-date", "date-format", "bad-json", "not-object", "missing-slug",
    "unknown-field", "slug-too-long", "not-a-slug", "empty-title", "authors-not-list",
    "author-twice", "bad-status", "pdf-and-text", "not-a-pdf", "oversize", "missing-file",
    "escaping-path", "absolute-path", "escaping-symlink", "topic-own-parent",
]  # fmt: skip


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_row_is_skipped_with_its_reason_and_the_rows_around_it_import(kind, folder, settings):
    write_pdf(folder, "a.pdf")
    bad, reason = _bad_rows(folder)[kind]
    settings.PUBLICATION_PDF_MAX_BYTES = (folder / "big.pdf").stat().st_size - 1
    path = write_jsonl(folder / "rows.jsonl", [row("before"), bad, row("after")])

    result = run_import(path, "--quiet")

    assert result.code == 1
    [skipped] = result.err.splitlines()
    assert skipped.startswith("line 2: skipped: ")
    assert reason in skipped
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in result.out
    assert set(Publication.objects.values_list("slug", flat=True)) == {"before", "after"}
    # The bad row's own work was rolled back with it.
    assert not Author.objects.filter(name="Only In The Bad Row").exists()
    assert not Topic.objects.filter(name="Loop").exists()


def test_a_failing_row_leaves_nothing_behind(folder):
    rows = [
        row(
            authors=["New Person"],
            topics=[
                "Fine",
                {"name": "Loop", "parent": "Child"},
                {"name": "Child", "parent": "Loop"},
            ],
        )
    ]
    result = run_import(write_jsonl(folder / "rows.jsonl", rows))

    assert result.code == 1
    assert "makes a loop" in result.err
    assert not Author.objects.exists()
    assert not Topic.objects.exists()
    assert not Publication.objects.exists()


# --- Exit codes ---------------------------------------------------------------------------------


def test_exit_code_is_2_when_the_file_is_missing(folder):
    result = run_import(folder / "missing.jsonl")

    assert result.code == 2
    assert "does not exist" in result.err


def test_exit_code_is_2_when_the_pdf_folder_is_missing(folder):
    path = write_jsonl(folder / "rows.jsonl", [row()])

    result = run_import(path, "--pdf-dir", str(folder / "nowhere"))

    assert result.code == 2
    assert not Publication.objects.exists()


def test_exit_code_is_2_when_the_file_is_a_folder(folder):
    assert run_import(folder).code == 2


def test_exit_code_is_2_and_nothing_is_imported_when_the_file_is_not_utf8(folder):
    path = folder / "rows.jsonl"
    path.write_bytes(
        json.dumps(row("good")).encode() + b"\n" + '{"slug": "caf\xe9"}'.encode("latin-1") + b"\n"
    )

    result = run_import(path)

    assert result.code == 2
    assert "not UTF-8" in result.err
    assert not Publication.objects.exists()


# --- Announcements ------------------------------------------------------------------------------


def _announcement_rows(folder: Path) -> Path:
    future = (TODAY() + datetime.timedelta(days=10)).isoformat()
    rows = [row("one"), row("two"), row("later", published=future), row("draft", status="draft")]
    return write_jsonl(folder / "rows.jsonl", rows)


def test_without_notify_nothing_created_is_announced(folder):
    assert run_import(_announcement_rows(folder)).code == 0

    assert not Publication.objects.filter(announce=True).exists()
    published = Publication.objects.filter(slug__in=["one", "two"])
    assert all(p.first_published_at is not None for p in published)


def test_notify_announces_and_publishes_the_run_as_one_batch(folder):
    path = _announcement_rows(folder)
    assert run_import(path, "--notify").code == 0

    assert set(Publication.objects.filter(announce=True).values_list("slug", flat=True)) == {
        "one", "two", "later", "draft",
    }  # fmt: skip
    batches = set(
        Publication.objects.filter(slug__in=["one", "two"]).values_list("publish_batch", flat=True)
    )
    assert len(batches) == 1
    assert None not in batches
    unpublished = Publication.objects.filter(slug__in=["later", "draft"])
    assert all(p.first_published_at is None and p.publish_batch is None for p in unpublished)


def test_each_run_has_its_own_batch(folder):
    run_import(write_jsonl(folder / "a.jsonl", [row("one")]), "--notify")
    run_import(write_jsonl(folder / "b.jsonl", [row("two")]), "--notify")

    assert len(set(Publication.objects.values_list("publish_batch", flat=True))) == 2


def test_a_draft_the_import_publishes_is_stamped_and_not_announced_without_notify(folder):
    draft = PublicationFactory(slug="a-report", status=Status.DRAFT, announce=True)

    assert run_import(write_jsonl(folder / "rows.jsonl", [row(status="published")])).code == 0

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.first_published_at is not None
    assert draft.publish_batch is not None
    assert draft.announce is False


def test_an_already_public_publication_keeps_its_announcement(folder):
    earlier = timezone.now() - datetime.timedelta(days=3)
    public = PublicationFactory(slug="a-report", first_published_at=earlier, announce=True)

    assert run_import(write_jsonl(folder / "rows.jsonl", [row(title="Retitled")])).code == 0

    public.refresh_from_db()
    assert (public.title, public.announce, public.first_published_at) == ("Retitled", True, earlier)


# --- Output -------------------------------------------------------------------------------------


def test_quiet_prints_only_the_report_and_skipped_rows(folder):
    path = write_jsonl(folder / "rows.jsonl", [row("one"), row("two", type="memo")])

    result = run_import(path, "--quiet")

    assert result.out.splitlines() == [
        f"Imported {path}: 1 created, 0 updated, 0 unchanged, 1 skipped."
    ]
    assert result.err.splitlines() == [
        "line 2: skipped: type: unknown type 'memo' (one of: report, issue-brief, commentary, "
        "testimony, working-paper, book, journal-article)"
    ]


def test_without_a_terminal_progress_is_printed_as_plain_lines(folder, monkeypatch):
    from publications.management.commands import import_publications

    monkeypatch.setattr(import_publications, "PLAIN_EVERY_ROWS", 2)
    path = write_jsonl(folder / "rows.jsonl", [row(f"p{n}") for n in range(5)])

    lines = run_import(path).out.splitlines()

    assert lines[:2] == ["line 2 of 5: 2 created, 0 updated, 0 unchanged, 0 skipped",
                         "line 4 of 5: 4 created, 0 updated, 0 unchanged, 0 skipped"]  # fmt: skip
    assert lines[-1].endswith("5 created, 0 updated, 0 unchanged, 0 skipped.")


def test_an_import_stopped_before_its_rows_were_indexed_is_caught_up_by_the_next(
    folder, monkeypatch
):
    # The first run commits its rows, then dies before its batch of search documents is written.
    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Batched, "flush", killed)
    with pytest.raises(KeyboardInterrupt):
        run_import(write_jsonl(folder / "rows.jsonl", [row("first"), row("second")]))
    assert Publication.objects.count() == 2
    assert not SearchDocument.objects.exists()
    monkeypatch.undo()

    # Run again: its rows are unchanged, and the ones the first run left out are indexed anyway.
    result = run_import(write_jsonl(folder / "rows.jsonl", [row("first"), row("second")]))

    assert "0 created, 0 updated, 2 unchanged" in result.out
    assert set(SearchDocument.objects.values_list("publication__slug", flat=True)) == {
        "first",
        "second",
    }
