"""``reportgen.Picture``: a PNG or JPEG a caller puts in a ``Template`` context, read as the untrusted
bytes it is.

A context comes from anyone's data (a web upload, a database row), and the picture ends up inside a
.docx that Word, WPS and LibreOffice open, so only what those read safely is taken: a PNG or a
baseline/progressive JPEG, recognised by its signature *and* a header giving a sensible size, at most
``MAX_PICTURE_BYTES``, each side ``MIN_PIXELS``–``MAX_PIXELS`` — the 印章 reader's bounds
(``ledger.seal``), for the same reasons, but for a smaller floor (a logo is smaller than a seal).
Anything else is RG313 when the ``Picture`` is made, before any template sees it.  The checks read
headers only: no image library decodes untrusted pixels.  (``png_size`` is the 印章 reader's, which
the render layer may not import; the seal could use this one.)

The size on the page is given in millimetres (``int`` or ``Decimal``, never a float: the same bytes
for the same context); one side given, the other keeps the picture's proportions; none given, the
picture is set at 96 dpi and scaled down to ``DEFAULT_MAX_WIDTH_MM`` (GB/T 9704's 版心 is 156 mm).
A leaf module, light to import: making a ``Picture`` loads neither lxml nor the template engine.
"""

from __future__ import annotations

import os
import struct
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.inputfile import read_input

MAX_PICTURE_BYTES = 2 * 1024 * 1024  # as the 印章's: a photo for a report, not a camera original
# The 印章's 64 px floor is about a seal printed 42 mm wide; a logo 57 px tall set 10 mm high (docxtpl's
# own inline_image test) is a picture a report means.  Below 16 px it is a spacer or a tracking pixel.
MIN_PIXELS = 16
MAX_PIXELS = 4000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
MM_EMU = 36000  # English Metric Units per millimetre (DrawingML sizes)
DEFAULT_DPI = 96
DEFAULT_MAX_WIDTH_MM = 156  # GB/T 9704's 版心: a picture given no size never runs past the margin
MAX_SIDE_MM = 1000  # a page is at most A0 (841 × 1189 mm)
EXPECTED = f"PNG 或 JPEG 图片，不超过 {MAX_PICTURE_BYTES // 2**20} MiB，边长 {MIN_PIXELS}～{MAX_PIXELS} 像素"
SIZE_EXPECTED = f"以毫米计的整数或 Decimal，大于 0、不超过 {MAX_SIDE_MM}，如 width_mm=60"
DEFAULT_NAME = "<图片>"  # the file a message names when the picture came as bytes

# JPEG's start-of-frame markers (the ones that carry the size); C4, C8 and CC are other segments.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class Picture:
    """A PNG or JPEG for a ``reportgen.Template``: ``{{ 照片 }}`` in a paragraph prints it inline.

    ``source`` is the image's bytes or a path to it; ``width_mm``/``height_mm`` its size on the page.
    Checked when made (RG313: not a PNG or JPEG, too large, too small, a bad size); printed by a
    template as an inline picture of that size — never as text or XML the data could shape."""

    __slots__ = ("data", "format", "name", "pixels", "size_emu")

    def __init__(
        self,
        source: bytes | str | os.PathLike[str],
        width_mm: int | Decimal | None = None,
        height_mm: int | Decimal | None = None,
    ) -> None:
        if isinstance(source, str | os.PathLike):
            self.name = os.fspath(source)
            data = read_input(
                source, limit=MAX_PICTURE_BYTES, error=TemplateError, code="RG313", expected=EXPECTED
            )
        elif isinstance(source, bytes | bytearray | memoryview):
            self.name, data = DEFAULT_NAME, bytes(source)
        else:
            raise _refused(
                DEFAULT_NAME, f"图片不能是 {type(source).__name__}", "图片的字节（bytes）或文件路径"
            )
        if len(data) > MAX_PICTURE_BYTES:
            raise _refused(self.name, f"图片有 {len(data)} 字节", EXPECTED)
        header = picture_header(data)
        if header is None:
            raise _refused(self.name, "不是 PNG 或 JPEG 图片（文件头不符）", EXPECTED)
        kind, width, height = header
        if not (MIN_PIXELS <= width <= MAX_PIXELS and MIN_PIXELS <= height <= MAX_PIXELS):
            raise _refused(self.name, f"图片为 {width}×{height} 像素", EXPECTED)
        self.data, self.format, self.pixels = data, kind, (width, height)
        self.size_emu = _size_emu(self.name, width, height, width_mm, height_mm)

    @property
    def extension(self) -> str:
        """The media member's extension, which ``[Content_Types].xml`` maps to the image type."""
        return self.format

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"

    def __repr__(self) -> str:
        width, height = self.size_emu
        return f"Picture({self.name!r}, {self.format}, {width / MM_EMU:.1f}×{height / MM_EMU:.1f} mm)"


def picture_header(data: bytes) -> tuple[str, int, int] | None:
    """``("png" | "jpeg", width, height)`` from the header, or None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        size = png_size(data)
        return None if size is None else ("png", *size)
    if data.startswith(JPEG_SIGNATURE):
        size = jpeg_size(data)
        return None if size is None else ("jpeg", *size)
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk (the first one, by the format), else None."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's start-of-frame segment, walking the segments from the start
    (each says its length, so the walk ends within the data); None when there is none or the data
    is cut short."""
    if not data.startswith(JPEG_SIGNATURE):
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes before a marker
            at += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, or the scan began before any frame header
            return None
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if at + 9 > len(data) or length < 7:
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


def _size_emu(
    name: str, width_px: int, height_px: int, width_mm: int | Decimal | None, height_mm: int | Decimal | None
) -> tuple[int, int]:
    """The size on the page in EMU, rounded half up once: as given, one side from the other by the
    picture's proportions, or 96 dpi scaled down to ``DEFAULT_MAX_WIDTH_MM``."""
    width = _millimetres(name, "width_mm", width_mm)
    height = _millimetres(name, "height_mm", height_mm)
    if width is None and height is None:
        width = min(Decimal(width_px) * Decimal("25.4") / DEFAULT_DPI, Decimal(DEFAULT_MAX_WIDTH_MM))
    if width is None:
        assert height is not None
        width = height * width_px / height_px
    if height is None:
        height = width * height_px / width_px
    return _emu(width), _emu(height)


def _millimetres(name: str, label: str, value: int | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _refused(name, f"{label} 不能是 {type(value).__name__}（{value!r}）", SIZE_EXPECTED)
    number = Decimal(value)
    if not number.is_finite() or not 0 < number <= MAX_SIDE_MM:
        raise _refused(name, f"{label} 为 {value}", SIZE_EXPECTED)
    return number


def _emu(millimetres: Decimal) -> int:
    return max(1, int((millimetres * MM_EMU).to_integral_value(ROUND_HALF_UP)))


def _refused(name: str, message: str, expected: str) -> TemplateError:
    return TemplateError(Problem("RG313", message, file=Path(name), expected=expected))
