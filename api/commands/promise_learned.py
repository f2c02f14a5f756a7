"""The learned promise at the command line (`glocal promise calibrate --model/--append`,
`glocal promise evaluate --split/--report`); `api.commands.promise` wires the options."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from carriers.errors import GlocalError
from routing.promise.history import History
from routing.promise.learned import PromiseModel, fit_model
from routing.promise.online import OnlineEvaluation, evaluate_online, summary
from routing.promise.report import report_html

console = Console()


def write_model(shipments: History, path: Path) -> None:
    """Fit the learned promise on the whole history and write it (atomically)."""
    model = fit_model(shipments)
    _save(model, path)
    console.print(
        f"learned promise: boosters on {model.n_fit} shipments, conformal scores of the latest "
        f"{model.n_seen}; wrote {path}"
    )


def append_model(new: History, path: Path) -> None:
    """Replay the new shipments through the model at `path`, without refitting its boosters."""
    if not path.is_file():
        raise GlocalError(f"--model {path}: no such file; fit one first with --model")
    model = PromiseModel.load(path).appended(new)
    _save(model, path)
    alpha = ", ".join(
        f"P{round(q * 100)} {1 - a:.3f}"
        for q, a in zip(model.levels, model.conformal.alpha, strict=True)
        if q in (0.5, 0.9, 0.95)
    )
    console.print(
        f"appended {len(new)} shipments to {path} ({model.n_seen} absorbed in all); "
        f"adaptive levels now {alpha}"
    )


def _save(model: PromiseModel, path: Path) -> None:
    try:
        model.save(path)
    except OSError as exc:
        raise GlocalError(f"--model {path}: cannot write: {exc.strerror}") from None


def evaluate_learned(
    shipments: History,
    name: str,
    split: str,
    train_share: float,
    report: Path | None,
    as_json: bool,
) -> None:
    e = evaluate_online(shipments, split, train_share)
    if report is not None:
        try:
            report.write_text(report_html(e, f"Delivery promise: {name}"), encoding="utf-8")
        except OSError as exc:
            raise GlocalError(f"--report {report}: cannot write: {exc.strerror}") from None
    if as_json:
        typer.echo(json.dumps(summary(e), indent=2))
        return
    console.print(learned_table(e, name))
    if report is not None:
        console.print(f"report: {report}")


def learned_table(e: OnlineEvaluation, name: str) -> Table:
    table = Table(
        title=f"{name}: learned promise, {e.split} split, fitted on {e.n_train}, "
        f"{e.n_test} promised in shipping order"
    )
    for column in ("promise", "target", "delivered by it", "mean days after shipping"):
        table.add_column(column, justify="right")
    for q in e.levels:
        table.add_row(
            f"P{round(q * 100)}", f"{q:.0%}", f"{e.coverage(q):.1%}", f"{e.lead_days(q):.1f}"
        )
    own = e.schedule()
    if own is not None:
        table.add_row("schedule", "", f"{own[0]:.1%}", f"{own[1]:.1f}")
    mean, median = e.widths()
    table.caption = f"width P95 - P50: mean {mean:.1f} days, median {median:.1f} days"
    return table
