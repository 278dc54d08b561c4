"""Every interface string of the project's own apps, found by introspection (not by a list), so a
label added tomorrow is checked the day it exists. Used by tests/i18n/test_translations.py."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from wagtail import blocks
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.fields import StreamField

#: The project's own apps (cms is the project package: settings, templates, no models).
PROJECT_APPS = ("crm", "home", "search", "accounts", "cms", "core")
#: Modules not imported to look for forms: demo content, migrations, the command line and tests, and
#: the search backends (no interface strings; each one loads only on its own database: the SQLite one
#: needs a model that exists only when SQLite is the database).
SKIPPED_MODULE_PARTS = (
    "migrations",
    "demo",
    "management",
    "tests",
    "settings",
    "wsgi",
    "gunicorn",
    "backends",
)

Found = tuple[str, Any]  # (where, text)


def _is_project(module_name: str) -> bool:
    return module_name.split(".")[0] in PROJECT_APPS


def import_project_modules() -> None:
    """Import every module of the project apps, so every form and block class is defined."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if any(part in SKIPPED_MODULE_PARTS for part in info.name.split(".")):
                continue
            importlib.import_module(info.name)


def _choices(where: str, choices) -> Iterator[Found]:
    for value, label in choices or ():
        if isinstance(label, (list, tuple)):  # an option group
            yield f"{where} group {value}", value
            yield from _choices(where, label)
        elif value not in ("", None):  # the empty choice is "---------", written the same everywhere
            yield f"{where} choice {value!r}", label


def model_strings() -> Iterator[Found]:
    for app in PROJECT_APPS:
        try:
            config = apps.get_app_config(app)
        except LookupError:
            continue
        for model in config.get_models():
            name = model._meta.label
            yield f"{name} verbose_name", model._meta.verbose_name
            yield f"{name} verbose_name_plural", model._meta.verbose_name_plural
            for field in model._meta.local_fields + model._meta.local_many_to_many:
                if field.auto_created or field.name.endswith("_ptr"):
                    continue
                where = f"{name}.{field.name}"
                yield f"{where} verbose_name", field.verbose_name
                if field.help_text:
                    yield f"{where} help_text", field.help_text
                yield from _choices(where, field.choices)


def _walk_block(block, path: str) -> Iterator[tuple[str, blocks.Block]]:
    yield path, block
    for name, child in getattr(block, "child_blocks", {}).items():
        yield from _walk_block(child, f"{path}.{name}")
    if isinstance(block, blocks.ListBlock):
        yield from _walk_block(block.child_block, f"{path}[]")


def block_strings() -> Iterator[Found]:
    for app in PROJECT_APPS:
        try:
            config = apps.get_app_config(app)
        except LookupError:
            continue
        for model in config.get_models():
            for field in model._meta.local_fields:
                if not isinstance(field, StreamField):
                    continue
                stream = field.stream_block
                for path, block in _walk_block(stream, f"{model._meta.label}.{field.name}"):
                    if block is stream:
                        continue
                    yield f"{path} label", block.meta.label
                    if getattr(block.meta, "help_text", None):
                        yield f"{path} help_text", block.meta.help_text
                    args = getattr(block, "_constructor_args", ((), {}))[1]
                    choices = args.get("choices")
                    if choices and not callable(choices):
                        yield from _choices(path, choices)


def _subclasses(cls) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_strings() -> Iterator[Found]:
    seen = set()
    for form_class in _subclasses(forms.BaseForm):
        if form_class in seen or not _is_project(form_class.__module__):
            continue
        seen.add(form_class)
        yield from _form_class_strings(f"{form_class.__module__}.{form_class.__qualname__}", form_class)


def _form_class_strings(prefix: str, form_class) -> Iterator[Found]:
    for name, field in getattr(form_class, "base_fields", {}).items():
        where = f"{prefix}.{name}"
        if field.label:
            yield f"{where} label", field.label
        if field.help_text:
            yield f"{where} help_text", field.help_text
        choices = getattr(field, "_choices", None)
        if isinstance(field, forms.ModelChoiceField):
            continue  # rows from the database, not interface strings
        if choices and not callable(choices):
            yield from _choices(where, choices)


def project_viewsets() -> list[ModelViewSet]:
    if not admin_viewsets.viewsets:
        admin_viewsets.populate()
    return [vs for vs in admin_viewsets.viewsets if _is_project(type(vs).__module__)]


def _index_view(viewset):
    # As ViewSet.construct_view builds it: only the arguments the view knows and the viewset set.
    view_class = viewset.index_view_class
    kwargs = {**viewset.get_common_view_kwargs(), **viewset.get_index_view_kwargs()}
    kwargs = {k: v for k, v in kwargs.items() if hasattr(view_class, k) and v is not viewset.UNDEFINED}
    return view_class(**kwargs)


def viewset_strings() -> Iterator[Found]:
    for viewset in project_viewsets():
        where = f"{type(viewset).__qualname__} {getattr(viewset, 'name', '')}"
        if getattr(viewset, "menu_label", None):
            yield f"{where} menu_label", viewset.menu_label
        model = getattr(viewset, "model", None)
        if model is None or not _is_project(model.__module__) or not hasattr(viewset, "index_view_class"):
            continue
        view = _index_view(viewset)
        for column in getattr(view, "list_display", None) or ():
            if isinstance(column, str):
                if column == "__str__":
                    continue
                try:
                    yield f"{where} list_display {column}", label_for_field(column, model)
                except (AttributeError, FieldDoesNotExist):
                    yield f"{where} list_display {column}", column
            else:
                yield f"{where} list_display {column.name}", column.label
        filterset_class = getattr(view, "filterset_class", None)
        if isinstance(filterset_class, type):
            for name, filter_ in filterset_class.base_filters.items():
                label = filter_.label
                if label is None:
                    try:
                        label = model._meta.get_field(filter_.field_name).verbose_name
                    except FieldDoesNotExist:
                        label = name
                yield f"{where} filter {name}", label
                choices = filter_.extra.get("choices")
                if choices and not callable(choices):
                    yield from _choices(f"{where} filter {name}", choices)
        for name in getattr(viewset, "inspect_view_fields", None) or ():
            try:
                yield f"{where} inspect {name}", label_for_field(name, model)
            except (AttributeError, FieldDoesNotExist):
                yield f"{where} inspect {name}", name
        yield from _form_class_strings(f"{where} form", viewset.get_form_class())
        list_export = getattr(view, "list_export", None)
        if isinstance(list_export, (list, tuple)) and hasattr(view, "get_heading"):
            for name in list_export:
                yield f"{where} export {name}", _LazyHeading(view.get_heading, model, name)


class _LazyHeading:
    """An export heading computed in whatever language is active when it is turned into text."""

    def __init__(self, heading, model: type[models.Model], name: str):
        self.heading, self.model, self.name = heading, model, name

    def __str__(self) -> str:
        return str(self.heading(self.model.objects.none(), self.name))


def all_strings() -> list[Found]:
    import_project_modules()
    return [
        *model_strings(),
        *block_strings(),
        *form_strings(),
        *viewset_strings(),
    ]
