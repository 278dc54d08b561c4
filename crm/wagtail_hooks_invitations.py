"""The Facebook-group invitation queue in the CRM menu, and its audit-log actions.

Imported by crm/wagtail_hooks.py (which loads every crm/wagtail_hooks_<part>.py).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from crm.services.invitations import LOG_ACTIONS
from crm.viewsets import extra_crm_viewsets
from crm.viewsets_invitations import FACEBOOK_GROUP_VIEWSETS

for _viewset in FACEBOOK_GROUP_VIEWSETS:
    if _viewset not in extra_crm_viewsets:
        extra_crm_viewsets.append(_viewset)


@hooks.register("register_log_actions")
def register_facebook_group_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, _(label), _(message))
