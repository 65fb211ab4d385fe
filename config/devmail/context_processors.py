from django.conf import settings
from django.urls import reverse


def dev_mailbox(request):
    """Where caught mail is read, for pages that say "check your inbox" (development only)."""
    if not (settings.DEBUG and settings.DEV_MAIL_DIR):
        return {"dev_mailbox_url": None}
    return {"dev_mailbox_url": reverse("devmail:list"), "dev_mail_dir": settings.DEV_MAIL_DIR}
