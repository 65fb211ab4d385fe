from django.urls import path

from publications import feeds, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_list, name="list"),
    path("publications/<slug:slug>/", views.publication_detail, name="detail"),
    path("publications/<slug:slug>/pdf/", views.publication_pdf, name="pdf"),
    path("publications/<slug:slug>/download/", views.publication_download, name="download"),
    path("publications/<slug:slug>/files/<int:file_id>/", views.publication_file, name="file"),
    path(
        "publications/<slug:slug>/files/<int:file_id>/download/",
        views.publication_file_download,
        name="file-download",
    ),
    path("publications/<slug:slug>/cover/", views.publication_cover, name="cover"),
    path("publications/<slug:slug>/cite.bib", views.citation_bibtex, name="cite-bibtex"),
    path("publications/<slug:slug>/cite.ris", views.citation_ris, name="cite-ris"),
    path("publications/images/<int:year>/<str:name>", views.body_image, name="body-image"),
    path("authors/", views.author_list, name="authors"),
    path("authors/suggest/", views.author_suggest, name="author-suggest"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("feeds/latest/", feeds.LatestRssFeed(), name="feed-latest"),
    path("feeds/latest/atom/", feeds.LatestAtomFeed(), name="feed-latest-atom"),
    path("feeds/topics/<slug:slug>/", feeds.TopicRssFeed(), name="feed-topic"),
    path("feeds/topics/<slug:slug>/atom/", feeds.TopicAtomFeed(), name="feed-topic-atom"),
    path("feeds/authors/<slug:slug>/", feeds.AuthorRssFeed(), name="feed-author"),
    path("feeds/authors/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="feed-author-atom"),
]
