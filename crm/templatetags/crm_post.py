"""`{% donor_postal_status donor as status %}`: whether post reaches a donor now, for the donor's
record and edit pages. A template tag, so the record page (crm.interactions, which mailings' own
timeline entries use) need not import crm.mailings."""

from django import template

from crm.donors.models import Donor
from crm.mailings.selectors import PostalStatus, postal_status

register = template.Library()


@register.simple_tag
def donor_postal_status(donor: Donor) -> PostalStatus:
    return postal_status(donor)
