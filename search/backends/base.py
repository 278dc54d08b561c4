"""What every one of our backends shares: the visitor's query goes through our analyser before
the stock query compilers see it, so they only ever receive plain, normalised words."""

from __future__ import annotations

from django.db.models import Case, F, FloatField, IntegerField, Value, When
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

from search import vocabulary
from text_analysis import analyze, analyze_query

# Ranked results fetched together with the total: the first ten pages of ten, so paging through
# them needs no second ranking query.
RANKED_HEAD = 100


class ExactText(PlainText):
    """Query text searched as typed: analysed like any query, but not read as kana or romaji nor
    corrected. The search page asks with it whether a 'did you mean' is worth offering."""


def _planned(text: str, *, operator: str, prefix: bool, boost: float = 1.0) -> str | SearchQuery | None:
    """The query text as the index holds it. A plain string (the caller's operator applies) when
    nothing was read, corrected or related; otherwise, per word, Or of its options (each an And
    of keys), combined with `operator`."""
    plan = vocabulary.plan(text, prefix=prefix)
    if not plan.expanded:
        analysed = analyze_query(text)
        if not analysed:
            return None
        return analysed if boost == 1.0 else PlainText(analysed, operator=operator, boost=boost)
    words = []
    for term in plan.terms:
        options = [PlainText(" ".join(option), operator="and") for option in term.options]
        words.append(options[0] if len(options) == 1 else Or(options))
    combined = words[0] if len(words) == 1 else (And(words) if operator == "and" else Or(words))
    return Boost(combined, boost) if boost != 1.0 else combined


def analyse_query(
    query: str | SearchQuery | None, *, operator: str | None = None, prefix: bool = False
) -> str | SearchQuery | None:
    """Return the query with every text in it analysed; None when nothing searchable is left.

    `prefix`: for autocomplete (the last word may be unfinished).
    """
    if query is None or isinstance(query, MatchAll):
        return query
    if isinstance(query, str):
        return _planned(query, operator=(operator or "and").lower(), prefix=prefix)
    if isinstance(query, ExactText):
        text = analyze_query(query.query_string)
        return PlainText(text, operator=query.operator, boost=query.boost) if text else None
    if isinstance(query, PlainText):
        return _planned(query.query_string, operator=query.operator.lower(), prefix=prefix, boost=query.boost)
    if isinstance(query, Phrase):
        text = analyze_query(query.query_string)
        return Phrase(text) if text else None
    if isinstance(query, Fuzzy):
        text = analyze_query(query.query_string)
        return Fuzzy(text, operator=query.operator, unaccent=query.unaccent) if text else None
    if isinstance(query, Boost):
        subquery = analyse_query(query.subquery, prefix=prefix)
        return Boost(subquery, query.boost) if subquery is not None else None
    if isinstance(query, Not):
        subquery = analyse_query(query.subquery, prefix=prefix)
        return Not(subquery) if subquery is not None else None
    if isinstance(query, And | Or):
        subqueries = [
            sub for sub in (analyse_query(sub, prefix=prefix) for sub in query.subqueries) if sub is not None
        ]
        if not subqueries:
            return None
        subqueries = [PlainText(sub) if isinstance(sub, str) else sub for sub in subqueries]
        return subqueries[0] if len(subqueries) == 1 else type(query)(subqueries)
    return query


class AnalysedQueryMixin:
    """Backend mixin: analyse the query of both search() and autocomplete()."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        prefix = query_compiler_class is self.autocomplete_query_compiler_class
        analysed = analyse_query(query, operator=kwargs.get("operator"), prefix=prefix)
        if analysed is None and query is not None:
            # Only punctuation, emoji or stop words: nothing can match, and that's not an error.
            return EmptySearchResults()
        return super()._search(query_compiler_class, analysed, model_or_queryset, **kwargs)


class VocabularyIndexMixin:
    """Index mixin: record the vocabulary of what is indexed (search.vocabulary), for every
    backend alike."""

    # Whose vocabulary this index records: its own key, unless it is being built to replace
    # another (Elasticsearch's atomic rebuild builds under a random name, then swaps).
    vocabulary_key: str | None = None

    def vocabulary_index(self) -> str:
        return self.vocabulary_key or str(self.get_key())

    def add_item(self, item):
        with vocabulary.recording(index=self.vocabulary_index()):
            return super().add_item(item)

    def add_items(self, model, items):
        with vocabulary.recording(index=self.vocabulary_index()):
            return super().add_items(model, items)


class VocabularyRebuilderMixin:
    """Rebuilder mixin: a rebuild (update_index) starts the index's vocabulary afresh."""

    def start(self):
        index = super().start()
        vocabulary.clear(index=index.vocabulary_index())
        return index


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


