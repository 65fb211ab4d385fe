"""Read-side helpers for the public pages that span more than one table."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from publications.models import (
    Author,
    Publication,
    PublicationAuthor,
    SlugRedirect,
    Status,
    Topic,
)

RELATED_LIMIT = 4
SUGGEST_LIMIT = 10


def visible_publication(slug: str, *, user) -> Publication | None:
    """The publication at this slug if this user may see it (staff see drafts too)."""
    return Publication.objects.visible_to(user).select_related("series").filter(slug=slug).first()


def renamed_slug(old_slug: str, *, user) -> str | None:
    """The current slug of a publication renamed from old_slug, if this user may see it."""
    visible = Publication.objects.visible_to(user)
    return (
        SlugRedirect.objects.filter(old_slug=old_slug, publication__in=visible)
        .values_list("publication__slug", flat=True)
        .first()
    )


def withdrawn_publication(slug: str) -> Publication | None:
    """The withdrawn publication at this slug, or at this old slug: its addresses answer 410."""
    withdrawn = Publication.objects.filter(status=Status.WITHDRAWN)
    renamed = SlugRedirect.objects.filter(old_slug=slug).values("publication_id")
    return withdrawn.filter(Q(slug=slug) | Q(pk__in=renamed)).first()


def latest_publications(limit: int) -> QuerySet[Publication]:
    return Publication.objects.published().for_listing().newest_first()[:limit]


def related_publications(
    publication: Publication, *, limit: int = RELATED_LIMIT
) -> list[Publication]:
    """Public publications sharing topics or authors with this one, most shared first.

    The overlap is counted in correlated subqueries on the two link tables, so the work grows with
    the candidates that share something, not with the whole catalogue, and no join fans out rows.
    """
    topic_ids = [topic.pk for topic in publication.topics.all()]
    author_ids = [author.pk for author in publication.ordered_authors]
    if not topic_ids and not author_ids:
        return []
    topic_links = Publication.topics.through.objects.filter(topic_id__in=topic_ids)
    author_links = PublicationAuthor.objects.filter(author_id__in=author_ids)
    candidates = (
        Publication.objects.published()
        .exclude(pk=publication.pk)
        .filter(
            Q(pk__in=topic_links.values("publication_id"))
            | Q(pk__in=author_links.values("publication_id"))
        )
        .annotate(
            overlap=_count_links(topic_links) + _count_links(author_links),
        )
        .for_listing()
        .order_by("-overlap", "-publication_date", "-id")
    )
    return list(candidates[:limit])


def _count_links(links: QuerySet) -> Coalesce:
    per_publication = (
        links.filter(publication_id=OuterRef("pk"))
        .order_by()
        .values("publication_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(per_publication, output_field=IntegerField()), Value(0))


def suggest_authors(query: str, *, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Authors of public publications whose name contains the query; name starts first."""
    # PostgreSQL text refuses NUL (a 500 before), and no name is longer than its field.
    query = query.replace("\x00", "").strip()[: Author._meta.get_field("name").max_length]
    if len(query) < 2:
        return []
    authors = (
        Author.objects.with_public_publications()
        .filter(name__icontains=query)
        .annotate(starts=Q(name__istartswith=query))
        .order_by(F("starts").desc(), "name")
        .values("name", "slug")
    )
    return list(authors[:limit])


def public_author(slug: str, *, user) -> Author | None:
    """An author the public may see: one with a public publication (staff see every author)."""
    authors = Author.objects.all()
    if not (user.is_active and user.is_staff):
        authors = authors.with_public_publications()
    return authors.filter(slug=slug).first()


def topic_and_descendant_ids(topic: Topic) -> list[int]:
    """This topic's id and those of its subtopics at any depth (topics are few: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, pending = [], [topic.pk]
    while pending:
        pk = pending.pop()
        if pk not in found:  # A parent loop typed in the admin must not spin forever.
            found.append(pk)
            pending.extend(children.get(pk, []))
    return found


def authors_by_slug(slugs: list[str]) -> dict[str, Author]:
    return {author.slug: author for author in Author.objects.filter(slug__in=slugs)}


def topic_tree() -> list[Topic]:
    """Top-level topics, each with .subtopics (recursively), and public publication counts."""
    topics = list(Topic.objects.with_publication_count().order_by("name"))
    by_parent: dict[int | None, list[Topic]] = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    for topic in topics:
        topic.subtopics = by_parent.get(topic.pk, [])
    known = {topic.pk for topic in topics}
    # A topic whose parent chain loops has no root; show it at the top rather than lose it.
    return [t for t in topics if t.parent_id is None or t.parent_id not in known] or topics
