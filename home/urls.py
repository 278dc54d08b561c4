"""Language-prefixed non-page views of the public site (mounted inside i18n_patterns)."""

urlpatterns: list = []
