"""What bank transfers announce, after commit; receivers are connected in crm.apps.CrmConfig.ready()."""

from django.dispatch import Signal

# statement_id=<str> (sender BankStatement): the statement's lines are stored; match them to donors.
statement_uploaded = Signal()
