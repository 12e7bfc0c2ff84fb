"""Checking and cleaning uploaded posture photos.

Every photo is decoded fully (a truncated or corrupt file fails here), turned upright from
its orientation tag, and re-encoded without any metadata: EXIF (camera, time, GPS), XMP and
ICC profiles are all dropped. HEIC photos from phones are read through pillow-heif and stored
as JPEG.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF support is optional at run time.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover
    HEIC = False

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""40 megapixels: above any phone camera (a 200-megapixel sensor saves 12.5 MP by default),
far below what a decompression bomb needs. Checked from the header, before any pixel is
decoded; at most 160 MB of memory for the decoded image."""
LONG_EDGE = 4000  # larger photos are scaled down; landmarks need no more
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "HEIF": "jpg", "HEIC": "jpg", "MPO": "jpg"}


class PhotoRejected(ValueError):
    """The upload is not a usable photo; the message says why, in plain words."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    extension: str
    width: int
    height: int


def _read(upload: UploadedFile[bytes]) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PhotoRejected(
            f"The photo is {upload.size / 1024 / 1024:.1f} MB; the limit is 15 MB. "
            "Export it at a smaller size and try again."
        )
    data: bytes = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRejected("The photo is larger than 15 MB.")
    if not data:
        raise PhotoRejected("The file is empty.")
    return data


def _load_whole(image: Image.Image) -> None:
    """Decode every pixel, so truncated or corrupt data fails here.

    WeasyPrint switches Pillow to accepting truncated images for the whole process when it
    is imported (for the PDFs); an upload must never be accepted half-copied.
    """
    accepting = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accepting


def clean_photo(upload: UploadedFile[bytes]) -> CleanPhoto:
    """The photo re-encoded without metadata, or ``PhotoRejected`` saying why."""
    data = _read(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            kind = (image.format or "").upper()
            if kind not in ACCEPTED:
                raise PhotoRejected(
                    f"{kind or 'This'} files are not accepted: upload a JPEG, PNG or HEIC photo."
                )
            pixels = image.width * image.height
            if pixels > MAX_PIXELS:
                raise PhotoRejected(
                    f"The photo is {image.width} × {image.height} pixels "
                    f"({pixels / 1_000_000:.1f} megapixels); the limit is "
                    f"{MAX_PIXELS // 1_000_000} megapixels. Export it at a smaller size."
                )
            if kind in ("JPEG", "MPO") and max(image.size) > LONG_EDGE:
                # JPEG decodes at 1/2, 1/4 or 1/8 scale directly: less memory and time
                # for a photo that would be scaled down anyway.
                image.draft("RGB", (LONG_EDGE, LONG_EDGE))
            _load_whole(image)
    except PhotoRejected:
        raise
    except UnidentifiedImageError:
        raise PhotoRejected(
            "This file is not an image we can read: upload a JPEG, PNG or HEIC photo."
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise PhotoRejected(
            "The image is damaged or incomplete (it may have been cut off while copying)."
        ) from None
    image = ImageOps.exif_transpose(image) or image
    if max(image.size) > LONG_EDGE:
        image.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
    extension = ACCEPTED[kind]
    out = io.BytesIO()
    if extension == "png":
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        # A fresh image carries no text chunks, EXIF or ICC profile.
        bare = Image.new(image.mode, image.size)
        bare.paste(image)
        bare.save(out, format="PNG", optimize=True)
    else:
        rgb = image.convert("RGB")
        bare = Image.new("RGB", rgb.size)
        bare.paste(rgb)
        bare.save(out, format="JPEG", quality=90)
    return CleanPhoto(out.getvalue(), extension, image.width, image.height)
