"""Who may log in: a users file of names and password hashes, and the one way to make a hash.

The file is TOML, kept by IT beside the data folder, one line a person (a Chinese name is quoted)::

    [users]
    "张三" = "scrypt:32768:8:1$…"

``reportgen serve --hash-password`` prints such a line.  Passwords are hashed and checked with Werkzeug's
``generate_password_hash``/``check_password_hash`` (scrypt, salted, compared in constant time):
Werkzeug comes with Flask and is kept by the same project, so no other library is needed.  The file never
holds a password itself, and the server only reads it at start.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

HASH_METHOD = "scrypt"


class UsersFileError(Exception):
    """The users file cannot be used: the message says why, in Chinese."""


def read_users(path: Path) -> dict[str, str]:
    """name → password hash, from the ``[users]`` table of ``path``."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise UsersFileError(f"无法读取用户文件 {path}（{error.strerror or error}）") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsersFileError(f"用户文件 {path} 格式不对：{error}") from None
    users = data.get("users")
    if not isinstance(users, dict) or not users:
        raise UsersFileError(f"用户文件 {path} 中没有 [users] 表，或表是空的")
    for name, hashed in users.items():
        if not name.strip() or not isinstance(hashed, str) or "$" not in hashed:
            raise UsersFileError(
                f"用户文件 {path} 中“{name}”的值不是密码散列：请用 reportgen serve --hash-password 生成"
            )
    return dict(users)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def password_matches(users: dict[str, str], name: object, password: object) -> bool:
    """Whether ``name`` is a user and ``password`` is theirs (a wrong name takes as long to refuse as a
    wrong password: the time does not tell which names exist)."""
    if not isinstance(name, str) or not isinstance(password, str):
        return False
    hashed = users.get(name)
    if hashed is None:
        check_password_hash(_dummy_hash(), password)  # the same time as for a real name
        return False
    return check_password_hash(hashed, password)


@cache
def _dummy_hash() -> str:
    return hash_password("reportgen: no such user")
