"""Uploaded images: checked before anything is stored; thumbnails made with sorl."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
IMAGES_PER_NOTE = 9


def image_max_bytes() -> int:
    return getattr(settings, "COMMUNITY_IMAGE_MAX_BYTES", 8 * 1024 * 1024)


def image_validate(upload) -> tuple[int, int]:
    """Refuse an oversized or non-image upload; answer its (width, height)."""
    name = getattr(upload, "name", "?")
    limit = image_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)d KB): at most %(max)d KB.")
            % {"name": name, "size": upload.size // 1024, "max": limit // 1024}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not an image (JPEG, PNG, WebP or GIF).") % {"name": name}
        ) from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(
            _("%(name)s is not an image (JPEG, PNG, WebP or GIF).") % {"name": name}
        )
    if size[0] * size[1] > 40_000_000:
        raise ValidationError(_("%(name)s has too many pixels.") % {"name": name})
    return size


def thumbnail_url(image_field, geometry: str, **options) -> str:
    from sorl.thumbnail import get_thumbnail

    return get_thumbnail(image_field, geometry, quality=82, **options).url
