"""Alias kept for one release (issue 12): results queued before the move name `crm.tasks_imports.<task>`.

The tasks live in `crm.imports.tasks`. Remove this module once no queued result names it.
"""

from crm.imports.tasks import donor_import_check_task, donor_import_run_task

__all__ = ["donor_import_check_task", "donor_import_run_task"]
