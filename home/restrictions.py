"""Privacy (view restrictions) of a page in one query instead of Wagtail's two.

Wagtail's ``Page.get_view_restrictions`` first loads the page's ancestors to see which are aliases,
then the restrictions of those pages (or of the pages they are aliases of). Every page render the
page cache does not answer pays both, including the first visit after a deploy. The ancestors'
paths are already known from this page's path (treebeard), so one query finds the restrictions on
the page, on its ancestors, and on the pages any of them is an alias of.
"""

from django.db.models import Q, QuerySet
from wagtail.models import PageViewRestriction


class ViewRestrictionsInOneQueryMixin:
    def get_view_restrictions(self) -> QuerySet:
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        # Also restrictions on the aliases themselves, which Wagtail skips: editors cannot set any
        # (an alias follows its original), and if one existed, applying it is the safe side.
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page__aliases__path__in=paths)
        ).distinct()
