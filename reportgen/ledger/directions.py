"""What an unknown 目标 direction word most likely means, so RG103 can suggest a word of that meaning.

A spelling suggestion by string likeness is dangerous here: 低于 is one character from 不低于 and 不多于
one from 不少于, and each pair means the opposite.  So the suggestion comes from the word's meaning,
read from its characters: a comparative (多 高 大 超 过 出 mean “more than”, 少 低 小 “less than”,
达 足 到 上 “at least”, 下 内 控 “at most”), turned over by each negation (不 未 没 无: 不多于 is
“at most”, 不足 “less than”), plus a few whole words whose characters mislead (至少 is “at least”
although 少 is “less”) and the mathematical signs.  A word whose meaning cannot be read gets no
suggestion, only the list of words; among the words of the meaning read, the closest in spelling
is proposed (不大于 → 不高于, 以下 → 以内).
"""

from __future__ import annotations

import difflib

from reportgen.model import TARGET_GROUPS

# Whole words (after 於→于 and the like) whose meaning their characters do not tell.
_WHOLE = {
    "至少": "≥",
    "最少": "≥",
    "起码": "≥",
    "至多": "≤",
    "最多": "≤",
    "大于等于": "≥",
    "小于等于": "≤",
    ">=": "≥",
    "=>": "≥",
    "≥": "≥",
    "⩾": "≥",
    "<=": "≤",
    "=<": "≤",
    "≤": "≤",
    "⩽": "≤",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
}
# Characters that carry the comparison, and what they mean un-negated.
_CHARACTERS = {
    **dict.fromkeys("多高大超过過出", ">"),
    **dict.fromkeys("少低小", "<"),
    **dict.fromkeys("达達足到上", "≥"),
    **dict.fromkeys("下内內控", "≤"),
}
_NEGATIONS = "不未没沒无無"
_NEGATED = {"≥": "<", "<": "≥", "≤": ">", ">": "≤"}
_WORDS = dict(TARGET_GROUPS)


def meaning(word: str) -> str | None:
    """≥ ≤ > or < as ``word`` reads, or None when its characters do not say (or contradict)."""
    text = _normal(word)
    if text in _WHOLE:
        return _WHOLE[text]
    found = {_CHARACTERS[c] for c in text if c in _CHARACTERS}
    if len(found) != 1:
        return None
    relation = found.pop()
    for _ in range(sum(text.count(n) for n in _NEGATIONS)):
        relation = _NEGATED[relation]
    return relation


def suggest_direction(word: str) -> str | None:
    """A target word meaning what ``word`` means, the closest in spelling; None when unsure."""
    relation = meaning(word)
    if relation is None:
        return None
    text = _normal(word)
    return max(_WORDS[relation], key=lambda c: difflib.SequenceMatcher(None, text, c).ratio())


def _normal(word: str) -> str:
    """Without spaces, with the Traditional 於 as 于 (低於 is 低于)."""
    return "".join(word.split()).replace("於", "于")
