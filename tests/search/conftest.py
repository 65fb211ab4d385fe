"""Fixtures shared by the search tests."""

from __future__ import annotations

import dataclasses

import pytest

from search.tuning import Tuning, site_tuning

TUNING_FIELDS = {field.name for field in dataclasses.fields(Tuning)}


@pytest.fixture
def tuned(settings):
    """Set fields of the site's search Tuning for one test, as SEARCH_* settings would; returns
    the Tuning the engine and the index now use."""

    def tune(**fields) -> Tuning:
        for name, value in fields.items():
            assert name in TUNING_FIELDS, f"Tuning has no field {name}"
            setattr(settings, f"SEARCH_{name.upper()}", value)
        return site_tuning()

    return tune
