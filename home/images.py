"""Batch rendition lookups so a page with many logos costs at most one query, not one per image."""

import copy
from collections.abc import Iterable

from wagtail.images import get_image_model
from wagtail.images.models import Filter


def prefetch_renditions(images: Iterable, *specs: str) -> None:
    """Make sure rendering ``images`` with any of ``specs`` needs at most one query in total.

    Images whose renditions Wagtail already keeps in the rendition cache are left alone (Wagtail
    reads them from the cache without SQL); the rest get their renditions loaded in one query
    and attached as ``prefetched_renditions``, which the ``{% image %}`` tag looks at first.
    A rendition that does not exist yet is still generated on demand.
    """
    # The same image often appears more than once (the hero is also the og:image, a logo is shown
    # by two snippets) as separate instances: every instance gets the renditions, not just one.
    instances: dict[int, list] = {}
    for image in images:
        if image is not None:
            instances.setdefault(image.pk, []).append(image)
    images = [same[0] for same in instances.values()]
    if not images or not specs:
        return
    rendition_model = get_image_model().get_rendition_model()
    filters = [Filter(spec=spec) for spec in specs]

    keys_by_image = {
        image.pk: [
            rendition_model.construct_cache_key(image, f.get_cache_key(image), f.spec) for f in filters
        ]
        for image in images
    }
    found = rendition_model.cache_backend.get_many([key for keys in keys_by_image.values() for key in keys])
    missing = [image for image in images if not any(key in found for key in keys_by_image[image.pk])]
    if not missing:
        return

    by_image: dict[int, list] = {image.pk: [] for image in missing}
    for rendition in rendition_model.objects.filter(image_id__in=by_image, filter_spec__in=specs):
        by_image[rendition.image_id].append(rendition)
    for image in missing:
        for instance in instances[image.pk]:
            renditions = [copy.copy(rendition) for rendition in by_image[image.pk]]
            for rendition in renditions:
                # The <img> tag reads rendition.image for alt text; without this it is one query each.
                rendition.image = instance
            instance.prefetched_renditions = renditions


def attach_images(pairs: Iterable[tuple[object, str]]) -> list:
    """Fetch the images behind several (object, ForeignKey field name) pairs in one query.

    Returns the images, so the caller can prefetch their renditions together.
    """
    pairs = [(obj, field) for obj, field in pairs if obj is not None and getattr(obj, f"{field}_id", None)]
    if not pairs:
        return []
    images = get_image_model().objects.in_bulk({getattr(obj, f"{field}_id") for obj, field in pairs})
    for obj, field in pairs:
        image = images.get(getattr(obj, f"{field}_id"))
        if image is not None:
            setattr(obj, field, image)
    return list(images.values())
