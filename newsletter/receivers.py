"""What the newsletter hears from the catalogue: connected in NewsletterConfig.ready()."""

from __future__ import annotations

from newsletter import queue
from publications import signals


def publications_released(sender, **kwargs) -> None:
    """Something became public (the write has committed): announce what is new."""
    queue.announce_new_publications()


def connect() -> None:
    signals.publications_released.connect(publications_released, dispatch_uid="newsletter-announce")
