# Placeholder: the public pages are being written (see issue 2).
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


home = publication_list = publication_detail = publication_pdf = publication_download = _todo
citation_bibtex = citation_ris = author_list = author_suggest = author_detail = _todo
topic_list = topic_detail = robots_txt = page_not_found = server_error = _todo
