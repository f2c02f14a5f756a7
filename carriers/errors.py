"""glocal's error tree: every exception a user can meet, each with a stable `code`.

    GlocalError                     base; `code` is stable, the message says what to fix
    ├── InvalidNetwork              a network directory with one or more problems (all listed)
    ├── UnknownNode                 a node id that the loaded network does not have
    ├── InvalidOrder                an order with one or more problems (all listed, by field)
    ├── InvalidRoute                a route id naming an unknown service or broken legs
    ├── InvalidRule                 a customs, calendar or promise data file that cannot be used
    ├── InvalidHistory              a shipment history that cannot be used (columns, rows)
    ├── InvalidPlanInput            an orders table, capacity file or plan parameter
    ├── UnknownCountry              an ISO country with no data where data is required
    ├── UnknownCurrency             a currency code we have no rate or precision for
    ├── NotPriceable                a rate card with no zone or weight tier for a parcel
    ├── NoFeasibleRoute             nothing in the network can carry this order
    ├── ClusterUnavailable          a Dask cluster that cannot be reached or was lost
    ├── StoreError                  a database this version of glocal cannot use, or its URL
    └── StoreUnavailable            a database that cannot be read or written now (its file,
                                    disk or server failing); worth trying again later

Expected problems of a single request (a lane that cannot take batteries) are not
exceptions: they come back as findings beside the answer. These are for misuse and
broken inputs. Every exception raised by glocal's own code for a user to act on is one of
these, defined here and nowhere else; the API maps them to problem+json, the CLI to one
line and exit 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, which field, and what is wrong."""

    where: str  # "path:line" for files, a field path ("items[1]") for requests
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


def shown(value: Any, width: int = 60) -> str:
    """A value as a problem quotes it: its repr, cut to `width` characters (a whole number
    too long to print is named by its size; a long text is cut before its repr is made)."""
    if isinstance(value, int) and value.bit_length() > 256:
        return f"a whole number of {value.bit_length()} bits"
    text = repr(value[:width] if isinstance(value, str) else value)
    return text if len(text) <= width else text[: width - 3] + "..."


class GlocalError(Exception):
    code = "glocal_error"

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


class InvalidNetwork(GlocalError):
    code = "invalid_network"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        problems = tuple(problems)
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"the network has {len(problems)} problem(s):\n{lines}", problems)


class UnknownNode(GlocalError):
    code = "unknown_node"

    def __init__(self, node_id: str) -> None:
        super().__init__(f"unknown node {node_id!r}")
        self.node_id = node_id


class InvalidOrder(GlocalError):
    code = "invalid_order"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        problems = tuple(problems)
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"invalid order: {lines}", problems)


class InvalidRoute(GlocalError):
    """A route id that names an unknown service or legs that do not connect."""

    code = "invalid_route"


class InvalidRule(GlocalError):
    code = "invalid_rule"


class InvalidHistory(GlocalError):
    """A shipment history that cannot be used (missing columns, no readable rows)."""

    code = "invalid_history"


class InvalidPlanInput(GlocalError):
    """An orders table, capacity file or plan parameter that cannot be used; every
    problem is listed as `path:line: field: message`."""

    code = "invalid_plan_input"

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        problems = tuple(problems)
        if problems:
            shown = "\n".join(str(p) for p in problems[:20])
            more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
            message = f"{message}:\n{shown}{more}"
        super().__init__(message, problems)


class UnknownCountry(GlocalError):
    code = "unknown_country"


class UnknownCurrency(GlocalError):
    code = "unknown_currency"


class NotPriceable(GlocalError):
    """A rate card with no zone for the destination, or no weight tier for the parcel."""

    code = "not_priceable"


class NoFeasibleRoute(GlocalError):
    code = "no_feasible_route"


class ClusterUnavailable(GlocalError):
    """A Dask cluster that cannot be used: a malformed scheduler address, a scheduler that
    does not answer, or one lost (or whose workers all died on a task) during the run."""

    code = "cluster_unavailable"


class StoreError(GlocalError):
    """The database cannot be used by this version of glocal, or its URL is not one it can
    use (another database, an in-memory one, a file in a directory that is not there)."""

    code = "store_error"


class StoreUnavailable(GlocalError):
    """The database failed to read or write for a reason of its own, not of the request:
    a file or disk that cannot be written, a full disk, a server that does not answer.
    The message names the database's reason, never a path; the API answers 503 with
    `Retry-After`."""

    code = "store_unavailable"
