"""Every admin URL, generated from the URL configuration, with its parameters filled from real rows.

Nothing here lists screens by hand: a new viewset, snippet, page type or setting is crawled the day it
is registered. Only URLs that are not screens a person opens are named, in SKIPPED, each with why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Collection, Page, Revision, Task, Workflow, get_page_models
from wagtail.snippets.models import get_snippet_models

ADMIN_PREFIX = "admin/"
XLSX_MAX_ROWS = 1000

# Not visited at all: not a screen, or visiting it would change what the crawl measures.
SKIPPED = {
    "wagtailadmin_logout": "logs the crawling user out",
    "wagtailadmin_error_test": "Wagtail's deliberate 500 (/admin/failwhale/)",
    "wagtailadmin_password_reset_confirm": "needs a token from a reset email",
    "wagtail_bulk_action": "needs the ids of the chosen rows in the query string (JavaScript listing action)",
    "wagtailadmin_editing_sessions:ping": "JSON heartbeat of an open editor, POST with a session",
    "wagtailadmin_editing_sessions:release": "JSON, POST with a session",
    "wagtailadmin_api:pages:action": "JSON API, POST only",
    # Workflow screens need a page in moderation; the site publishes without workflows (see
    # crm/services/groups.py), so there is no task state to open.
    "wagtailadmin_pages:workflow_action": "needs a page in moderation",
    "wagtailadmin_pages:collect_workflow_action_data": "needs a page in moderation",
    "wagtailadmin_pages:workflow_preview": "needs a page in moderation",
    "wagtailadmin_pages:workflow_history_detail": "needs a page in moderation",
    # Steps of the multiple-upload widget, fed by its JavaScript with a just-uploaded file.
    "wagtailimages:create_multiple_from_uploaded_image": "upload widget step",
    "wagtailimages:delete_upload_multiple": "upload widget step",
    "wagtaildocs:create_multiple_from_uploaded_document": "upload widget step",
    "wagtaildocs:delete_upload_multiple": "upload widget step",
}

# Visited, and must never answer 500, but a 200 is not required: JSON, redirects and POST-only actions.
NOT_SCREENS = {
    "wagtailadmin_api:pages:listing", "wagtailadmin_api:pages:detail", "wagtailadmin_api:pages:find",
    "wagtailadmin_api:documents:listing", "wagtailadmin_api:documents:detail", "wagtailadmin_api:documents:find",
    "wagtailadmin_api:images:listing", "wagtailadmin_api:images:detail", "wagtailadmin_api:images:find",
    "wagtailadmin_tag_autocomplete", "wagtailadmin_tag_model_autocomplete",
    "wagtailadmin_dismissibles", "wagtailadmin_block_preview", "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}  # fmt: skip


@dataclass(frozen=True)
class AdminURL:
    name: str
    url: str
    model: type[models.Model] | None
    # "crm": fundraisers only; "content": pages, snippets, images, documents; "site": settings of the site.
    area: str

    @property
    def is_screen(self) -> bool:
        return self.name not in NOT_SCREENS and self.name.rsplit(":", 1)[-1] not in _ACTION_ONLY

    def __str__(self) -> str:
        return f"{self.name} {self.url}"


# Views whose GET only confirms or redirects elsewhere: checked for "no 500", not for a 200.
_ACTION_ONLY = {"chosen", "chosen_multiple", "select_format", "enable", "enable_task", "remove", "unschedule"}


@dataclass(frozen=True)
class _Pattern:
    name: str
    params: tuple[str, ...]
    route: str
    callback: object


def _walk(resolver: URLResolver, route: str = "", namespace: str = "", params: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        level = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, route + str(entry.pattern), inner, params + level)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield _Pattern(
                name=name, params=params + level, route=route + str(entry.pattern), callback=entry.callback
            )


def admin_patterns() -> list[_Pattern]:
    return [p for p in _walk(get_resolver()) if p.route.startswith(ADMIN_PREFIX)]


def _model_of(pattern: _Pattern) -> type[models.Model] | None:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return None
    initkwargs = getattr(pattern.callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model")
    if model is None:
        try:
            model = view_class(**initkwargs).model
        except Exception:  # a view that cannot be built without a request names no model
            return None
    if isinstance(model, str):
        model = apps.get_model(model)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


FIXED_PARAMS: dict[str, dict[str, object]] = {
    "crm_mailings:labels": {"per_sheet": 12},
    "crm_reports:chart_csv": {"chart": "members"},
    "crm_reports:save_segment": {"report": "lybunt"},
}
PAGE_PARAMS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}


class Filler:
    """Chooses real rows for URL parameters: one page of every page type, the first row of a model."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        seen: set[type] = set()
        for page in Page.objects.filter(depth__gt=1).order_by("path").specific():
            if type(page) not in seen:
                seen.add(type(page))
                self.pages.append(page)
        self.missing: set[str] = set()  # pattern names that found no row to open
        # A function view inside a viewset (segment export, push) opens a row of the viewset's model.
        self.namespace_models: dict[str, type[models.Model]] = {
            "wagtailadmin_api:images": _image_model(),
            "wagtailadmin_api:documents": _document_model(),
            "donor_import": apps.get_model("crm", "DonorImportJob"),  # a plain ViewSet names no model
        }
        for pattern in admin_patterns():
            namespace = pattern.name.rsplit(":", 1)[0]
            if (
                ":" in pattern.name
                and namespace not in self.namespace_models
                and (model := _model_of(pattern))
            ):
                self.namespace_models[namespace] = model

    @staticmethod
    def row(model: type[models.Model]) -> models.Model | None:
        queryset = model._default_manager.order_by("pk")
        if issubclass(model, (Page, Collection)):
            queryset = queryset.filter(depth__gt=1)  # the root is no screen: it cannot be edited
        return queryset.first()

    @staticmethod
    def row_with_revision(model: type[models.Model]) -> models.Model | None:
        revision = (
            Revision.objects.filter(content_type=ContentType.objects.get_for_model(model))
            .order_by("pk")
            .first()
        )
        return model._default_manager.filter(pk=revision.object_id).first() if revision else None

    def kwargs_for(self, pattern: _Pattern, model: type[models.Model] | None) -> list[dict]:
        params = set(pattern.params)
        if not params:
            return [{}]
        short = pattern.name.rsplit(":", 1)[-1]
        if {"content_type_app_name", "content_type_model_name"} <= params or short == "choose_parent":
            return self._page_type_kwargs(pattern, params)
        if params & PAGE_PARAMS:
            return self._page_kwargs(pattern, params)
        if pattern.name.startswith(("wagtailadmin_pages:", "wagtailadmin_api:pages:")) and "pk" in params:
            return self._page_kwargs(pattern, params)
        if pattern.name.startswith("wagtailsettings:"):
            return [
                {"app_name": m._meta.app_label, "model_name": m._meta.model_name}
                | ({"pk": m.load().pk} if "pk" in params else {})
                for m in settings_registry
            ]
        if pattern.name == "wagtailadmin_tag_model_autocomplete":
            return [{"app_name": "taggit", "model_name": "tag"}]
        if pattern.name == "wagtailadmin_workflows:add_task":
            return [{"app_label": "wagtailcore", "model_name": "groupapprovaltask"}]
        if pattern.name == "simple_translation:submit_snippet_translation":
            return [
                {"app_label": m._meta.app_label, "model_name": m._meta.model_name, "pk": obj.pk}
                for m in get_snippet_models()
                if hasattr(m, "locale") and (obj := self.row(m)) is not None
            ]
        if pattern.name in FIXED_PARAMS:
            # Parameters that name a kind, not a row: one value each is enough to open the screen.
            fixed = FIXED_PARAMS[pattern.name]
            rest = params - set(fixed)
            if not rest:
                return [dict(fixed)]
            model = model or self.namespace_models.get(pattern.name.rsplit(":", 1)[0])
            obj = self.row(model) if model is not None else None
            return [dict(fixed) | {next(iter(rest)): obj.pk}] if obj is not None else []
        if "filter_spec" in params:
            image = self.row(_image_model())
            return [{"image_id": image.pk, "filter_spec": "fill-100x100"}] if image else []
        id_param = next(iter(params - {"revision_id", "revision_id_a", "revision_id_b"}))
        target = model or self.namespace_models.get(pattern.name.rsplit(":", 1)[0])
        target = target or _MODEL_BY_PARAM.get(id_param, lambda: None)()
        if pattern.name.startswith("wagtailadmin_workflows:"):
            target = Task if "task" in short else Workflow
        if target is None:
            return []
        if id_param == "task_id" or (target is Task):
            target = Task
        if target is Workflow or issubclass(target, Workflow):
            target = Workflow
        obj = self.row(target) if "revision_id" not in params else self.row_with_revision(target)
        if obj is None:
            return []
        kwargs = {id_param: obj.pk}
        return [kwargs | _revision_kwargs(obj, params)] if params - {id_param} else [kwargs]

    def _page_kwargs(self, pattern: _Pattern, params: set[str]) -> list[dict]:
        combos = []
        for page in self.pages:
            kwargs: dict = {}
            for name in params & (PAGE_PARAMS | {"pk"}):
                kwargs[name] = page.pk
            if "destination_id" in params:
                kwargs["destination_id"] = page.get_parent().pk
            if "workflow_pk" in params:
                workflow = Workflow.objects.order_by("pk").first()
                if workflow is None:
                    continue
                kwargs["workflow_pk"] = workflow.pk
            kwargs |= _revision_kwargs(page, params)
            combos.append(kwargs)
        return combos

    def _page_type_kwargs(self, pattern: _Pattern, params: set[str]) -> list[dict]:
        combos = []
        for page_model in get_page_models():
            if page_model is Page:
                continue
            meta = page_model._meta
            if "content_type_app_name" in params:
                kwargs = {"content_type_app_name": meta.app_label, "content_type_model_name": meta.model_name}
            else:
                kwargs = {"app_label": meta.app_label, "model_name": meta.model_name}
            if "parent_page_id" in params:
                parent = next(
                    (p for p in [Page.get_first_root_node(), *self.pages] if page_model.can_exist_under(p)),
                    None,
                )
                if parent is None:
                    continue
                kwargs["parent_page_id"] = parent.pk
            combos.append(kwargs)
        return combos

    def urls(self) -> Iterator[AdminURL]:
        for pattern in admin_patterns():
            if pattern.name in SKIPPED:
                continue
            model = _model_of(pattern)
            combos = self.kwargs_for(pattern, model)
            if not combos:
                self.missing.add(pattern.name)
            for kwargs in combos:
                url = reverse(pattern.name, kwargs=kwargs)
                area = _area(pattern, url, model, kwargs)
                yield AdminURL(name=pattern.name, url=url, model=model, area=area)
                if _has_export(pattern) and not pattern.name.endswith("results"):
                    # XLSX is built in memory: the demo's 20,000 donations take minutes; their
                    # columns and headings go through the same code as the CSV, which is streamed.
                    small = model is None or model._default_manager.count() <= XLSX_MAX_ROWS
                    for fmt in ("csv", "xlsx") if small else ("csv",):
                        yield AdminURL(
                            name=f"{pattern.name}?export", url=f"{url}?export={fmt}", model=model, area=area
                        )


