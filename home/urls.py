"""Language-prefixed non-page views of the public site (mounted inside i18n_patterns)."""

from django.urls import path, re_path

from home import giving_views, newsletter, views

urlpatterns = [
    # "/" and "/en/": the campaign page, in front of Wagtail's router so a cache hit costs nothing.
    path("", views.campaign_page, name="campaign_page"),
    # Giving: Stripe Checkout comes back to these; donors manage their monthly gift from here.
    path("donate/thanks/", giving_views.donation_success, name="donation_success"),
    path("donate/canceled/", giving_views.donation_cancel, name="donation_cancel"),
    path("donate/manage/", giving_views.manage_gift, name="manage_gift"),
    path("donate/manage/<str:token>/", giving_views.manage_gift_open, name="manage_gift_open"),
    path("newsletter/", newsletter.newsletter_signup_view, name="newsletter_signup"),
    path("newsletter/thanks/", newsletter.newsletter_thanks_view, name="newsletter_thanks"),
    # Every other address is a page: Wagtail's router (its pattern, leaving it its own _util/ views),
    # answering unknown addresses with the designed 404 even while DEBUG is on.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.page, name="page"),
]
