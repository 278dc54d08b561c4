"""Remove Wagtail's default "Moderators" and "Editors" groups and its "Moderators approval" workflow.

The site's staff work in two groups of its own, Communications and Fundraising (made after every
migrate by crm/services/groups.py), and publish without moderation (WAGTAIL_WORKFLOW_ENABLED is
off). Wagtail's defaults would show staff two more groups that nobody is in and an approval step
that nobody answers. A group someone has put people in is kept: it is then somebody's decision.
"""

from django.db import migrations

DEFAULT_GROUPS = ("Moderators", "Editors")
DEFAULT_WORKFLOW = "Moderators approval"


def remove_unused_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")

    workflow = Workflow.objects.filter(name=DEFAULT_WORKFLOW).first()
    if workflow is not None and not WorkflowState.objects.filter(workflow=workflow).exists():
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        workflow.delete()
        Task.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW, workflow_tasks__isnull=True).delete()
    Group.objects.filter(name__in=DEFAULT_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_block_and_field_labels"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(remove_unused_defaults, migrations.RunPython.noop)]
