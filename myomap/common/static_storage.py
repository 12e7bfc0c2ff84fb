"""How static files are collected for WhiteNoise."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, compressing with gzip only and skipping source maps: brotli on
    the API docs' megabyte bundles made the first start of ``myomap serve`` take minutes."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        kwargs["extensions"] = (
            *(kwargs.get("extensions") or Compressor.SKIP_COMPRESS_EXTENSIONS),
            "map",
        )
        return Compressor(use_brotli=False, **kwargs)
