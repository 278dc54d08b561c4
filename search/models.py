"""The search index's vocabulary: what visitors' queries are read and corrected against."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedWord(models.Model):
    """A word the search index holds, with how it is written and how often it was indexed.

    Two kinds of `term`: a reading key (hiragana, see text_analysis.reading_key) with the
    word it reads in `written` (しゅろ / 就労), and a Latin word as written (refugees / refugees).
    Kept by search.vocabulary as pages are indexed; `update_index` rebuilds it from scratch.
    """

    # The search index (Index.get_key()) the word was indexed into: Elasticsearch keeps pages,
    # images and documents in separate indexes, each rebuilt on its own.
    index = models.CharField(_("index"), max_length=100)
    term = models.CharField(_("term"), max_length=100)
    written = models.CharField(_("written form"), max_length=100)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=0)

    class Meta:
        verbose_name = _("indexed word")
        verbose_name_plural = _("indexed words")
        constraints = [
            models.UniqueConstraint(fields=["index", "term", "written"], name="search_indexedword_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.written})"
