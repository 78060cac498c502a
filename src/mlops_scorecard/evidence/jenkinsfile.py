"""What a Jenkinsfile runs: its ``sh``/``bat``/``powershell`` scripts and the libraries
and images it uses, from a small Groovy tokenizer so that comments never count and
strings (``//`` in a URL) stay whole.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["jenkins_steps"]


_STEP_NAMES = frozenset({"sh", "bat", "powershell", "pwsh"})


def _groovy_tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, line) tokens: ``word``, ``string`` (quotes removed; for a triple-quoted
    string the line is the first line of its content) and ``punct``; comments are gone."""
    tokens: list[tuple[str, str, int]] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch in " \t\r":
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif text.startswith(('"""', "'''"), i):
            quote = text[i : i + 3]
            end = text.find(quote, i + 3)
            end = n if end < 0 else end
            body = text[i + 3 : end]
            first = line
            if body.startswith("\n"):
                body, first = body[1:], line + 1
            tokens.append(("string", body, first))
            line += text.count("\n", i, end)
            i = end + 3
        elif ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            tokens.append(("string", text[i + 1 : j], line))
            i = j + 1
        elif ch.isalnum() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(("word", text[i:j], line))
            i = j
        else:
            tokens.append(("punct", ch, line))
            i += 1
    return tokens


def jenkins_steps(text: str) -> list[tuple[Literal["command", "uses"], str, int]]:
    """The ``sh``/``bat``/``powershell`` scripts of a Jenkinsfile (``sh 'x'``, ``sh "x"``,
    ``sh '''...'''``, ``sh(script: "...", returnStdout: true)``), one command per line,
    comments removed; ``@Library`` and ``image '...'`` / ``docker.image('...')`` are uses."""
    tokens = _groovy_tokens(text)
    out: list[tuple[Literal["command", "uses"], str, int]] = []
    for index, (kind, value, _line) in enumerate(tokens):
        if kind != "word":
            continue
        nxt = tokens[index + 1 : index + 40]
        if value in _STEP_NAMES and nxt:
            body = _script_argument(nxt)
            if body is not None:
                text_, first = body
                for offset, raw in enumerate(text_.split("\n")):
                    command = raw.strip()
                    if command and not command.startswith("#"):
                        out.append(("command", command, first + offset))
        elif value in {"image", "Library"} and nxt:
            j = 1 if nxt[0] == ("punct", "(", nxt[0][2]) else 0
            if j < len(nxt) and nxt[j][0] == "string":
                out.append(("uses", nxt[j][1], nxt[j][2]))
    return out


def _script_argument(tokens: list[tuple[str, str, int]]) -> tuple[str, int] | None:
    """The script of ``sh 'x'``, ``sh('x')``, ``sh(script: 'x', ...)`` from the tokens after ``sh``."""
    i = 0
    if tokens[0][:2] == ("punct", "("):
        i = 1
    if i < len(tokens) and tokens[i][0] == "string":
        return tokens[i][1], tokens[i][2]
    # named arguments: look for script: '...' within the call (its parentheses, or its
    # line when it has none: "sh label: 'x', returnStatus: true, script: 'y'")
    first_line = tokens[0][2]
    for j in range(i, len(tokens) - 2):
        if i == 0 and tokens[j][2] != first_line and tokens[j - 1][:2] != ("punct", ","):
            break
        if (
            tokens[j][:2] == ("word", "script")
            and tokens[j + 1][:2] == ("punct", ":")
            and tokens[j + 2][0] == "string"
        ):
            return tokens[j + 2][1], tokens[j + 2][2]
        if tokens[j][:2] == ("punct", ")"):
            break
    return None
