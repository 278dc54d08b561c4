"""Language-prefixed non-page views of the public site (mounted inside i18n_patterns)."""

from django.urls import path

from home import donation, newsletter, views

urlpatterns = [
    # "/" and "/en/": the campaign page, in front of Wagtail's router so a cache hit costs nothing.
    path("", views.campaign_page, name="campaign_page"),
    # Giving: Stripe Checkout comes back to these; donors manage their monthly gift from here.
    path("donate/thanks/", donation.donation_success, name="donation_success"),
    path("donate/canceled/", donation.donation_cancel, name="donation_cancel"),
    path("donate/manage/", donation.manage_gift, name="manage_gift"),
    path("donate/manage/<str:token>/", donation.manage_gift_open, name="manage_gift_open"),
    path("newsletter/", newsletter.newsletter_signup_view, name="newsletter_signup"),
    path("newsletter/thanks/", newsletter.newsletter_thanks_view, name="newsletter_thanks"),
]
