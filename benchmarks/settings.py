"""The site's own settings plus one URL, /bench/plain/, for the page benchmark's baseline
(benchmarks/pages.py). Never used by the site itself."""

from config.settings import *  # noqa: F403 - the whole site, unchanged

ROOT_URLCONF = "benchmarks.urls"
