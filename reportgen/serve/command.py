"""``reportgen serve``: its options, and starting the application under waitress.

The web framework is imported only when the command runs, so ``reportgen check`` and ``render`` do not
pay for it.  Without ``--users`` or ``--token`` the server refuses to listen beyond this machine: on an
office network anyone could otherwise upload and read every unit's reports.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path

from reportgen.base.errors import EXIT_ERROR, EXIT_OK
from reportgen.batch.worker import Limits
from reportgen.serve.settings import DEFAULT_FORMATS, DEFAULT_MAX_UPLOAD_MIB, DEFAULT_WORKERS, Settings

TOKEN_VARIABLE = "REPORTGEN_SERVE_TOKEN"
DATABASE_VARIABLE = "REPORTGEN_SERVE_DATABASE"
FORM_MARGIN_BYTES = 64 * 1024


def add_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--host", default="127.0.0.1", metavar="地址", help="监听地址（默认 127.0.0.1，只限本机）"
    )
    command.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    command.add_argument(
        "--data",
        type=Path,
        default=Path("reportgen-data"),
        metavar="目录",
        help="数据目录：数据库与上传、生成的文件（默认 ./reportgen-data）",
    )
    command.add_argument(
        "--database",
        default=None,
        metavar="地址",
        help="PostgreSQL 数据库地址 postgresql://用户@主机/库名（默认用数据目录里的 SQLite；"
        f"也可用环境变量 {DATABASE_VARIABLE}；需要 pip install 'reportgen[postgresql]'）",
    )
    command.add_argument(
        "--token",
        default=None,
        metavar="口令",
        help=f"共享口令：浏览器须先输入它（也可用环境变量 {TOKEN_VARIABLE}）",
    )
    command.add_argument(
        "--users",
        type=Path,
        default=None,
        metavar="用户文件",
        help="用户文件（TOML 的 [users] 表：用户名 = 密码散列）：每人用自己的用户名和密码登录",
    )
    command.add_argument(
        "--hash-password",
        action="store_true",
        help="输入一个密码，打印写入用户文件的一行（不启动服务）",
    )
    command.add_argument(
        "--max-upload-mb",
        type=int,
        default=DEFAULT_MAX_UPLOAD_MIB,
        metavar="MB",
        help=f"上传文件大小上限（MiB，默认 {DEFAULT_MAX_UPLOAD_MIB}）",
    )
    command.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="个数",
        help=f"同时生成的台账数（默认 {DEFAULT_WORKERS}）",
    )
    command.add_argument(
        "-f",
        "--formats",
        default=",".join(DEFAULT_FORMATS),
        metavar="格式",
        help=f"生成的格式，逗号分隔（默认 {','.join(DEFAULT_FORMATS)}；没有 LibreOffice 时 PDF 略过）",
    )


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace, limits: Limits) -> int:
    from waitress import serve

    from reportgen.serve.app import close_app, create_app
    from reportgen.serve.database import DatabaseUnavailable
    from reportgen.serve.users import UsersFileError, read_users

    if args.hash_password:
        return print_hash()
    token = args.token or os.environ.get(TOKEN_VARIABLE) or None
    try:
        users = read_users(args.users) if args.users is not None else {}
    except UsersFileError as error:
        print(f"RG410 {error}", file=sys.stderr)
        return EXIT_ERROR
    if not is_local(args.host) and token is None and not users:
        print(
            f"RG410 监听 {args.host} 会让办公网上的任何人都能使用本服务：请用 --users 设置用户，"
            f"或用 --token、环境变量 {TOKEN_VARIABLE} 设置共享口令",
            file=sys.stderr,
        )
        return EXIT_ERROR
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in DEFAULT_FORMATS]
    if unknown or not formats or args.max_upload_mb < 1 or args.workers < 1:
        print(
            f"RG410 参数不对：格式只能是 {','.join(DEFAULT_FORMATS)}，上限与个数须为正整数", file=sys.stderr
        )
        return EXIT_ERROR
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(
        data=args.data,
        database=args.database or os.environ.get(DATABASE_VARIABLE) or None,
        token=token,
        users=users,
        max_upload_bytes=args.max_upload_mb * 1024 * 1024,
        workers=args.workers,
        formats=formats,
        limits=limits,
    )
    try:
        app = create_app(settings)
    except DatabaseUnavailable as error:
        print(f"RG410 {error}", file=sys.stderr)
        return EXIT_ERROR
    # systemd stops a service with SIGTERM: leave through ``finally`` so the workers are stopped too.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(EXIT_OK))
    print(
        f"reportgen serve：请在浏览器中打开 http://{args.host}:{args.port}/"
        f"（数据目录：{args.data}；Ctrl+C 停止）"
    )
    try:
        # waitress would otherwise take in up to 1 GiB before Flask's MAX_CONTENT_LENGTH refuses it
        # (RG603); the margin is the multipart form around the file.
        serve(
            app,
            host=args.host,
            port=args.port,
            threads=8,
            ident="reportgen",
            max_request_body_size=settings.max_upload_bytes + FORM_MARGIN_BYTES,
        )
    finally:
        close_app(app)
    return EXIT_OK


def print_hash() -> int:
    """Ask for a password twice (not echoed) and print the users file's line for it."""
    import getpass

    from reportgen.serve.users import hash_password

    password = getpass.getpass("密码：")
    if len(password) < 8 or password != getpass.getpass("再输入一次："):
        print("RG410 两次输入不一致，或密码少于 8 个字符", file=sys.stderr)
        return EXIT_ERROR
    print(f'"用户名" = "{hash_password(password)}"    # 把“用户名”改成本人的，写入用户文件的 [users] 表')
    return EXIT_OK
