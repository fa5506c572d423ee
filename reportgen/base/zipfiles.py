"""Same input, same bytes: rewrite a zip package (.docx, .xlsx) with fixed member timestamps.

openpyxl and python-docx stamp every zip member with the current time, so two writes of one ledger
or report differ byte for byte and ``make``, a batch's skip-unchanged check or a diff cannot tell
that nothing changed.  A leaf module, because both the renderers and the Excel ledger writer need it.
"""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes) -> bytes:
    """Rewrite with fixed timestamps, keeping member order and content."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
