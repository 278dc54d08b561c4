"""What every one of our backends shares: the visitor's query goes through our analyser before
the stock query compilers see it, so they only ever receive plain, normalised words."""

from __future__ import annotations

from django.db.models import IntegerField
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

from search.analysis import analyze, analyze_query

# Ranked results fetched together with the total: the first ten pages of ten, so paging through
# them needs no second ranking query.
RANKED_HEAD = 100


def analyse_query(query: str | SearchQuery | None) -> str | SearchQuery | None:
    """Return the query with every text in it analysed; None when nothing searchable is left.

    A plain string stays a string so the caller's `operator` still applies.
    """
    if query is None or isinstance(query, MatchAll):
        return query
    if isinstance(query, str):
        return analyze_query(query) or None
    if isinstance(query, PlainText):
        text = analyze_query(query.query_string)
        return PlainText(text, operator=query.operator, boost=query.boost) if text else None
    if isinstance(query, Phrase):
        text = analyze_query(query.query_string)
        return Phrase(text) if text else None
    if isinstance(query, Fuzzy):
        text = analyze_query(query.query_string)
        return Fuzzy(text, operator=query.operator, unaccent=query.unaccent) if text else None
    if isinstance(query, Boost):
        subquery = analyse_query(query.subquery)
        return Boost(subquery, query.boost) if subquery is not None else None
    if isinstance(query, Not):
        subquery = analyse_query(query.subquery)
        return Not(subquery) if subquery is not None else None
    if isinstance(query, And | Or):
        subqueries = [sub for sub in map(analyse_query, query.subqueries) if sub is not None]
        if not subqueries:
            return None
        return subqueries[0] if len(subqueries) == 1 else type(query)(subqueries)
    return query


class AnalysedQueryMixin:
    """Backend mixin: analyse the query of both search() and autocomplete()."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        analysed = analyse_query(query)
        if analysed is None and query is not None:
            # Only punctuation, emoji or stop words: nothing can match, and that's not an error.
            return EmptySearchResults()
        return super()._search(query_compiler_class, analysed, model_or_queryset, **kwargs)


class AnalysedIndexerMixin:
    """ObjectIndexer mixin: analyse each indexed text once, at the leaf field.

    RelatedFields (tags, for example) recurse through `self.prepare_field`, so they come back
    here for their own SearchFields and are analysed exactly once too.
    """

    def prepare_field(self, obj, field):
        if isinstance(field, SearchField | AutocompleteField):
            for *head, value in super().prepare_field(obj, field):
                yield (*head, analyze(value))
        else:
            yield from super().prepare_field(obj, field)


def integer_pk_field(model) -> IntegerField | None:
    """A field to cast index entries' text object ids to `model`'s integer key; None otherwise."""
    pk = model._meta.pk
    while pk.is_relation:  # a page type's key is its link to the base page
        pk = pk.target_field
    integer_types = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}
    return IntegerField() if pk.get_internal_type() in integer_types else None
