"""/dev/mail/: the messages `make run` caught, with their text and HTML parts and working links.
Answers 404 unless the development defaults are on (settings.DEV_MAIL_DIR and DEBUG)."""

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from config.devmail.mailbox import mail_get, mail_list


def mailbox_directory():
    if not (settings.DEBUG and settings.DEV_MAIL_DIR):
        raise Http404("Caught mail is shown under development defaults only.")
    return settings.DEV_MAIL_DIR


@require_safe
def mail_index(request):
    directory = mailbox_directory()
    return render(
        request, "devmail/list.html", {"mails": mail_list(directory), "directory": directory}
    )


@require_safe
def mail_detail(request, mail_id):
    directory = mailbox_directory()
    mail = mail_get(directory, mail_id)
    if mail is None:
        raise Http404("No such message.")
    return render(request, "devmail/detail.html", {"mail": mail, "directory": directory})


@require_safe
# Emails style themselves inline (mail programs drop <link>); scripts stay blocked.
@csp_replace({"style-src": ["'unsafe-inline'"], "img-src": ["'self'", "data:", "https:"]})
def mail_html(request, mail_id):
    """The HTML part as the recipient's mail program would show it, links and all."""
    mail = mail_get(mailbox_directory(), mail_id)
    if mail is None or not mail.html:
        raise Http404("No HTML part.")
    return HttpResponse(mail.html, content_type="text/html; charset=utf-8")
