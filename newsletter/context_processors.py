"""What the mailing-list block on every page needs."""

from newsletter.forms import consent_wording


def mailing_list(request) -> dict:
    return {"newsletter_consent": consent_wording()}
