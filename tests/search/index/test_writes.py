"""The index stays current after every kind of edit the catalogue makes, its statistics agree
with a fresh recount, text is normalised, oversized text is cut and flagged, and concurrent
indexing does not deadlock."""

from __future__ import annotations

import contextlib
import datetime
import io
import threading

import pytest
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from publications import services
from publications.extraction import services as extraction
from publications.models import (
    Extraction,
    ExtractionFlag,
    Publication,
    PublicationFile,
    PublicationPage,
    Status,
    Topic,
)
from search.filters import Filters
from search.index import writes as indexing
from search.index.vectors import MAX_PAGE_CHARACTERS
from search.index.writes import index_publication
from search.models import (
    SearchDocument,
    SearchFilterRow,
    SearchPage,
    SearchWord,
)
from search.results.suggestions import suggest
from tests.factories import AuthorFactory, PublicationFactory, PublicationFileFactory, TopicFactory
from tests.pdfs import make_pdf
from tests.search.indexed import (
    bulk_indexing,
    filter_row_mismatches,
    frequency_mismatches,
    indexed,
    postings_of,
    run,
    titles,
)
from tests.workflow import publish as workflow_publish
from tests.workflow import withdraw as workflow_withdraw

pytestmark = pytest.mark.django_db

CONSISTENT = {"terms": [], "words": []}


def saved(**fields) -> Publication:
    """A publication saved as the admin saves it (status from its date, indexed)."""
    publication = PublicationFactory.build(**fields)
    return services.publication_save(publication=publication)


def test_publishing_indexes_a_draft_and_unpublishing_removes_it():
    draft = saved(title="Lighthouse keepers", status=Status.DRAFT)
    assert titles("lighthouse") == []
    assert not SearchDocument.objects.filter(publication=draft).exists()

    workflow_publish(Publication.objects.filter(pk=draft.pk))
    assert titles("lighthouse") == ["Lighthouse keepers"]

    workflow_withdraw(Publication.objects.filter(pk=draft.pk))
    assert titles("lighthouse") == []
    assert not SearchDocument.objects.filter(publication=draft).exists()
    assert postings_of(draft.pk) == 0
    assert frequency_mismatches() == CONSISTENT


def test_drafts_are_never_indexed():
    draft = saved(title="Secret lighthouse plans", status=Status.DRAFT)
    index_publication(draft.pk)

    assert not SearchDocument.objects.filter(publication=draft).exists()
    assert postings_of(draft.pk) == 0
    assert run("lighthouse").count == 0
    assert not SearchWord.objects.filter(word="lighthouse", df__gt=0).exists()


def test_editing_the_title_and_abstract_replaces_their_words():
    publication = saved(title="Lighthouse keepers", abstract="Foghorns at dawn.")

    publication.title = "Harbour pilots"
    publication.abstract = "Tugboats at dusk."
    services.publication_save(publication=publication)

    assert titles("lighthouse") == []
    assert titles("foghorns") == []
    assert titles("harbour") == ["Harbour pilots"]
    assert titles("tugboats") == ["Harbour pilots"]
    assert frequency_mismatches() == CONSISTENT


def test_a_new_byline_and_topics_are_searchable_once_reindexed():
    old = AuthorFactory(name="Ada Quennell")
    new = AuthorFactory(name="Brigitte Ostrander")
    topic = TopicFactory(name="Maritime law")
    publication = saved(title="Harbour pilots")
    services.publication_set_authors(publication=publication, authors=[old])
    services.publication_reindex(publication=publication)

    services.publication_set_authors(publication=publication, authors=[new])
    services.publication_set_topics(publication=publication, topics=[topic])
    services.publication_reindex(publication=publication)

    assert titles("quennell") == []
    assert titles("ostrander") == ["Harbour pilots"]
    assert titles("maritime") == ["Harbour pilots"]
    assert titles("", filters=Filters(author_ids=(new.pk,))) == ["Harbour pilots"]
    assert titles("", filters=Filters(author_ids=(old.pk,))) == []
    assert titles("harbour", filters=Filters(topic_ids=(topic.pk,))) == ["Harbour pilots"]
    assert frequency_mismatches() == CONSISTENT


