"""The catalogue: publications, their ordered authors, topics and series."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class PublicationType(models.TextChoices):
    REPORT = "report", "Report"
    ISSUE_BRIEF = "issue-brief", "Issue Brief"
    COMMENTARY = "commentary", "Commentary"
    TESTIMONY = "testimony", "Testimony"
    WORKING_PAPER = "working-paper", "Working Paper"
    BOOK = "book", "Book"
    JOURNAL_ARTICLE = "journal-article", "Journal Article"


class Status(models.TextChoices):
    """The editorial workflow's states (publications.workflow.rules says who moves between them)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


def site_today() -> datetime.date:
    """Today in the site's TIME_ZONE. A staff request runs in the browser's zone
    (config/timezones.py), and what the public may see must not depend on who asks."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


# Published, or scheduled: public once their release time has come. The search index holds these.
RELEASED_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The start of a date in the site's TIME_ZONE (never the asker's): a release given as a
    date alone (an import, a publication from before release times) is at this instant."""
    midnight = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def visible_from_for(status: str, release_at: datetime.datetime | None) -> datetime.datetime | None:
    """When a publication in this status becomes public: its release time when it is scheduled
    or published, else None (a draft, one in review or approved, a withdrawn one: never)."""
    if status not in RELEASED_STATUSES:
        return None
    return release_at


def public_q(prefix: str = "") -> Q:
    """The one rule for what the public may see, also across a relation (prefix
    "publications__"): visible from a time that has come, so a scheduled item appears by time
    with no write. Now is the application's clock (timezone.now()), as in is_public."""
    return Q(**{f"{prefix}visible_from__lte": timezone.now()})


def released_sql(alias: str) -> str:
    """PublicationQuerySet.released() as SQL over a row aliased `alias` that holds a
    `visible_from` (the publication's own, or the copy the search index keeps)."""
    return f"{alias}.visible_from IS NOT NULL"


def public_sql(alias: str, visible_from: str | None = None) -> str:
    """public_q() as SQL over a row aliased `alias` that holds a `visible_from`; now is the
    parameter `now` (timezone.now(), the one clock of public_q and is_public). `visible_from`:
    the column as the caller must write it, when not plainly (to steer a query plan)."""
    return f"{visible_from or alias + '.visible_from'} <= %(now)s"


class TopicQuerySet(models.QuerySet):
    def with_publication_count(self):
        """Each topic with how many public publications carry it."""
        return self.annotate(
            publication_count=Count("publications", filter=public_q("publications__"))
        )


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_ci_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:topic", args=[self.slug])


class AuthorQuerySet(models.QuerySet):
    def with_public_publications(self):
        """Authors of at least one public publication: the only ones the public site names."""
        return self.filter(
            Exists(Publication.objects.published().filter(authorships__author=OuterRef("pk")))
        )

    def with_publication_count(self):
        return self.annotate(
            publication_count=Count("authorships", filter=public_q("authorships__publication__"))
        )

    def named(self, values):
        """The authors these values name: an author's slug picks that author alone (links and the
        name suggestions send slugs); any other text picks every author whose name contains it,
        as the suggestions do, so a partial name typed and applied is a search, not a miss."""
        condition = Q(pk__in=[])
        for value in values:
            slug = slugify(value)
            is_a_slug = Exists(self.model.objects.filter(slug=slug))
            condition |= Q(slug=slug) | (Q(name__icontains=value) & ~is_a_slug)
        return self.filter(condition)


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField("title or role", max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="author_name_ci_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:author", args=[self.slug])


