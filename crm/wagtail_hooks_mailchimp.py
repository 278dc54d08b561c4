"""Puts segments and the Mailchimp sync log into the CRM menu. Imported by crm/wagtail_hooks.py."""

from wagtail import hooks

from crm.viewsets_segments import mailchimp_sync_run_viewset, segment_viewset

try:
    from crm.viewsets import extra_crm_viewsets
except ImportError:  # pragma: no cover - the CRM menu group is not there
    extra_crm_viewsets = None

if extra_crm_viewsets is not None:
    for _viewset in (segment_viewset, mailchimp_sync_run_viewset):
        if _viewset not in extra_crm_viewsets:
            extra_crm_viewsets.append(_viewset)
else:  # pragma: no cover

    @hooks.register("register_admin_viewset")
    def register_segment_viewsets():
        return [segment_viewset, mailchimp_sync_run_viewset]
