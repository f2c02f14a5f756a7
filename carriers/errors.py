"""glocal's error tree: every exception a user can meet, each with a stable `code`.

    GlocalError                     base; `code` is stable, the message says what to fix
    ├── InvalidNetwork              a network directory with one or more problems (all listed)
    ├── UnknownNode                 a node id that the loaded network does not have
    ├── InvalidOrder                an order with one or more problems (all listed, by field)
    ├── InvalidRule                 a customs or calendar data file that cannot be used
    ├── UnknownCountry              an ISO country with no data where data is required
    ├── UnknownCurrency             a currency code we have no rate or precision for
    └── NoFeasibleRoute             nothing in the network can carry this order

Expected problems of a single request (a lane that cannot take batteries) are not
exceptions: they come back as findings beside the answer. These are for misuse and
broken inputs. The API maps them to problem+json; the CLI to one line and exit 1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, which field, and what is wrong."""

    where: str  # "path:line" for files, a field path ("items[1]") for requests
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


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


class InvalidRule(GlocalError):
    code = "invalid_rule"


class UnknownCountry(GlocalError):
    code = "unknown_country"


class UnknownCurrency(GlocalError):
    code = "unknown_currency"


class NoFeasibleRoute(GlocalError):
    code = "no_feasible_route"
