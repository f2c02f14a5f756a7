"""api/cli.py: the `glocal` command: every subcommand mounted, and an error of the input
(a glocal error) turned into one line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer

from api.cli import app, main
from tests.api.live import TINY


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """`glocal ARGS` through `main`, in this process; its exit status."""
    monkeypatch.setattr(sys, "argv", ["glocal", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    return int(ended.value.code or 0)


def test_every_command_is_mounted() -> None:
    """The commands and command groups the README names, and no others."""
    commands = typer.main.get_command(app).commands
    assert set(commands) == {
        "quote", "plan", "sample-orders", "network", "customs", "promise", "keys", "serve",
    }  # fmt: skip


def test_an_input_error_is_one_line_and_exit_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An empty directory as the network: `error: ` and the problems, on stderr, exit 1."""
    assert run(monkeypatch, "network", "summary", "--network", str(tmp_path)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: the network has 2 problem(s):\n")
    assert "nodes.csv: file is missing" in err and "Traceback" not in err


def test_a_command_that_succeeds_exits_0_with_its_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tiny network's summary as JSON: 5 nodes, 5 services, nothing on stderr."""
    assert run(monkeypatch, "network", "summary", "--network", str(TINY), "--json") == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["nodes"], summary["services"], err) == (5, 5, "")
