"""Same input, same bytes: rewrite an Office zip package with fixed member timestamps.

openpyxl and python-docx stamp every zip member with the current time, so two renders of one ledger
differ byte for byte and ``make`` or a diff cannot tell that nothing changed.  Members keep their
order and content; only the timestamp and attributes are fixed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes, patches: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Rewrite with fixed timestamps; ``patches`` may rewrite named members on the way."""
    patches = patches or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read(item.filename)
            if item.filename in patches:
                content = patches[item.filename](content)
            target.writestr(info, content)
    return out.getvalue()
