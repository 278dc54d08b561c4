"""Language-neutral endpoints of the CRM (webhooks). Mounted at the site root, outside i18n."""

urlpatterns: list = []
