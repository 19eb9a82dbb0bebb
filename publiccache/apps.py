from django.apps import AppConfig


class PublicCacheConfig(AppConfig):
    name = "publiccache"
    verbose_name = "Public page cache"

    def ready(self):
        from . import pages

        pages.watch_the_public_record()
