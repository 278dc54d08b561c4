from tests.home.conftest import _clear_cache, locales, site_tree  # noqa: F401  (the public site's fixtures)
