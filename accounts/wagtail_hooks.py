"""Admin wiring of staff accounts: the two-step verification pages, the account-page link, the
lock-outs report for superusers, and the audit-log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import views
from accounts.audit import STAFF_LOG_ACTIONS
from accounts.two_factor import two_factor_enabled_for


@hooks.register("register_admin_urls")
def register_account_urls():
    return [
        path("account/two-step/", views.two_factor_manage_view, name="accounts_two_factor"),
        path("account/two-step/verify/", views.two_factor_verify_view, name="accounts_two_factor_verify"),
        path("account/two-step/setup/", views.two_factor_setup_view, name="accounts_two_factor_setup"),
        path("reports/lockouts/", views.lockouts_view, name="accounts_lockouts"),
        path("reports/lockouts/lift/", views.lockout_lift_view, name="accounts_lockout_lift"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    enabled = two_factor_enabled_for(request.user)
    return {
        "url": reverse("accounts_two_factor"),
        "label": _("Two-step verification"),
        "help_text": _("On: codes from your authenticator app are asked at login.")
        if enabled
        else _("Off: set up an authenticator app and recovery codes."),
    }


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def lockouts_menu_item():
    return SuperuserMenuItem(_("Login lock-outs"), reverse("accounts_lockouts"), icon_name="lock", order=900)


@hooks.register("register_log_actions")
def register_staff_log_actions(actions):
    for action, (label, message) in STAFF_LOG_ACTIONS.items():
        actions.register_action(action, label, message)