class Series(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


class PublicationQuerySet(models.QuerySet):
    def released(self):
        """Published or scheduled: public now or at their date (what the search index holds)."""
        return self.filter(visible_from__isnull=False)

    def published(self):
        """What the public may see: visible from a time that has come (public_q)."""
        return self.filter(public_q())

    def visible_to(self, user):
        """Staff also see drafts and scheduled items (previews); everyone else what is public."""
        return self.all() if user.is_active and user.is_staff else self.published()

    def in_topics(self, topics):
        """Carrying any of these topics (a Topic queryset or ids), without duplicate rows."""
        links = Publication.topics.through.objects.filter(
            publication_id=OuterRef("pk"), topic__in=topics
        )
        return self.filter(Exists(links))

    def by_authors(self, authors):
        """Written by any of these authors (an Author queryset or ids), without duplicate rows."""
        links = PublicationAuthor.objects.filter(publication_id=OuterRef("pk"), author__in=authors)
        return self.filter(Exists(links))

    def due(self):
        """Scheduled publications now visible, still to be marked published (and announced)."""
        return self.filter(public_q(), status=Status.SCHEDULED)

    def newest_first(self):
        return self.order_by("-publication_date", "-id")

    def for_listing(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("series").prefetch_related(*listing_prefetches())


def listing_prefetches() -> tuple[models.Prefetch | str, ...]:
    """The byline (in order, with authors) and topics; also for one publication fetched alone,
    through prefetch_related_objects()."""
    byline = PublicationAuthor.objects.select_related("author").order_by("position")
    return (models.Prefetch("authorships", queryset=byline), "topics")


class Publication(models.Model):
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=500, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    type = models.CharField(
        max_length=32, choices=PublicationType.choices, default=PublicationType.REPORT
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    doi = models.CharField("DOI", max_length=200, blank=True)
    cover_image = models.ImageField(upload_to="covers/%Y/", blank=True)
    abstract = models.TextField(blank=True)
    # Rich text, stored sanitised (publications.richtext): the article a web-native publication
    # is, or the web text beside a report's files.
    body = models.TextField(blank=True)
    publication_date = models.DateField(default=timezone.localdate, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The release time (to the minute, timezone-aware), set by the workflow's schedule and
    # publish and by the import; publication_date stays the date shown and cited.
    release_at = models.DateTimeField("release time", null=True, blank=True, editable=False)
    # When the public may see it (null: never), derived from status and release time by
    # refresh_release(), which every write of either calls; readers compare it with now.
    visible_from = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Who is asked to review it while it is in review (null: any Publisher).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_on = models.DateField("correction date", null=True, blank=True)
    correction_note = models.TextField(
        blank=True, help_text="What was corrected; shown on the page and in the feeds."
    )
    authors = models.ManyToManyField(
        Author, through="PublicationAuthor", related_name="publications", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the publication first becomes public; the newsletter reads these three to announce
    # each publication once, grouping those published together (one batch) into one digest.
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    publish_batch = models.UUIDField(null=True, blank=True, editable=False)
    announce = models.BooleanField(
        "announce to subscribers",
        default=True,
        help_text="Email subscribers when this is first published.",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "-id"]
        indexes = [
            models.Index(fields=["status", "-publication_date"], name="pub_status_date_idx"),
            models.Index(fields=["type", "-publication_date"], name="pub_type_date_idx"),
        ]
        permissions = [
            ("publish_publication", "Can approve, schedule, publish, withdraw and reinstate"),
        ]
        constraints = [
            # The rule's one source: only a scheduled or published item may ever be visible.
            models.CheckConstraint(
                condition=Q(visible_from__isnull=True) | Q(status__in=RELEASED_STATUSES),
                name="publication_visible_only_released",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WITHDRAWN) | ~Q(withdrawn_reason=""),
                name="publication_withdrawn_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.slug])

    def refresh_release(self) -> None:
        """After status or release time changed: a released item whose release time lies ahead
        is scheduled, one whose time has come published (a release given as a date alone is at
        the start of that date), and visible_from follows both."""
        if self.status in RELEASED_STATUSES:
            if self.release_at is None:
                self.release_at = start_of_day(self.publication_date)
            ahead = self.release_at > timezone.now()
            self.status = Status.SCHEDULED if ahead else Status.PUBLISHED
        self.visible_from = visible_from_for(self.status, self.release_at)

    def mark_public(self, batch: uuid.UUID | None = None) -> None:
        """Stamp the first time this became visible, and its batch; neither is ever cleared."""
        if self.is_public and self.first_published_at is None:
            self.first_published_at = timezone.now()
            self.publish_batch = batch or uuid.uuid4()

    @property
    def is_public(self) -> bool:
        return self.visible_from is not None and self.visible_from <= timezone.now()

    @property
    def ordered_authors(self) -> list[Author]:
        # Uses the prefetch from for_listing() when there is one.
        return [link.author for link in self.authorships.all()]

    @property
    def year(self) -> int:
        return self.publication_date.year

    @property
    def first_pdf(self) -> PublicationFile | None:
        """The first PDF among the files (the one /pdf/, citations and feeds point to). Reads
        the prefetch of `files` when there is one (pages and feeds make it), else one query."""
        if "files" in getattr(self, "_prefetched_objects_cache", {}):
            return next((file for file in self.files.all() if file.is_pdf), None)
        return self.files.pdfs().first()


PDF_CONTENT_TYPE = "application/pdf"


def first_pdf_sql(publication_id: str) -> str:
    """Publication.first_pdf's id as SQL, for the publication whose id is the expression
    `publication_id` (search's page hits are those of this file)."""
    return f"""(SELECT f.id FROM publications_publicationfile f
                 WHERE f.publication_id = {publication_id}
                   AND f.content_type = '{PDF_CONTENT_TYPE}'
                 ORDER BY f.position, f.id LIMIT 1)"""  # noqa: S608 (a caller's column, a constant)


class FileRole(models.TextChoices):
    FULL_REPORT = "full-report", "Full report"
    SUMMARY = "summary", "Summary"
    APPENDIX = "appendix", "Appendix"
    DATA = "data", "Data"
    PRESENTATION = "presentation", "Presentation"
    # The same publication's PDF in another language (its `language` says which).
    TRANSLATED_EDITION = "translated-edition", "Translated edition"
    OTHER = "other", "Other"


def pdf_upload_to(instance, filename: str) -> str:
    # Named by migration 0001 (the single PDF field that migration 0006 moved into files).
    return f"publications/{timezone.now():%Y/%m}/{instance.slug[:100]}.pdf"


def file_upload_to(instance: PublicationFile, filename: str) -> str:
    extension = PurePosixPath(filename).suffix.lower()[:8]
    slug = instance.publication.slug[:100]
    return f"publications/{timezone.now():%Y/%m}/{slug}{extension}"


class PublicationFileQuerySet(models.QuerySet):
    def pdfs(self):
        return self.filter(content_type=PDF_CONTENT_TYPE)


class PublicationFile(models.Model):
    """One file of a publication (the full report, a summary, data...), in the publication's
    order. Its id is stable, so its URL is too, whatever its position becomes."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=32, choices=FileRole.choices, default=FileRole.FULL_REPORT)
    title = models.CharField(max_length=300, blank=True)
    language = models.CharField(
        max_length=16, blank=True, help_text="A BCP 47 language tag, such as en, fr or pt-BR."
    )
    file = models.FileField(upload_to=file_upload_to, max_length=300)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(max_length=100)
    page_count = models.PositiveIntegerField(null=True, blank=True)  # PDFs, once extracted
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublicationFileQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(
                fields=["publication", "position", "id"], name="publication_file_order_idx"
            )
        ]

    def __str__(self):
        return self.title or self.get_role_display()

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PDF_CONTENT_TYPE

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix.lower()


class PublicationAuthor(models.Model):
    """An author's place in a publication's byline."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "author"], name="publication_author_unique"
            ),
        ]

    def __str__(self):
        return f"{self.author} ({self.position})"


class SlugRedirect(models.Model):
    """An old slug, kept so links to a renamed publication still arrive."""

    old_slug = models.SlugField(max_length=200, unique=True)
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.publication.slug}"


class PublicationPage(models.Model):
    """The text of one page of one of a publication's PDFs, as extracted; with no file, the
    plain text an import gave a publication that has no file."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="pages")
    file = models.ForeignKey(
        PublicationFile, null=True, blank=True, on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["publication", "file", "number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="publication_file_page_unique"),
            models.UniqueConstraint(
                fields=["publication", "number"],
                condition=Q(file__isnull=True),
                name="publication_text_page_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="publication_page_number_gte_1"
            ),
        ]

    def __str__(self):
        return f"{self.publication_id} p.{self.number}"


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExtractionReason(models.TextChoices):
    NOT_A_PDF = "not-a-pdf", "The file is not a PDF."
    ENCRYPTED = "encrypted", "The PDF is protected by a password."
    TOO_COMPLEX = "too-complex", "The PDF is too complex to read safely (size, nesting or pages)."
    TIMED_OUT = "timed-out", "Reading the PDF took longer than the time limit."
    OUT_OF_MEMORY = "out-of-memory", "Reading the PDF needed more memory than the limit."
    CRASHED_WORKER = "crashed-worker", "The PDF stopped the extraction worker repeatedly."
    UNREADABLE = "unreadable", "The PDF is damaged and could not be read."


class ExtractionFlag(models.TextChoices):
    NO_TEXT_LAYER = "no-text-layer", "No text layer (a scan?)"
    GARBLED_TEXT = "garbled-text", "Garbled text layer"
    INDEX_TRUNCATED = "index-truncated", "Index truncated"
    FALLBACK_ENGINE = "fallback-engine", "Extracted with the fallback engine"
    PAGE_ERRORS = "page-errors", "Some pages could not be read"


class Extraction(models.Model):
    """The record of work for one PDF file's text: the database, not the broker, says what is
    left to do. `publication` is the file's, copied so lists and filters need no join."""

    file = models.OneToOneField(
        PublicationFile, on_delete=models.CASCADE, primary_key=True, related_name="extraction"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="extractions"
    )
    sha256 = models.CharField("SHA-256 of the file to extract", max_length=64)
    status = models.CharField(
        max_length=16, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    reason = models.CharField(max_length=32, choices=ExtractionReason.choices, blank=True)
    detail = models.TextField(blank=True)
    flags = ArrayField(
        models.CharField(max_length=32, choices=ExtractionFlag.choices), default=list, blank=True
    )
    page_errors = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    characters = models.PositiveBigIntegerField(null=True, blank=True)
    engine = models.CharField(max_length=16, blank=True)
    extracted_sha256 = models.CharField("SHA-256 of the file extracted", max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "queued_at"], name="extraction_status_idx")]

    def __str__(self):
        return f"{self.file_id}: {self.status}"

    @property
    def reason_text(self) -> str:
        if not self.reason:
            return ""
        label = ExtractionReason(self.reason).label
        # A timeout's detail is our own words on which limit was hit (the base or the one for
        # its length); other details are the parser's messages, kept for the logs.
        if self.reason == ExtractionReason.TIMED_OUT and self.detail:
            return f"{label.removesuffix('.')}: {self.detail}."
        return label


# The workflow's history lives in its own module (this one is long enough); imported here so
# Django registers it with the app's other models.
from publications.workflow.history import PublicationTransition  # noqa: E402, F401
