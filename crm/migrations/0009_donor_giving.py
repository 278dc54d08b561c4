"""Stored giving summaries (crm_donorgiving), kept right by triggers: see crm.giving_sql."""

import django.db.models.deletion
from django.db import migrations, models


def install_and_fill(apps, schema_editor):
    from crm import giving_sql
    from crm.services.giving import giving_rebuild, giving_triggers_install

    alias = schema_editor.connection.alias
    for statement in giving_sql.index_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)
    # Triggers first, then the fill: a donor or gift written meanwhile is counted by one or the other.
    giving_triggers_install(using=alias)
    giving_rebuild(using=alias)


def uninstall(apps, schema_editor):
    from crm import giving_sql
    from crm.services.giving import giving_triggers_uninstall

    giving_triggers_uninstall(using=schema_editor.connection.alias)
    for statement in giving_sql.drop_index_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0008_donor_import_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="DonorGiving",
            fields=[
                (
                    "donor",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="giving",
                        serialize=False,
                        to="crm.donor",
                        verbose_name="donor",
                    ),
                ),
                (
                    "lifetime_value",
                    models.BigIntegerField(
                        default=0,
                        help_text="Succeeded gifts in JPY, less what was refunded.",
                        verbose_name="lifetime value (JPY)",
                    ),
                ),
                ("gift_count", models.PositiveIntegerField(default=0, verbose_name="gifts")),
                ("first_gift_at", models.DateTimeField(blank=True, null=True, verbose_name="first gift")),
                ("last_gift_at", models.DateTimeField(blank=True, null=True, verbose_name="last gift")),
                ("is_member", models.BooleanField(default=False, verbose_name="monthly member")),
                ("member_since", models.DateTimeField(blank=True, null=True, verbose_name="member since")),
                (
                    "monthly_amount",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Active monthly gifts in JPY; a yearly gift counts as a twelfth.",
                        verbose_name="monthly amount (JPY)",
                    ),
                ),
            ],
            options={
                "verbose_name": "giving summary",
                "verbose_name_plural": "giving summaries",
                "indexes": [
                    models.Index(fields=["lifetime_value", "donor"], name="crm_giving_lifetime_idx"),
                    models.Index(fields=["last_gift_at", "donor"], name="crm_giving_last_gift_idx"),
                    models.Index(fields=["member_since", "donor"], name="crm_giving_member_since_idx"),
                ],
            },
        ),
        migrations.RunPython(install_and_fill, uninstall),
    ]
