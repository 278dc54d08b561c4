"""Every way into the site and the CRM, written down: admin URL names, public URL names, management
commands and the import paths of queued tasks.

The lists were taken before crm/ was reorganised by feature (issue 12), so a module that moves cannot
silently drop a screen, an endpoint, a command, or a task a worker still has in its queue. A new entry
point is added here on purpose; one disappearing fails the test.
"""

from django.core.management import get_commands
from django.tasks import Task
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

URL_NAMES = [
    "bank_transfers:batch",
    "bank_transfers:batch_new",
    "bank_transfers:donor_find",
    "bank_transfers:index",
    "bank_transfers:statement",
    "bank_transfers:statement_discard",
    "campaign_page",
    "crm_company:add",
    "crm_company:copy",
    "crm_company:delete",
    "crm_company:edit",
    "crm_company:history",
    "crm_company:history_results",
    "crm_company:index",
    "crm_company:index_results",
    "crm_company:inspect",
    "crm_company:usage",
    "crm_donation:add",
    "crm_donation:copy",
    "crm_donation:delete",
    "crm_donation:edit",
    "crm_donation:history",
    "crm_donation:history_results",
    "crm_donation:index",
    "crm_donation:index_results",
    "crm_donation:inspect",
    "crm_donation:usage",
    "crm_donor:add",
    "crm_donor:copy",
    "crm_donor:delete",
    "crm_donor:edit",
    "crm_donor:erase",
    "crm_donor:export_data",
    "crm_donor:history",
    "crm_donor:history_results",
    "crm_donor:index",
    "crm_donor:index_results",
    "crm_donor:inspect",
    "crm_donor:merge",
    "crm_donor:usage",
    "crm_facebook_group:add",
    "crm_facebook_group:copy",
    "crm_facebook_group:delete",
    "crm_facebook_group:edit",
    "crm_facebook_group:history",
    "crm_facebook_group:history_results",
    "crm_facebook_group:index",
    "crm_facebook_group:index_results",
    "crm_facebook_group:inspect",
    "crm_facebook_group:paste",
    "crm_facebook_group:usage",
    "crm_fb_awaiting:index",
    "crm_fb_to_invite:index",
    "crm_fb_to_remove:index",
    "crm_interaction:add",
    "crm_interaction:copy",
    "crm_interaction:delete",
    "crm_interaction:edit",
    "crm_interaction:history",
    "crm_interaction:history_results",
    "crm_interaction:index",
    "crm_interaction:index_results",
    "crm_interaction:inspect",
    "crm_interaction:usage",
    "crm_mailchimp_sync_run:index",
    "crm_mailchimp_sync_run:index_results",
    "crm_mailchimp_sync_run:inspect",
    "crm_monthly_member:add",
    "crm_monthly_member:copy",
    "crm_monthly_member:delete",
    "crm_monthly_member:edit",
    "crm_monthly_member:history",
    "crm_monthly_member:history_results",
    "crm_monthly_member:index",
    "crm_monthly_member:index_results",
    "crm_monthly_member:inspect",
    "crm_monthly_member:usage",
    "crm_segment:add",
    "crm_segment:copy",
    "crm_segment:count",
    "crm_segment:delete",
    "crm_segment:edit",
    "crm_segment:export",
    "crm_segment:history",
    "crm_segment:history_results",
    "crm_segment:index",
    "crm_segment:index_results",
    "crm_segment:inspect",
    "crm_segment:push",
    "crm_segment:usage",
    "crm_stripe_event:add",
    "crm_stripe_event:delete",
    "crm_stripe_event:edit",
    "crm_stripe_event:history",
    "crm_stripe_event:history_results",
    "crm_stripe_event:index",
    "crm_stripe_event:index_results",
    "crm_stripe_event:inspect",
    "crm_stripe_event:retry",
    "crm_stripe_event:usage",
    "donation_cancel",
    "donation_success",
    "donor_import:cancel",
    "donor_import:confirm",
    "donor_import:index",
    "donor_import:job",
    "mailchimp_webhook",
    "manage_gift",
    "manage_gift_open",
    "newsletter_signup",
    "newsletter_thanks",
    "search",
    "simple_translation:submit_page_translation",
    "simple_translation:submit_snippet_translation",
    "stripe_webhook",
]

COMMANDS = {
    "crm": [
        "backup",
        "crm_stats",
        "import_donors",
        "invitation_reminders",
        "rebuild_giving",
        "refresh_donor_search",
        "restore",
        "seed_crm",
        "sync_mailchimp",
    ],
    "home": ["load_demo_data"],
}

# Where each task lived when it was queued: the database queue stores this path, and a worker imports
# it to run the task. Moved tasks keep an alias at the old path for one release (see
# docs/architecture.md, "Moving a task").
QUEUED_TASK_PATHS = [
    "crm.tasks.stripe_event_process_task",
    "crm.tasks.stripe_thank_you_send_task",
    "crm.tasks.stripe_manage_gift_link_task",
    "crm.tasks_imports.donor_import_check_task",
    "crm.tasks_imports.donor_import_run_task",
    "crm.tasks_invitations.facebook_group_schedule_task",
    "crm.tasks_invitations.facebook_group_send_task",
    "crm.tasks_mailchimp.mailchimp_push_task",
    "crm.tasks_mailchimp.mailchimp_reconcile_task",
    "crm.tasks_mailchimp.mailchimp_push_donor_task",
    "crm.tasks_schedule.mailchimp_push_scheduled_task",
    "crm.tasks_schedule.mailchimp_reconcile_scheduled_task",
    "crm.tasks_schedule.facebook_group_scheduled_task",
    "crm.tasks_schedule.task_results_prune_scheduled_task",
]

PUBLIC_PATHS = {
    "stripe_webhook": ((), "/stripe/webhook/"),
    "mailchimp_webhook": (("s3cret",), "/mailchimp/webhook/s3cret/"),
    "search": ((), "/search/"),
}


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_name_is_still_there():
    missing = sorted(set(URL_NAMES) - _names(get_resolver()))
    assert missing == []


def test_language_neutral_endpoints_keep_their_paths():
    for name, (args, path) in PUBLIC_PATHS.items():
        assert reverse(name, args=args) == path


def test_every_management_command_is_still_there():
    commands = get_commands()
    for app, names in COMMANDS.items():
        for name in names:
            assert commands.get(name) == app, name


def test_a_task_queued_under_its_old_path_still_resolves_to_the_same_task():
    for path in QUEUED_TASK_PATHS:
        task = import_string(path)
        assert isinstance(task, Task), path
        # The name a result shows and the function run are the task's own, wherever it now lives.
        assert task.name == path.rsplit(".", 1)[1]
        assert import_string(task.module_path) is task


def test_a_server_process_warms_up_without_the_database():
    # cms.wsgi runs this before a worker takes requests; it must not need the database (a worker
    # may start while the database restarts: here, without the django_db mark, any query raises)
    # and leaves every language's reverse table built.
    from django.utils import translation

    from core.warmup import warm_up

    warm_up()
    resolver = get_resolver()
    for code in ("ja", "en"):
        with translation.override(code):
            assert code in resolver._reverse_dict
            assert reverse("wagtailadmin_home") == "/admin/"
