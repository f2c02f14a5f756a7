"""Line numbers for values of a parsed TOML file, so every problem can name `path:line`.

tomllib returns values without positions. The carrier files follow a simple layout
(tables and arrays of tables as headers, inline tables on one line, and long arrays with
one element per line), and this scan maps each key path of that layout to its line:
("services", 3, "from") -> 57, ("rate_cards", "paq", "breaks", 2) -> 14.
"""

from __future__ import annotations

import re

Key = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-\"\.]+)\s*=\s*(.*)$")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip('"') for p in dotted.split("."))


class LineIndex:
    def __init__(self, text: str) -> None:
        self.lines: dict[Key, int] = {}
        self._scan(text.splitlines())

    def _scan(self, lines: list[str]) -> None:
        table: Key = ()
        counts: dict[Key, int] = {}
        open_array: Key | None = None
        element = 0
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if open_array is not None:
                if stripped.startswith("]"):
                    open_array = None
                else:
                    self.lines.setdefault((*open_array, element), number)
                    element += 1
                continue
            header = _HEADER.match(line)
            if header:
                path = _parts(header.group(2))
                if header.group(1) == "[[":
                    counts[path] = counts.get(path, -1) + 1
                    table = (*path, counts[path])
                else:
                    table = path
                self.lines.setdefault(table, number)
                continue
            assign = _ASSIGN.match(line)
            if assign:
                key = (*table, *_parts(assign.group(1)))
                self.lines[key] = number
                value = assign.group(2).split("#")[0].strip()
                if value == "[" or (value.startswith("[") and value.count("[") > value.count("]")):
                    open_array, element = key, 0

    def line(self, *key: str | int) -> int:
        """The line of a key path, or of its nearest enclosing part; 1 if none is known."""
        path: Key = tuple(key)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1
