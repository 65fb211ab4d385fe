"""Public mailing-list pages: signup, confirm, unsubscribe (one-click too) and preferences.

No view sends mail: services queue the emails on commit and Celery sends them.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.ratelimit import Rate, client_ip, rate_limited
from newsletter.forms import FORM_VERSION, PreferencesForm, SignupForm, consent_wording
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.services import subscribers as services
from newsletter.services.subscribers import ConfirmOutcome


def rate_limited_page(request, rate):
    response = render(request, "newsletter/rate_limited.html", status=429)
    response["Retry-After"] = str(Rate.parse(rate).seconds)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("signup", rate=lambda: settings.SIGNUP_RATE_LIMIT, response=rate_limited_page)
def signup(request):
    if request.method != "POST":
        return _signup_page(request, SignupForm())
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form)
    if not form.is_bot():
        services.subscriber_signup(
            email=form.cleaned_data["email"],
            topics=form.cleaned_data["topics"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            wording=consent_wording(),
            form_version=FORM_VERSION,
        )
    # The same page whatever the address's state: the form tells nobody who is subscribed.
    return render(request, "newsletter/thanks.html")


def _signup_page(request, form, **context):
    context = {"form": form, "consent_wording": consent_wording(), **context}
    return render(request, "newsletter/signup.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET asks (a mail scanner following the link confirms nobody); POST confirms."""
    if request.method == "POST":
        outcome, subscriber = services.subscriber_confirm(token=token)
    else:
        outcome, subscriber = services.confirm_token_check(token=token)
    if outcome is None:
        return render(request, "newsletter/confirm.html", {"token": token})
    if outcome in (ConfirmOutcome.CONFIRMED, ConfirmOutcome.ALREADY_CONFIRMED):
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    initial = {"email": subscriber.email} if outcome is ConfirmOutcome.EXPIRED else {}
    form = SignupForm(initial=initial)
    return _signup_page(request, form, link_problem=outcome.value)


# One-click unsubscribe (RFC 8058): mail providers POST `List-Unsubscribe=One-Click` with no
# session or CSRF token, so this view alone is exempt; the unguessable token is the credential.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows a button (mail scanners follow links); POST unsubscribes at once."""
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    subscriber = get_object_or_404(Subscriber, token=token)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.subscriber_set_topics(
                subscriber=subscriber, topics=form.cleaned_data["topics"]
            )
            saved = True
    else:
        form = PreferencesForm(initial={"topics": [t.pk for t in subscriber.topics.all()]})
    context = {"subscriber": subscriber, "form": form, "saved": saved}
    return render(request, "newsletter/preferences.html", context)
