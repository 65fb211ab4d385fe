from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # Imported once models are loaded, as Django's signal receivers must be.
        from search import receivers

        receivers.connect()
