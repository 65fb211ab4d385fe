"""The catalogue: publications, their ordered authors, topics and series."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class PublicationType(models.TextChoices):
    REPORT = "report", "Report"
    ISSUE_BRIEF = "issue-brief", "Issue Brief"
    COMMENTARY = "commentary", "Commentary"
    TESTIMONY = "testimony", "Testimony"
    WORKING_PAPER = "working-paper", "Working Paper"
    BOOK = "book", "Book"
    JOURNAL_ARTICLE = "journal-article", "Journal Article"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_ci_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:topic", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField("title or role", max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)

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
    def published(self):
        """What the public may see: published, or scheduled and now due."""
        return self.filter(
            status__in=[Status.PUBLISHED, Status.SCHEDULED],
            publication_date__lte=timezone.localdate(),
        )

    def due(self):
        """Scheduled publications whose date has come."""
        return self.filter(status=Status.SCHEDULED, publication_date__lte=timezone.localdate())

    def newest_first(self):
        return self.order_by("-publication_date", "-id")

    def for_listing(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("series").prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=PublicationAuthor.objects.select_related("author").order_by("position"),
            ),
            "topics",
        )


def pdf_upload_to(instance: Publication, filename: str) -> str:
    return f"publications/{timezone.now():%Y/%m}/{instance.slug[:100]}.pdf"


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
    publication_date = models.DateField(default=timezone.localdate, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    authors = models.ManyToManyField(
        Author, through="PublicationAuthor", related_name="publications", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True)

    pdf = models.FileField("PDF", upload_to=pdf_upload_to, blank=True, max_length=300)
    pdf_size = models.PositiveBigIntegerField("PDF size in bytes", null=True, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)

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

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.slug])

    def mark_public(self, batch: uuid.UUID | None = None) -> None:
        """Stamp the first time this became visible, and its batch; neither is ever cleared."""
        if self.is_public and self.first_published_at is None:
            self.first_published_at = timezone.now()
            self.publish_batch = batch or uuid.uuid4()

    @property
    def is_public(self) -> bool:
        return self.status != Status.DRAFT and self.publication_date <= timezone.localdate()

    @property
    def ordered_authors(self) -> list[Author]:
        # Uses the prefetch from for_listing() when there is one.
        return [link.author for link in self.authorships.all()]

    @property
    def year(self) -> int:
        return self.publication_date.year


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
    """The text of one page of a publication's PDF, as extracted."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="publication_page_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="publication_page_number_gte_1"
            ),
        ]

    def __str__(self):
        return f"{self.publication_id} p.{self.number}"
