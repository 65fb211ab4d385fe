"""A campaign's emails: rendered once per distinct set of publications, personalised per reader."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.mail import EmailMessage

from newsletter.emails import (
    TOKEN_PLACEHOLDER,
    Rendered,
    build_email,
    render_email,
    subscriber_links,
)
from newsletter.models import Campaign
from publications.models import Publication, Status

# Stands in for a subscriber's token in previews and test sends: its links lead to "not found".
PREVIEW_TOKEN = "preview"  # noqa: S105 - not a secret


@dataclass
class CampaignRenderer:
    """Renders a campaign once per distinct set of publications a reader gets, then fills in
    each reader's own links: the same HTML is not built ten thousand times."""

    campaign: Campaign
    publications: list[Publication] = field(init=False)
    topics: dict[int, set[int]] = field(init=False)
    cache: dict[tuple[int, ...], Rendered] = field(default_factory=dict)
    # The subscriber links with the placeholder for a token: reversed once, not per reader.
    links: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.links = subscriber_links(TOKEN_PLACEHOLDER)
        order = list(self.campaign.items.values_list("publication_id", flat=True))
        # A publication withdrawn after its campaign was queued is left out of what is still to
        # send (a campaign of nothing else sends nothing).
        found = Publication.objects.filter(pk__in=order).exclude(status=Status.WITHDRAWN)
        found = found.for_listing().in_bulk()
        self.publications = [found[pk] for pk in order if pk in found]
        self.topics = {p.pk: {t.pk for t in p.topics.all()} for p in self.publications}

    def for_topics(self, topic_ids: set[int]) -> list[Publication]:
        """The campaign's publications a reader of these topics gets (all for no topics)."""
        if not topic_ids:
            return self.publications
        return [p for p in self.publications if self.topics[p.pk] & topic_ids]

    def rendered(self, publications: list[Publication]) -> Rendered:
        key = tuple(p.pk for p in publications)
        if key not in self.cache:
            context = {
                "campaign": self.campaign,
                "publications": publications,
                **self.links,
            }
            self.cache[key] = render_email("update", context)
        return self.cache[key]

    def email(self, *, to: str, token: str, topic_ids: set[int]) -> EmailMessage | None:
        """The message for one reader, or None when nothing in the campaign is for them."""
        publications = self.for_topics(topic_ids)
        if not publications:
            return None
        rendered = self.rendered(publications).personalised(token)
        links = {name: url.replace(TOKEN_PLACEHOLDER, token) for name, url in self.links.items()}
        return build_email(to=to, token=token, rendered=rendered, links=links)
