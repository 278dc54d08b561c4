"""Admin views of the CRM that are not model viewsets (the donor import)."""
