"""The search request's parameters, validated as DESIGN.md lists them for `GET /api/search`.

The API answers 400 when any of them is malformed; the search page drops the malformed ones and
says so. Either way the engine receives a SearchRequest it can always run.
"""

from __future__ import annotations

from django import forms

from publications.filters import SlugListField
from publications.models import Author, PublicationType, Topic
from search.engine import SORTS, SearchRequest
from search.filters import Filters
from search.query import MAX_QUERY_CHARACTERS, normalise

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# The engine ranks page * page_size results to show the last page_size of them: deep paging
# costs in proportion, so it stops here (as web search engines do).
MAX_RESULT_DEPTH = 10_000
MAX_FILTER_VALUES = 50
DATE_FORMAT = "%Y-%m-%d"
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}


class QueryField(forms.Field):
    """What the reader typed. Too long is cut, not refused; control characters (NUL included,
    which PostgreSQL text refuses) become spaces."""

    def to_python(self, value):
        # Cut before normalising, so a megabyte of query costs no more than a long one.
        return normalise(str(value or "")[: MAX_QUERY_CHARACTERS * 4])


class BoundedSlugListField(SlugListField):
    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_FILTER_VALUES:
            raise forms.ValidationError(f"At most {MAX_FILTER_VALUES} values, please.")


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )


class SearchForm(forms.Form):
    q = QueryField(required=False, label="Search for")
    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    topic = BoundedSlugListField(required=False, label="Topic")
    author = BoundedSlugListField(required=False, label="Author")
    type = forms.MultipleChoiceField(
        required=False,
        choices=PublicationType.choices,
        label="Type",
        widget=forms.CheckboxSelectMultiple,
    )
    published_after = date_field("From")
    published_before = date_field("Until")
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()), label="Sort by")

    def __init__(self, *args, default_page_size: int = DEFAULT_PAGE_SIZE, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_page_size = default_page_size
        self.topics: list[Topic] = []
        self.authors: list[Author] = []

    def clean(self):
        data = super().clean()
        page, size = data.get("page"), data.get("page_size") or self.default_page_size
        if page and page * size > MAX_RESULT_DEPTH:
            self.add_error(
                "page", f"Only the first {MAX_RESULT_DEPTH:,} results can be paged through."
            )
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after > before:
            self.add_error("published_before", "The end date is before the start date.")
        return data

    def error_message(self) -> str:
        """Every error in one line, each prefixed with its parameter."""
        return "; ".join(
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in self.errors.items()
            for message in messages
        )

    def search_request(self) -> SearchRequest:
        """The request for the engine from the valid parameters (a malformed one counts as
        absent). Slugs become ids; slugs that name nothing make the filter match nothing."""
        data = getattr(self, "cleaned_data", {})
        topic_slugs, author_slugs = data.get("topic") or [], data.get("author") or []
        self.topics = list(Topic.objects.filter(slug__in=topic_slugs)) if topic_slugs else []
        self.authors = list(Author.objects.filter(slug__in=author_slugs)) if author_slugs else []
        filters = Filters(
            topic_ids=tuple(sorted(topic.pk for topic in self.topics)),
            author_ids=tuple(sorted(author.pk for author in self.authors)),
            types=tuple(data.get("type") or ()),
            published_after=data.get("published_after"),
            published_before=data.get("published_before"),
            # OR within a filter: one known slug is enough; none known, nothing can match.
            impossible=(bool(topic_slugs) and not self.topics)
            or (bool(author_slugs) and not self.authors),
        )
        return SearchRequest(
            query=data.get("q") or "",
            filters=filters,
            page=data.get("page") or 1,
            page_size=data.get("page_size") or self.default_page_size,
            sort=data.get("sort") or SORTS[0],
        )
