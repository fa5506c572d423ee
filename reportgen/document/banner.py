"""The 版头 as the lines a page prints (GB/T 9704 7.2; docs/standards.md §9.19): what stands on each line,
and the size of the 发文机关标志, so every writer lays out the same 版头 and none decides its text.

Top down: 份号 (7.2.1), 密级★保密期限 (7.2.2), 紧急程度 (7.2.3), each flush left on a line of its own in
that order; the 发文机关标志 (7.2.4), red, centred, its top edge 35 mm below the 版心's, joint agencies
stacked with 文件 right of them; two empty lines, then the 发文字号 (7.2.5), centred, or for a document
with 签发人 (a 上行文, 7.2.6) flush left with 1 字 and on the line of the last 签发人, who stand right
with 1 字; a red rule under it (7.2.7).  The writers measure; this module only says what goes where.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.document.textwidth import display_width
from reportgen.model import Banner

SECRECY_MARK = "★"  # between 密级 and 保密期限 (9704 7.2.2): 秘密★1年
SIGNER_LABEL = "签发人："  # 3号仿宋, the names after it 3号楷体 (9704 7.2.6)
SIGNERS_PER_LINE = 2  # 9704 7.2.6: 一般每行排两个姓名
NAME_GAP = "\u3000"  # one full-width space between two names on a line
# The 发文机关标志's size is not fixed by 9704 (“以醒目、美观、庄重为原则”) [N]: 初号 (42 pt), or smaller so
# that the whole 标志 (joint names with their 文件) stays inside the 156 mm (442 pt) 版心.
MARK_MAX_PT = 42
MARK_MIN_PT = 22
BODY_WIDTH_PT = 442


@dataclass(frozen=True, slots=True)
class BannerLines:
    """The 版头 of a document, finished text: every writer prints exactly these."""

    copy_number: str  # 份号 ("" none)
    secrecy: str  # 密级★保密期限 ("" none)
    urgency: str  # 紧急程度 ("" none)
    agencies: tuple[str, ...]  # the 标志: one text, or joint agencies' names stacked (主办 first)
    suffix: str  # 文件 right of joint names, centred on them ("" none)
    mark_size: int  # points: the 标志's size
    number: str  # 发文字号 ("" none)
    signers: tuple[tuple[str, ...], ...]  # 签发人 names, two a line; the 发文字号 shares the last line
    signer_label: str = SIGNER_LABEL  # a field, so Traditional output converts it with every other text

    @property
    def joint(self) -> bool:
        return len(self.agencies) > 1

    @property
    def upward(self) -> bool:
        """A 上行文's 版头: 发文字号 flush left with 1 字, 签发人 on its line (9704 7.2.5, 7.2.6)."""
        return bool(self.signers)

    @property
    def top_lines(self) -> tuple[str, ...]:
        """份号, 密级, 紧急程度 that are given, top down (9704 7.2.3)."""
        return tuple(line for line in (self.copy_number, self.secrecy, self.urgency) if line)

    @property
    def signer_lines(self) -> tuple[str, ...]:
        """Each line of names, the names one full-width space apart (without the label)."""
        return tuple(NAME_GAP.join(names) for names in self.signers)


def banner_lines(banner: Banner) -> BannerLines:
    """``banner`` as lines; the 标志 as large as fits the 版心 up to 初号."""
    names = [
        banner.signers[i : i + SIGNERS_PER_LINE] for i in range(0, len(banner.signers), SIGNERS_PER_LINE)
    ]
    secrecy = banner.secrecy + (SECRECY_MARK + banner.secrecy_term if banner.secrecy_term else "")
    return BannerLines(
        copy_number=banner.copy_number,
        secrecy=secrecy,
        urgency=banner.urgency,
        agencies=banner.agencies,
        suffix=banner.suffix,
        mark_size=mark_size(banner.agencies, banner.suffix),
        number=banner.number,
        signers=tuple(names),
    )


def mark_size(agencies: tuple[str, ...], suffix: str) -> int:
    """The 标志's size in points: 初号, or the largest whole size whose widest line (a joint name and
    the 文件 beside it) fits the 版心 (never below 2号: a longer 标志 is the clerk's to shorten).

    >>> mark_size(("青山区民政局文件",), "")
    42
    >>> mark_size(("青山区人力资源和社会保障局",), "文件")
    29
    """
    chars = (max(display_width(a) for a in agencies) + display_width(suffix)) / 2
    return max(MARK_MIN_PT, min(MARK_MAX_PT, int(BODY_WIDTH_PT // chars)))
