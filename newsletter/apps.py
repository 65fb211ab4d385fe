from django.apps import AppConfig, apps


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        # Imported once models are loaded, as Django's signal receivers must be.
        from newsletter import receivers

        receivers.connect()
        # The ESP's webhook exists only when an ESP is configured (settings.ANYMAIL_ESP).
        if apps.is_installed("anymail"):
            from anymail.signals import tracking

            from newsletter.webhooks import handle_tracking

            tracking.connect(handle_tracking, dispatch_uid="newsletter-suppress")