@pytest.fixture
def eager_tasks(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.mark.parametrize("entry_kind", ["author", "topic"])
def test_a_rename_reindexes_the_publications_concerned_once_committed(
    entry_kind, eager_tasks, django_capture_on_commit_callbacks
):
    entry = (AuthorFactory if entry_kind == "author" else TopicFactory)(name="Ada Quennell")
    publication = saved(title="Harbour pilots")
    if entry_kind == "author":
        services.publication_set_authors(publication=publication, authors=[entry])
    else:
        services.publication_set_topics(publication=publication, topics=[entry])
    services.publication_reindex(publication=publication)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry.name = "Brigitte Ostrander"
        services.catalogue_entry_save(entry=entry, old_name="Ada Quennell")
        # Until the rename commits, the index still holds the old name.
        assert titles("quennell") == ["Harbour pilots"]

    # One re-index queued (beside other after-commit work, such as refreshing cached pages).
    reindexing = [c for c in callbacks if "reindex" in getattr(c, "func", c).__name__]
    assert len(reindexing) == 1
    assert titles("quennell") == []
    assert titles("ostrander") == ["Harbour pilots"]
    assert frequency_mismatches() == CONSISTENT


def test_deleting_a_topic_takes_its_name_out_of_the_index_once_committed(
    eager_tasks, django_capture_on_commit_callbacks
):
    # (An author with publications cannot be deleted: the byline protects it.)
    topic = TopicFactory(name="Ada Quennell")
    publication = saved(title="Harbour pilots")
    services.publication_set_topics(publication=publication, topics=[topic])
    services.publication_reindex(publication=publication)
    assert titles("quennell") == ["Harbour pilots"]

    with django_capture_on_commit_callbacks(execute=True):
        services.catalogue_entries_delete(entries=Topic.objects.filter(pk=topic.pk))

    assert titles("quennell") == []
    assert titles("harbour") == ["Harbour pilots"]
    assert frequency_mismatches() == CONSISTENT


def _pdf(pages: list[str], name: str = "report.pdf") -> File:
    return File(io.BytesIO(make_pdf(pages)), name=name)


def _extract(file: PublicationFile) -> None:
    file.refresh_from_db()
    extraction.extraction_run(file_id=file.pk, sha256=file.sha256)


def _with_pdf(title: str, pdf: File) -> tuple[Publication, PublicationFile]:
    publication = services.publication_save(publication=PublicationFactory.build(title=title))
    file = PublicationFile(publication=publication)
    return publication, services.publication_file_save(file=file, upload=pdf)


def test_extracted_pages_are_searchable_and_a_new_pdf_replaces_them(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():  # the extraction task is run here instead
        publication, file = _with_pdf(
            "Annual review", _pdf(["Opening remarks.", "The lighthouse budget grew."])
        )
    _extract(file)

    outcome = run("lighthouse")
    assert [result.publication.pk for result in outcome.results] == [publication.pk]
    assert outcome.results[0].pages == [2]

    with django_capture_on_commit_callbacks():
        services.publication_file_save(file=file, upload=_pdf(["Foghorn costs fell."]))
    _extract(file)

    assert titles("lighthouse") == []
    assert titles("foghorn") == ["Annual review"]
    assert frequency_mismatches() == CONSISTENT


def test_removing_the_pdf_removes_its_text_from_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        publication, file = _with_pdf("Annual review", _pdf(["The lighthouse budget grew."]))
    _extract(file)
    assert titles("lighthouse") == ["Annual review"]

    with django_capture_on_commit_callbacks():
        services.publication_file_delete(file=file)

    assert titles("lighthouse") == []
    assert not SearchPage.objects.filter(document_id=publication.pk).exists()
    assert titles("annual") == ["Annual review"]
    assert frequency_mismatches() == CONSISTENT


def test_deleting_a_publication_deletes_its_search_documents_and_postings():
    publication = indexed(title="Lighthouse keepers", pages=["Foghorns at dawn."])
    indexed(title="Harbour pilots")

    publication.delete()

    assert not SearchDocument.objects.filter(publication_id=publication.pk).exists()
    assert not SearchPage.objects.filter(document_id=publication.pk).exists()
    assert postings_of(publication.pk) == 0
    assert titles("lighthouse") == []


def test_deleting_a_publication_leaves_frequencies_and_suggestions_consistent():
    publication = indexed(title="Lighthouse keepers")
    indexed(title="Harbour pilots")

    # The way staff delete (the admin's delete view and action call this service).
    services.publications_delete(publications=Publication.objects.filter(pk=publication.pk))

    assert suggest(["lighthuose"]) is None
    assert frequency_mismatches() == CONSISTENT


def test_a_scheduled_publication_is_hidden_until_its_date(monkeypatch):
    today = timezone.localdate()
    scheduled = saved(title="Lighthouse futures", publication_date=today + datetime.timedelta(1))
    saved(title="Lighthouse history")

    assert scheduled.status == Status.SCHEDULED
    outcome = run("lighthouse")
    assert [result.publication.title for result in outcome.results] == ["Lighthouse history"]
    assert outcome.count == 1
    assert [item["count"] for item in outcome.facets.years] == [1]
    assert titles("", sort="newest") == ["Lighthouse history"]

    # The next day, without any re-indexing.
    monkeypatch.setattr(
        timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(1)
    )
    monkeypatch.setattr(timezone, "now", lambda: scheduled.visible_from)  # its midnight came

    assert sorted(titles("lighthouse")) == ["Lighthouse futures", "Lighthouse history"]
    assert run("lighthouse").count == 2


def consistency() -> tuple[dict, list[int]]:
    """What disagrees with a fresh recount: document frequencies, and filter rows."""
    return frequency_mismatches(), filter_row_mismatches()


def test_frequencies_and_filter_rows_match_a_fresh_recount_after_a_run_of_edits(
    django_capture_on_commit_callbacks, eager_tasks
):
    author = AuthorFactory(name="Ada Quennell")
    housing, energy = TopicFactory(name="Housing"), TopicFactory(name="Energy")
    first = saved(title="Lighthouse keepers", abstract="Harbour lights and foghorns.")
    second = saved(title="Harbour pilots", abstract="Lights, tugboats and foghorns.")
    third = indexed(title="Foghorn acoustics", pages=["Harbour lights at dusk.", "Tugboats."])
    steps = []

    first.title = "Lighthouse keepers and pilots"
    services.publication_save(publication=first)
    steps.append(consistency())
    services.publication_set_authors(publication=second, authors=[author])
    services.publication_set_topics(publication=second, topics=[housing, energy])
    services.publication_reindex(publication=second)
    steps.append(consistency())
    second.type = "commentary"
    second.publication_date = datetime.date(2011, 3, 4)
    services.publication_save(publication=second)
    steps.append(consistency())
    workflow_withdraw(Publication.objects.filter(pk=third.pk))
    steps.append(consistency())
    workflow_publish(Publication.objects.filter(pk=third.pk))
    steps.append(consistency())
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Brigitte Ostrander"
        services.catalogue_entry_save(entry=author, old_name="Ada Quennell")
    steps.append(consistency())
    PublicationPage.objects.filter(publication=third).update(text="Only foghorns now.")
    index_publication(third.pk)
    steps.append(consistency())
    services.publications_delete(publications=Publication.objects.filter(pk=first.pk))
    steps.append(consistency())

    assert steps == [(CONSISTENT, [])] * 8
    row = SearchFilterRow.objects.get(document_id=second.pk)
    assert (sorted(row.topic_ids), row.type) == (sorted([housing.pk, energy.pk]), "commentary")
    assert not SearchFilterRow.objects.filter(document_id=first.pk).exists()
    # The filters, read from the narrow rows, find it.
    assert titles("", filters=Filters(topic_ids=(energy.pk,))) == ["Harbour pilots"]


def test_accents_are_folded_in_documents_and_queries():
    indexed(title="Résumé of the Çatalhöyük excavation", authors=[AuthorFactory(name="José Núñez")])
    indexed(title="A resume of naive cafe culture")

    assert titles("resume catalhoyuk")[0] == "Résumé of the Çatalhöyük excavation"
    assert titles("nunez") == ["Résumé of the Çatalhöyük excavation"]
    assert titles("naïve café") == ["A resume of naive cafe culture"]


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isalpha() else char for char in text)


def test_ligatures_and_full_width_letters_are_normalised():
    indexed(title="Eﬃcient ﬁnancing of ﬂeets")
    indexed(title="Financing offices", pages=[f"Full-width {_full_width('ferries')}."])

    assert titles("efficient") == ["Eﬃcient ﬁnancing of ﬂeets"]
    assert sorted(titles("financing")) == ["Eﬃcient ﬁnancing of ﬂeets", "Financing offices"]
    assert titles("ﬂeets") == ["Eﬃcient ﬁnancing of ﬂeets"]
    assert titles(_full_width("financing offices"))[0] == "Financing offices"
    assert titles("ferries") == ["Financing offices"]


def _filler(characters: int, marker: str) -> str:
    words = (marker + " " + "committee accounts review ") * (characters // 33 + 1)
    return words[:characters]


def _huge(title: str = "Huge report") -> Publication:
    """800,000 characters over four pages: 'lighthouse' on the first, 'zanzibar' on the last
    (each page under the page limit)."""
    pages = [_filler(MAX_PAGE_CHARACTERS - 20, "harbour")] * 4
    pages[0] = "lighthouse " + pages[0]
    # At the start of its page: a tsvector keeps word positions only up to 16,383.
    pages[3] = "lights of zanzibar " + pages[3][:-40]
    with bulk_indexing():
        return indexed(title=title, pages=pages)


def test_a_long_report_is_indexed_whole_page_by_page_and_its_text_stored_once():
    publication = _huge()

    assert index_publication(publication.pk) is False  # nothing had to be cut
    assert titles("lighthouse") == ["Huge report"]
    assert titles("zanzibar") == ["Huge report"]
    assert titles('"lights of zanzibar"') == ["Huge report"]
    assert not hasattr(SearchDocument.objects.get(publication=publication), "body")


def test_the_index_keeps_a_page_s_words_and_reads_its_text_from_the_catalogue():
    publication = indexed(title="Tide tables", pages=["Opening remarks.", "The harbour pilots."])
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT sp.number,
                      sp.vector = setweight(to_tsvector('english_unaccent', pg.text), 'C')
                 FROM search_searchpage sp
                 JOIN publications_publicationpage pg
                   ON pg.publication_id = sp.document_id AND pg.number = sp.number
                WHERE sp.document_id = %s ORDER BY sp.number""",
            [publication.pk],
        )
        assert cursor.fetchall() == [(1, True), (2, True)]
    assert not any(field.name == "text" for field in SearchPage._meta.get_fields())

    outcome = run("pilots")

    assert outcome.results[0].pages == [2]
    assert "<mark>pilots</mark>" in outcome.results[0].snippet


def test_a_minus_word_excludes_a_document_holding_it_on_its_last_page():
    _huge()
    indexed(title="Harbour notes")

    assert titles("harbour -zanzibar") == ["Harbour notes"]
    assert titles('harbour -"lights of zanzibar"') == ["Harbour notes"]


def test_a_word_on_the_last_page_of_a_long_report_is_counted_as_it_is_ranked():
    _huge()
    indexed(title="Zanzibar notes")

    outcome = run("zanzibar")

    assert outcome.count == len(outcome.results) == 2


def test_a_page_past_the_page_limit_is_cut_and_flagged():
    with bulk_indexing():
        publication = indexed(
            title="Word list", pages=["lighthouse " * (MAX_PAGE_CHARACTERS // 10)]
        )

    assert index_publication(publication.pk) is True
    assert SearchDocument.objects.get(publication=publication).truncated
    assert titles("lighthouse") == ["Word list"]


def test_extraction_flags_text_the_index_had_to_cut(django_capture_on_commit_callbacks):
    publication = PublicationFactory(title="Huge report")
    file = PublicationFileFactory(publication=publication, sha256="a" * 64)
    with django_capture_on_commit_callbacks():
        extraction.extraction_request(file=file)
    claimed = extraction.extraction_claim(file_id=file.pk, sha256="a" * 64)
    pages = [_filler(MAX_PAGE_CHARACTERS + 10, "harbour")] * 2
    result = {"pages": pages, "flags": [], "engine": "pypdf", "page_errors": []}

    with bulk_indexing():
        extraction.extraction_store(extraction=claimed, result=result, seconds=1.0)

    assert Extraction.objects.get(publication=publication).flags == [ExtractionFlag.INDEX_TRUNCATED]
    assert SearchDocument.objects.get(publication=publication).truncated
    assert titles("harbour") == ["Huge report"]


# Concurrency: each thread has its own database connection, so these tests commit.


def _in_threads(work, arguments, *, timeout: float = 60) -> list[str]:
    """Run work(argument) in one thread each; the errors they raised (none hang: joined with a
    timeout, and a thread still running counts as an error)."""
    errors: list[str] = []

    def run_one(argument):
        try:
            with transaction.atomic():
                work(argument)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_one, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    errors += [f"{thread.name} still running" for thread in threads if thread.is_alive()]
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_indexing_of_publications_sharing_words_does_not_deadlock():
    words = "lighthouse harbour foghorn tugboat pilot keeper beacon"
    publications = [
        PublicationFactory(title=f"{words} {n}", abstract=words, status=Status.PUBLISHED)
        for n in range(4)
    ]
    for publication in publications:
        PublicationPage.objects.create(publication=publication, number=1, text=words * 20)

    def index_repeatedly(publication):
        for _ in range(5):
            index_publication(publication.pk)

    assert _in_threads(index_repeatedly, publications) == []
    assert len(titles("lighthouse")) == 4
    assert frequency_mismatches() == CONSISTENT


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_that_swap_words_between_publications_do_not_deadlock(monkeypatch):
    first = PublicationFactory(title="alpha bravo", abstract="", status=Status.PUBLISHED)
    second = PublicationFactory(title="charlie delta", abstract="", status=Status.PUBLISHED)
    index_publication(first.pk)
    index_publication(second.pk)
    # Both transactions have taken out their old words before either writes its new ones:
    # the interleaving that deadlocked when each took its row locks in two separate passes.
    both_removed = threading.Barrier(2, timeout=3)
    write_documents = indexing._write_documents

    def after_removal(*args, **kwargs):
        # A broken barrier: the other transaction waits for this one, serialised as it should.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_removed.wait()
        return write_documents(*args, **kwargs)

    monkeypatch.setattr(indexing, "_write_documents", after_removal)

    def take_all_words(publication):
        Publication.objects.filter(pk=publication.pk).update(title="alpha bravo charlie delta")
        index_publication(publication.pk)

    assert _in_threads(take_all_words, [first, second]) == []
    assert len(titles("alpha charlie")) == 2
    assert frequency_mismatches() == CONSISTENT
