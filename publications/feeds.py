# Placeholder: feeds are being written (see issue 2).
from publications.views import _todo

LatestRssFeed = LatestAtomFeed = TopicRssFeed = TopicAtomFeed = AuthorRssFeed = AuthorAtomFeed = (
    lambda: _todo
)
