from tests.home.conftest import _clear_cache, locales, public_urls, site_tree  # noqa: F401  (the public site's fixtures)