def _has_export(pattern: _Pattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    initkwargs = getattr(pattern.callback, "view_initkwargs", {}) or {}
    return bool(view_class and (initkwargs.get("list_export") or getattr(view_class, "list_export", None)))


def _revision_kwargs(obj: models.Model, params: set[str]) -> dict:
    kwargs: dict = {}
    if "revision_id" in params:
        revision = Revision.objects.for_instance(obj).order_by("-created_at", "-pk").first()
        if revision is None:
            return {}
        kwargs["revision_id"] = revision.pk
    if "revision_id_a" in params:
        kwargs |= {"revision_id_a": "earliest", "revision_id_b": "latest"}
    return kwargs


def _image_model():
    from wagtail.images import get_image_model

    return get_image_model()


def _document_model():
    from wagtail.documents import get_document_model

    return get_document_model()


def _lazy(label: str):
    return lambda: apps.get_model(label)


_MODEL_BY_PARAM = {
    "image_id": _image_model,
    "document_id": _document_model,
    "doc_id": _document_model,
    "redirect_id": _lazy("wagtailredirects.Redirect"),
    "query_id": _lazy("wagtailsearchpromotions.Query"),
    "collection_id": _lazy("wagtailcore.Collection"),
    "task_id": _lazy("wagtailcore.Task"),
    "restriction_id": _lazy("wagtailcore.PageViewRestriction"),
}


def _area(pattern: _Pattern, url: str, model: type[models.Model] | None, kwargs: dict) -> str:
    # Pages are the communications staff's, whichever app defines the page type: the open-events
    # page (crm.EventPage) is a public page they write, and it shows no donor data.
    if pattern.name.startswith("wagtailadmin_pages:"):
        return "content"
    if url.startswith("/admin/crm/") or (model is not None and model._meta.app_label == "crm"):
        return "crm"
    if "crm" in (kwargs.get("app_name"), kwargs.get("app_label")):
        return "crm"
    content_namespaces = (
        "wagtailadmin_pages:",
        "wagtailimages",
        "wagtaildocs",
        "wagtailsnippets_",
        "wagtailsnippetchoosers_",
    )
    if pattern.name.startswith(content_namespaces) or pattern.name in {
        "wagtailadmin_explore",
        "wagtailadmin_explore_root",
    }:
        return "content"
    return "site"
