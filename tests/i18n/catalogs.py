"""Reading the compiled Japanese catalogs: ours and those of the apps we install (Wagtail, Django)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import django
import wagtail
from django.apps import apps
from django.conf import settings

from tests.i18n.project_strings import PROJECT_APPS

CONTEXT_SEPARATOR = "\x04"


def read_mo(path: Path) -> dict[str, str]:
    """msgid -> msgstr (the singular form for plurals; "context\\x04msgid" for a context)."""
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    found = {}
    for key, value in catalog.items():
        if isinstance(key, tuple):  # (msgid, plural index)
            if key[1] != 0:
                continue
            key = key[0]
        if key:
            found[key] = value
    return found


def our_catalogs() -> dict[str, dict[str, str]]:
    root = Path(settings.BASE_DIR)
    paths = [root / app / "locale/ja/LC_MESSAGES/django.mo" for app in PROJECT_APPS]
    paths += [Path(p) / "ja/LC_MESSAGES/django.mo" for p in settings.LOCALE_PATHS]
    return {str(path.relative_to(root)): read_mo(path) for path in paths if path.exists()}


def their_translations() -> dict[str, tuple[str, str]]:
    """What staff would read for each context-less msgid without our catalogs: Django merges the
    installed apps' catalogs so that an app listed earlier in INSTALLED_APPS wins, Django's own last.
    msgid -> (msgstr, app label)."""
    effective: dict[str, tuple[str, str]] = {}
    sources = [
        (config.label, Path(config.path) / "locale/ja/LC_MESSAGES/django.mo")
        for config in apps.get_app_configs()
        if config.name.split(".")[0] not in PROJECT_APPS
    ]
    sources.append(("django", Path(django.__file__).parent / "conf/locale/ja/LC_MESSAGES/django.mo"))
    for label, path in sources:
        if not path.exists():
            continue
        for msgid, msgstr in read_mo(path).items():
            if CONTEXT_SEPARATOR not in msgid and msgstr and msgid not in effective:
                effective[msgid] = (msgstr, label)
    return effective


def _po_msgids(path: Path) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every entry of a .po file (a small reader: Wagtail's English catalogs)."""
    found: set[tuple[str | None, str]] = set()
    context, msgid, target = None, None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgctxt "):
            context, target = ast.literal_eval(line[8:]), "context"
        elif line.startswith("msgid "):
            msgid, target = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith('"') and target == "msgid":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and target == "context":
            context += ast.literal_eval(line)
        elif line.startswith("msgstr") or line.startswith("msgid_plural"):
            if msgid and target == "msgid":
                found.add((context, msgid))
            target = None
            if line.startswith("msgstr"):
                context = None
    return found


def wagtail_msgids() -> set[tuple[str | None, str]]:
    """Every message Wagtail marks for translation, from its English catalogs (which list them all;
    its Japanese ones leave out what no one has translated yet)."""
    root = Path(wagtail.__file__).parent
    found: set[tuple[str | None, str]] = set()
    for path in root.glob("**/locale/en/LC_MESSAGES/django.po"):
        found |= _po_msgids(path)
    return found
