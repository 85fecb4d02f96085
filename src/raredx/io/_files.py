from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO


def open_text(path: Path) -> IO[str]:
    """Open a text file, transparently gunzipping ``.gz`` files."""
    if str(path).endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def open_binary(path: Path) -> IO[bytes]:
    if str(path).endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")
