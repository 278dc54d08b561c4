"""What the import announces, sent after commit; receivers are connected in crm.apps.CrmConfig.ready()."""

from django.dispatch import Signal

# Sent with job_id=<str> (sender DonorImportJob) once the uploaded file is saved: the dry run is queued.
import_job_uploaded = Signal()

# Sent with job_id=<str> (sender DonorImportJob) once a fundraiser confirms: the import is queued.
import_job_confirmed = Signal()
