"""The mailing list in the Django admin: a thin layer over newsletter.services."""

from newsletter.admin import campaigns, subscribers  # noqa: F401  (registers the admins)