class RankedHeadCompilerMixin:
    """Query compiler mixin: one query ranks the matches, cuts the first RANKED_HEAD and counts.

    Subclasses give `_matches(config)`: the matching index entries whose object passes the
    caller's queryset filters, annotated `object_pk` and `score` (None: use the stock path), and
    `_head_rows(matches)`: [(object_pk, score, total)] of the best `ranked_head`. Pages of results
    within the head come from it; pages past it are ranked again with OFFSET.
    """

    ranked_head = RANKED_HEAD
    # bm25 (SQLite): lower is better; ts_rank (PostgreSQL): higher is better.
    score_ascending = False

    def _best_first(self, score, pk):
        if self.score_ascending:
            return F(score).asc(), F(pk).desc()
        return F(score).desc(), F(pk).desc()

    def _head(self, config) -> tuple[list[tuple[int, float]], int] | None:
        cached = getattr(self, "_head_cache", None)
        if cached is not None:
            return cached
        matches = self._matches(config)
        if matches is None:
            return None
        rows = self._head_rows(matches)
        self._head_cache = ([(pk, score) for pk, score, _total in rows], rows[0][2] if rows else 0)
        return self._head_cache

    def _window(self, config, start, stop) -> list[tuple[int, float]] | None:
        if stop is None:
            # Everything from `start` on (facets, list(results)): the stock compiler's subquery
            # scales to any number of matches; a window of ids would not.
            return None
        head_and_total = self._head(config)
        if head_and_total is None:
            return None
        head, total = head_and_total
        start = start or 0
        if len(head) == total or stop <= len(head):
            return head[start:stop]
        matches = self._matches(config).order_by(*self._best_first("score", "object_pk"))
        return list(matches.values_list("object_pk", "score")[start:stop])

    def count(self, config) -> int | None:
        head_and_total = self._head(config)
        return None if head_and_total is None else head_and_total[1]

    def search(self, config, start, stop, score_field=None, **kwargs):
        """The window as a QuerySet (for callers of SearchResults.get_queryset())."""
        window = self._window(config, start, stop)
        if window is None:
            return super().search(config, start, stop, score_field=score_field, **kwargs)
        queryset = self.queryset.filter(pk__in=[pk for pk, _score in window])
        score_field = score_field or "_score"
        if window:
            score = Case(*(When(pk=pk, then=Value(value)) for pk, value in window), output_field=FloatField())
            queryset = queryset.annotate(**{score_field: score}).order_by(
                *self._best_first(score_field, "pk")
            )
        return queryset

    def window_objects(self, config, start, stop, score_field=None) -> list | None:
        """The window's objects, best first, loaded by primary key and put in order here (cheaper
        to build than the CASE-ordered QuerySet of search(), which the results page doesn't need)."""
        window = self._window(config, start, stop)
        if window is None:
            return None
        if not window:
            return []
        objects = {obj.pk: obj for obj in self.queryset.order_by().filter(pk__in=[pk for pk, _ in window])}
        results = []
        for pk, score in window:
            obj = objects.get(pk)
            if obj is None:  # deleted or unpublished between the two queries
                continue
            if score_field:
                setattr(obj, score_field, score)
            results.append(obj)
        return results


class RankedResultsMixin:
    """SearchResults mixin for RankedHeadCompilerMixin compilers (autocomplete keeps the stock ones)."""

    def _do_search(self):
        loader = getattr(self.query_compiler, "window_objects", None)
        config = self.query_compiler.get_config(self.backend)
        results = loader(config, self.start, self.stop, score_field=self._score_field) if loader else None
        return super()._do_search() if results is None else results

    def _do_count(self):
        counter = getattr(self.query_compiler, "count", None)
        count = counter(self.query_compiler.get_config(self.backend)) if counter else None
        return super()._do_count() if count is None else count
