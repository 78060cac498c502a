"""What every command group shares: the error handling, output-file checks and options.

Kept apart from ``cli/__init__.py`` so that the group modules never import the package
that registers them.
"""

from __future__ import annotations

import importlib.util
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    pass

__all__ = [
    "FORCE",
    "PROFILE",
    "ErrorsAsMessages",
    "QSet",
    "check_output",
    "fail",
    "parse_profile",
    "require_modules",
]

FORCE = Annotated[bool, typer.Option("--force", "-f", help="Overwrite the output file if it exists.")]


class QSet(StrEnum):
    """The question set a command works on."""

    core = "core"
    full = "full"


#: The extra that installs each optional package (by its import name).
EXTRAS = {
    **dict.fromkeys(
        ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "argon2", "pydantic_settings"),
        "server",
    ),
    **dict.fromkeys(("itsdangerous", "multipart", "python_multipart", "httpx"), "server"),
    "psycopg": "postgres",
}


def require_modules(*names: str) -> None:
    """Raise :class:`ModuleNotFoundError` now for a missing module, before any work is done."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


class ErrorsAsMessages(TyperGroup):
    """Turns library and OS errors into ``error: ...`` lines and exit code 1.

    A package of an extra that is not installed becomes the ``pip install`` line that
    adds it: the core install has no web stack, and no PostgreSQL driver without
    ``[postgres]``.
    """

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a user's error is a message, never a traceback."""
        from ..errors import ScorecardError

        try:
            return super().invoke(ctx)
        except ScorecardError as exc:
            for line in str(exc).splitlines():
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(1) from None
        except ModuleNotFoundError as exc:
            extra = EXTRAS.get((exc.name or "").partition(".")[0])
            if extra is None:
                raise
            what = "a PostgreSQL database" if extra == "postgres" else "the web service"
            command = f"{ctx.command_path} {ctx.invoked_subcommand or ''}".rstrip()
            fail(
                f"`{command}` needs the packages for {what} (no module named {exc.name!r}); "
                f"install them with: pip install 'mlops-scorecard[{extra}]'"
            )
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def check_output(path: Path, force: bool) -> None:
    """Refuse to overwrite ``path`` without ``--force`` or to write into a missing folder.

    ``-`` is standard output and always fine.
    """
    if str(path) == "-":
        return
    if path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    if not path.parent.exists():
        fail(f"{path.parent} does not exist; create the folder first")


#: ``--profile KEY=OPTION`` of ``example``, ``assess`` and ``import-survey``.
PROFILE = Annotated[
    list[str] | None,
    typer.Option(
        "--profile",
        metavar="QUESTION=OPTION",
        help="A context answer, e.g. production=none: the framework's context questions can"
        " prioritise questions or make them not applicable (repeatable).",
    ),
]


def parse_profile(values: list[str] | None) -> dict[str, str]:
    """``--profile production=none`` options as a mapping; the library checks the ids."""
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, option = value.partition("=")
        if not sep or not key.strip() or not option.strip():
            fail(f"--profile {value!r}: use QUESTION=OPTION, for example production=none")
        out[key.strip()] = option.strip()
    return out
