"""Batch rendition lookups so a page with many logos costs one query, not one per image."""

from collections.abc import Iterable

from wagtail.images import get_image_model


def prefetch_renditions(images: Iterable, *specs: str) -> None:
    """Load the existing renditions of all ``images`` for ``specs`` in a single query.

    Wagtail's ``{% image %}`` tag looks at ``prefetched_renditions`` first; a missing one is
    still generated on demand, so this only ever saves queries.
    """
    images = [image for image in images if image is not None]
    if not images or not specs:
        return
    rendition_model = get_image_model().get_rendition_model()
    by_image: dict[int, list] = {image.pk: [] for image in images}
    for rendition in rendition_model.objects.filter(image_id__in=by_image, filter_spec__in=specs):
        by_image[rendition.image_id].append(rendition)
    for image in images:
        image.prefetched_renditions = list(by_image[image.pk])


def attach_images(objects: Iterable, field: str, *specs: str) -> list:
    """Fetch the images behind ``field`` (a ForeignKey to an image) of ``objects`` at once.

    Returns the images, so the caller can prefetch renditions for several kinds of object together.
    """
    objects = [obj for obj in objects if obj is not None and getattr(obj, f"{field}_id", None)]
    if not objects:
        return []
    ids = {getattr(obj, f"{field}_id") for obj in objects}
    images = get_image_model().objects.in_bulk(ids)
    for obj in objects:
        image = images.get(getattr(obj, f"{field}_id"))
        if image is not None:
            setattr(obj, field, image)
    return list(images.values())
