"""api/cli.py: the `glocal` command: every subcommand mounted, and how a run ends: an
error of the input as one line on stderr and exit status 1 (a list of problems as a line
and its first five), a usage error as Typer shows it (2), a bug as one line (70), never a
traceback unless GLOCAL_DEBUG=1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer

from api.cli import EX_SOFTWARE, app, error_lines, main, run
from carriers.errors import GlocalError, InvalidNetwork, InvalidPlanInput, Problem
from tests.api.live import TINY

NODES = "id,kind,country,city,lat,lon,tz,source\n"


def glocal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """`glocal ARGS` through `main`, in this process: (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["glocal", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    return int(ended.value.code or 0), out, err


def test_every_command_is_mounted() -> None:
    """The commands and command groups the README names, and no others."""
    commands = typer.main.get_command(app).commands
    assert set(commands) == {
        "quote", "plan", "sample-orders", "network", "customs", "promise", "keys", "serve",
        "forecast", "sample-forecast", "design", "capacity", "import", "simulate-checkout",
    }  # fmt: skip


def test_a_command_that_succeeds_exits_0_with_its_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tiny network's summary as JSON: 5 nodes, 5 services, nothing on stderr."""
    code, out, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(TINY),
                            "--json")  # fmt: skip
    summary = json.loads(out)
    assert (code, summary["nodes"], summary["services"], err) == (0, 5, 5, "")


def test_an_input_error_lists_its_problems_under_its_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An empty directory as the network: `error: ` and a sentence, then its two
    problems one a line (`path:line: field: message`), on stderr, exit 1."""
    code, out, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(tmp_path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "error: the network has 2 problem(s):",
        f"{tmp_path}/nodes.csv:1: nodes.csv: file is missing",
        f"{tmp_path}/carriers:1: carriers: no carrier files",
    ]


def test_a_single_problem_is_said_on_the_errors_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A network directory that is not there: one line, the problem on it."""
    missing = tmp_path / "missing"
    code, _, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(missing))
    assert code == 1
    assert err == f"error: the network has 1 problem(s): {missing}:1: network: is not a directory\n"


def test_at_most_five_problems_are_listed_and_the_rest_counted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Eight nodes of an unknown kind (and no carriers): the line, the first five
    problems in file order, and "... and 4 more"."""
    (tmp_path / "nodes.csv").write_text(
        NODES + "".join(f"N{i},moon,ES,,0,0,UTC,\n" for i in range(8))
    )
    code, _, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(tmp_path))
    lines = err.splitlines()
    assert code == 1 and lines[0] == "error: the network has 9 problem(s):"
    assert [line.split(": ")[0] for line in lines[1:6]] == [
        f"{tmp_path}/nodes.csv:{row}" for row in range(2, 7)
    ]
    assert lines[6:] == ["... and 4 more"]


def test_error_lines_leave_out_an_empty_field_and_keep_a_one_line_message() -> None:
    """A problem without a field is `where: message`; an error without a listing is its
    message alone, whatever problems it carries; a plan input's listing is re-counted
    from its problems, not copied from its message's own cut."""
    one = GlocalError("orders.csv: no rows", (Problem("orders.csv", "", "no rows"),))
    assert error_lines(one) == ["error: orders.csv: no rows"]
    bare = InvalidNetwork([Problem("n/nodes.csv:1", "", "file is missing")])
    assert error_lines(bare) == [
        "error: the network has 1 problem(s): n/nodes.csv:1: file is missing"
    ]
    many = InvalidPlanInput(
        "7 rows are invalid", [Problem(f"o.csv:{i}", "kg", "> 0") for i in range(7)]
    )
    assert error_lines(many)[0] == "error: 7 rows are invalid:"
    assert error_lines(many)[1:] == [*(f"o.csv:{i}: kg: > 0" for i in range(5)), "... and 2 more"]


def test_a_file_that_cannot_be_written_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An OSError (here: a map into a directory that is not there) is the user's: the
    file and the reason, exit 1."""
    out = tmp_path / "no-dir" / "map.html"
    code, _, err = glocal(monkeypatch, capsys, "network", "map", "--out", str(out),
                          "--network", str(TINY))  # fmt: skip
    assert (code, err) == (1, f"error: {out}: No such file or directory\n")


def test_a_usage_error_is_typers_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing option is the command line's: Typer names it, exit 2, no traceback."""
    code, out, err = glocal(monkeypatch, capsys, "quote")
    assert (code, out) == (2, "")
    assert "Missing option '--order'" in err and "Traceback" not in err


broken = typer.Typer()


@broken.command()
def divide(by: int = 0) -> None:
    """A command with a bug: it divides by its option."""
    typer.echo(str(1 / by))


def test_a_bug_is_one_line_and_exit_70(capsys: pytest.CaptureFixture[str]) -> None:
    """Any exception but a glocal error or an OSError is glocal's bug: one line naming
    it and how to see the traceback, exit 70 (EX_SOFTWARE)."""
    with pytest.raises(SystemExit) as ended:
        run(broken, [])
    assert ended.value.code == EX_SOFTWARE == 70
    assert capsys.readouterr().err == (
        "error: internal error (ZeroDivisionError: division by zero); "
        "rerun with GLOCAL_DEBUG=1 for the traceback\n"
    )


def test_glocal_debug_prints_the_traceback_above_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """GLOCAL_DEBUG=1: a bug's and an input error's traceback, then the same line and the
    same exit status; GLOCAL_DEBUG=0 is off."""
    monkeypatch.setenv("GLOCAL_DEBUG", "1")
    with pytest.raises(SystemExit) as ended:
        run(broken, [])
    err = capsys.readouterr().err
    assert ended.value.code == 70 and err.startswith("Traceback (most recent call last):")
    assert "1 / by" in err and err.splitlines()[-1].startswith("error: internal error (")
    code, _, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(tmp_path))
    assert code == 1 and "Traceback" in err and "raise InvalidNetwork" in err
    assert err.splitlines()[-3] == "error: the network has 2 problem(s):"
    monkeypatch.setenv("GLOCAL_DEBUG", "0")
    code, _, err = glocal(monkeypatch, capsys, "network", "summary", "--network", str(tmp_path))
    assert code == 1 and "Traceback" not in err
