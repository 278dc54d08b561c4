"""Japanese staff see Japanese in the page editor: every block, block field, choice and model field of
home has a translated label (walked by introspection, so a new block without one fails here)."""

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from wagtail import blocks
from wagtail.fields import StreamField


def _walk(block, path):
    yield path, block
    for name, child in getattr(block, "child_blocks", {}).items():
        yield from _walk(child, f"{path}.{name}")
    if isinstance(block, blocks.ListBlock):
        yield from _walk(block.child_block, f"{path}[]")


def _stream_blocks():
    for model in apps.get_app_config("home").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                yield f"{model.__name__}.{field.name}", field.stream_block


# Written the same in both languages on purpose.
SAME_IN_BOTH = {"URL"}
# Bookkeeping fields of Wagtail's mixins (translation, revisions, locking): not in our editors' panels.
WAGTAIL_MIXIN_FIELDS = {"translation_key", "locale", "latest_revision", "live_revision", "locked_by"}


def _in_japanese(text) -> str:
    with translation.override("ja"):
        return str(text)


def _in_english(text) -> str:
    with translation.override("en"):
        return str(text)


def test_every_block_label_help_text_and_choice_is_translated():
    untranslated = []
    for path, stream in _stream_blocks():
        for block_path, block in _walk(stream, path):
            if block is stream:
                continue
            texts = [("label", block.meta.label), ("help_text", getattr(block.meta, "help_text", None))]
            texts += [
                (f"choice {value}", label)
                for value, label in getattr(block, "_constructor_args", ((), {}))[1].get("choices", [])
            ]
            for what, text in texts:
                if not text:
                    continue
                if str(text) in SAME_IN_BOTH:
                    continue
                if not isinstance(text, Promise) or _in_japanese(text) == _in_english(text):
                    untranslated.append(f"{block_path} {what}: {text!s}")
    assert not untranslated, "\n".join(untranslated)


@pytest.mark.parametrize(
    "label", ["Heading", "Lead", "Tiers", "Count", "Unit", "Note", "Use live count", "Body"]
)
def test_the_labels_staff_reported_read_in_japanese(label):
    labels = {
        _in_english(block.meta.label): _in_japanese(block.meta.label)
        for _path, stream in _stream_blocks()
        for _block_path, block in _walk(stream, "")
    }
    fields = {
        _in_english(field.verbose_name).capitalize(): _in_japanese(field.verbose_name)
        for model in apps.get_app_config("home").get_models()
        for field in model._meta.fields
    }
    japanese = labels.get(label) or fields.get(label)
    assert japanese and japanese != label and japanese.isascii() is False


def test_every_model_field_of_home_has_a_translated_name():
    untranslated = []
    for model in apps.get_app_config("home").get_models():
        for field in model._meta.local_fields:
            if field.auto_created or field.name.endswith("_ptr") or field.name in WAGTAIL_MIXIN_FIELDS:
                continue
            if model._meta.label in {"home.StoryRegionTag", "home.StoryTopicTag"}:
                continue  # taggit's through tables: never shown to editors
            for what, text in (("verbose_name", field.verbose_name), ("help_text", field.help_text)):
                if text and (not isinstance(text, Promise) or _in_japanese(text) == _in_english(text)):
                    untranslated.append(f"{model.__name__}.{field.name} {what}: {text!s}")
            for value, label in field.choices or []:
                if _in_japanese(label) == _in_english(label):
                    untranslated.append(f"{model.__name__}.{field.name} choice {value}: {label!s}")
    assert not untranslated, "\n".join(untranslated)
