"""factory_boy factories for the catalogue."""

from __future__ import annotations

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils.text import slugify

from publications.models import (
    PDF_CONTENT_TYPE,
    Author,
    FileRole,
    Publication,
    PublicationAuthor,
    PublicationFile,
    Series,
    Status,
    Topic,
    start_of_day,
    visible_from_for,
)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = factory.Faker("sentence")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Author Number{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    role = "Senior Fellow"
    affiliation = "Institute for Policy Research"
    bio = factory.Faker("paragraph")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Publication number {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    abstract = factory.Faker("paragraph", nb_sentences=5)
    publication_date = factory.LazyFunction(lambda: datetime.date(2024, 12, 9))
    status = Status.PUBLISHED
    # As the services keep them: a release at the start of the date (a date alone, as before
    # release times), visible from it when scheduled or published (a test may pass its own).
    release_at = factory.LazyAttribute(lambda o: start_of_day(o.publication_date))
    visible_from = factory.LazyAttribute(lambda o: visible_from_for(o.status, o.release_at))
    withdrawn_reason = factory.LazyAttribute(
        lambda o: "Withdrawn for a test." if o.status == Status.WITHDRAWN else ""
    )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            PublicationAuthor.objects.bulk_create(
                PublicationAuthor(publication=self, author=author, position=position)
                for position, author in enumerate(extracted)
            )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class PublicationFileFactory(factory.django.DjangoModelFactory):
    """A stored file as the services leave it (size, hash, type), whatever its bytes are: the
    upload check is bypassed on purpose, so the pipeline can be fed any file."""

    class Meta:
        model = PublicationFile
        exclude = ["data"]

    publication = factory.SubFactory(PublicationFactory)
    role = FileRole.FULL_REPORT
    data = b"%PDF-1.4 test"
    content_type = PDF_CONTENT_TYPE
    position = factory.LazyAttribute(lambda o: o.publication.files.count())
    file = factory.LazyAttribute(
        lambda o: ContentFile(o.data, name=f"{o.publication.slug}{_extension(o.content_type)}")
    )
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())


def _extension(content_type: str) -> str:
    from publications.file_types import file_type_of

    file_type = file_type_of(content_type)
    return file_type.extension if file_type else ".bin"
