"""The Django admin for staff: publications, and the people, topics and series they refer to."""

from publications.admin import catalogue, publication  # noqa: F401  (registers the admins)
