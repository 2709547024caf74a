"""Uploaded pictures opened safely: Pillow reads the bytes (never the file name), a picture with
more pixels than a photograph has is refused before it is decoded (a decompression bomb), and
anything Pillow cannot read is one error. Bulletin images and receipt photos both use it, each
turning the errors into its own message next to its field."""

from __future__ import annotations

import io
import warnings

#: more pixels than this is a decompression bomb, not a photograph.
MAX_PIXELS = 40_000_000


class UnusableImage(ValueError):
    """The upload cannot be used as a picture."""


class UnreadableImage(UnusableImage):
    """Pillow cannot read the upload as a picture."""


class UnwantedFormat(UnusableImage):
    """A picture, but not in one of the formats asked for."""


class ImageTooLarge(UnusableImage):
    """More pixels than MAX_PIXELS."""


def decode_image(data: bytes, formats: frozenset[str] | None = None):
    """The picture in ``data``, fully loaded. Raises UnwantedFormat when its Pillow format is not
    in ``formats`` (if given), ImageTooLarge beyond MAX_PIXELS, UnreadableImage otherwise."""
    # Pillow is loaded on first use: the sender and scheduler processes never need it.
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if formats is not None and image.format not in formats:
                raise UnwantedFormat(image.format)
            if image.width * image.height > MAX_PIXELS:
                raise ImageTooLarge(f"{image.width} x {image.height}")
            image.load()
    except UnusableImage:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UnreadableImage(str(error)) from error
    return image
