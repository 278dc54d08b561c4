from django import template

from crm.donors.selectors import PossibleDuplicate, possible_duplicates

register = template.Library()


@register.simple_tag
def donor_possible_duplicates(donor) -> list[PossibleDuplicate]:
    return possible_duplicates(donor=donor)
