"""Read a customs rules directory (`data/customs/*.toml` and its states files) into
`CustomsRules`, collecting every problem as `path:line: field: message`.

Fields are read by `fields`; then the whole-directory checks of `checks` make a quote's
lookups unambiguous: versions of one `rule_id` must not overlap in time, and two rules of
a single-answer topic (a VAT rate, a duty table) must not match the same goods on the same
day at the same specificity. Either raises `InvalidRule` naming both places.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from carriers.errors import InvalidRule, Problem
from carriers.model import BatteryClass, CustomsRegime, GoodsCategory, Mode
from carriers.money import is_currency
from carriers.places import is_country
from carriers.registry import DEFAULT_WORLD
from carriers.registry.fields import MAX_AMOUNT
from routing.cache import cached
from routing.customs import fields as read
from routing.customs.checks import (
    read_states,
    reference_problems,
    topic_conflicts,
    version_overlaps,
)
from routing.customs.fields import RuleFile
from routing.customs.rulebook import JURISDICTION_KEYS, KINDS, CustomsRules, Jurisdiction
from routing.customs.rules import (
    ID_TYPES,
    REQUIRED,
    SCHEMES,
    SELLER_PROGRAMMES,
    TREATMENTS,
    Amount,
    Confidence,
    Rule,
    Selectors,
    Topic,
    Valuation,
)

DEFAULT_RULES = DEFAULT_WORLD / "customs"

_LISTS = {"aliases", "postal_prefixes", "regimes"}  # the jurisdiction's lists of strings
COMMON_KEYS = {"rule_id", "topic", "valid_from", "valid_to", "source", "confidence"}
PARAM_KEYS = {
    "name",
    "note",
    "illustrative",
    "rate_pct",
    "consumption_pct",
    "default_pct",
    "amount",
    "limit",
    "annual_limit",
    "per_kg",
    "weight_limit_kg",
    "table",
    "bands",
    "treatment",
    "id_type",
    "battery",
    "except_origins",
}
SELECTOR_KEYS = {"categories", "hs_prefixes", "states", "origins", "sellers", "modes"}
RULE_KEYS = COMMON_KEYS | PARAM_KEYS | SELECTOR_KEYS

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


def read_rules(directory: Path) -> CustomsRules:
    """Load and check a rules directory; all problems at once, or a usable CustomsRules."""
    problems: list[Problem] = []
    files = sorted(directory.glob("*.toml"))
    if not files:
        problems.append(Problem(f"{directory}:1", "customs", "no rules files (*.toml)"))
    jurisdictions: dict[str, Jurisdiction] = {}
    rules: list[Rule] = []
    for path in files:
        loaded = _read_file(path, problems)
        if loaded is None:
            continue
        j, found = loaded
        if j.id in jurisdictions:
            first = jurisdictions[j.id].where
            problems.append(Problem(j.where, "id", f"duplicate jurisdiction {j.id} ({first})"))
            continue
        jurisdictions[j.id] = j
        rules += found
    problems += reference_problems(jurisdictions)
    states = read_states(directory, jurisdictions, problems)
    if not problems:
        problems += version_overlaps(rules)
    result = CustomsRules(jurisdictions, tuple(rules), states, str(directory))
    if not problems:
        problems += topic_conflicts(result)
    if problems:
        lines = "\n".join(str(p) for p in problems)
        raise InvalidRule(
            f"the customs rules have {len(problems)} problem(s):\n{lines}", tuple(problems)
        )
    return result


@cached(8)
def _cached(directory: Path) -> CustomsRules:
    return read_rules(directory)


def load_rules(directory: str | Path | None = None) -> CustomsRules:
    """The rules of a directory (default `data/customs`), read once per path and cached."""
    chosen = Path(directory) if directory is not None else DEFAULT_RULES
    if not chosen.is_dir():
        raise InvalidRule(
            f"{chosen}: customs rules directory is missing",
            (Problem(f"{chosen}:1", "customs", "is not a directory"),),
        )
    return _cached(chosen.resolve())


# --- one file ----------------------------------------------------------------------------


def _read_file(path: Path, problems: list[Problem]) -> tuple[Jurisdiction, list[Rule]] | None:
    text = path.read_text(encoding="utf-8")
    f = RuleFile(path, text, problems)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(f"{path}:{_toml_line(str(exc))}", "toml", str(exc)))
        return None
    for key in sorted(set(data) - {"jurisdiction", "rules"}):
        f.fail((key,), f"unknown section {key!r}")
    before = len(problems)
    j = _jurisdiction(f, data.get("jurisdiction"))
    rows = data.get("rules") or []
    if not isinstance(rows, list):
        f.fail(("rules",), "must be an array of tables [[rules]]")
        rows = []
    rules = [r for i, t in enumerate(rows) if (r := _rule(f, i, t, j.id if j else "")) is not None]
    if j is None or len(problems) > before:
        return None
    return j, rules


def _toml_line(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def _jurisdiction(f: RuleFile, t: Any) -> Jurisdiction | None:
    key: tuple[str, ...] = ("jurisdiction",)
    if not isinstance(t, dict):
        f.fail(key, "a [jurisdiction] table is required")
        return None
    before = len(f.problems)
    for name in sorted(set(t) - JURISDICTION_KEYS):
        f.fail((*key, name), f"unknown field {name!r}")
    s = {n: _text(f, key, t, n) or "" for n in sorted(JURISDICTION_KEYS - _LISTS)}
    jid = s["id"]
    if not re.fullmatch(r"[A-Z]{2,5}(-[A-Z]{2})?", jid):
        f.fail((*key, "id"), f"must be an upper-case code like ES, EU or ES-CN, got {jid!r}")
    kind = s["kind"]
    if kind not in KINDS:
        f.fail((*key, "kind"), f"must be one of {', '.join(sorted(KINDS))}, got {kind!r}")
    if kind == "country" and not is_country(jid):
        f.fail((*key, "id"), f"a country's id must be its ISO 3166-1 code, got {jid!r}")
    currency = s["currency"]
    if not is_currency(currency):
        f.fail((*key, "currency"), f"unknown ISO 4217 currency {currency!r}")
    scheme = s["scheme"]
    if scheme not in SCHEMES:
        f.fail((*key, "scheme"), f"must be one of {', '.join(sorted(SCHEMES))}, got {scheme!r}")
    if (kind == "global") != (scheme == "none"):
        f.fail((*key, "scheme"), "the global rules, and only they, have scheme 'none'")
    valuation = read.enum_of(f, (*key, "valuation"), Valuation, s["valuation"] or "CIF")
    regimes = read.strings(f, (*key, "regimes"), t.get("regimes", []))
    for regime in regimes:
        read.enum_of(f, (*key, "regimes"), CustomsRegime, regime)
    country = s["country"]
    prefixes = read.strings(f, (*key, "postal_prefixes"), t.get("postal_prefixes", []))
    if kind == "territory" and (not is_country(country) or not prefixes):
        f.fail(key, "a territory needs its ISO `country` and its `postal_prefixes`")
    aliases = read.strings(f, (*key, "aliases"), t.get("aliases", []))
    for alias in aliases:
        if not is_country(alias):
            f.fail((*key, "aliases"), f"unknown ISO 3166-1 code {alias!r}")
    if not s["source"].strip() and isinstance(t.get("source", ""), str):
        f.fail((*key, "source"), "is required")
    if len(f.problems) > before or valuation is None:
        return None
    return Jurisdiction(
        id=jid,
        name=s["name"] or jid,
        kind=kind,
        currency=currency,
        scheme=scheme,
        valuation=valuation,
        customs_union=str(t.get("customs_union", jid)),
        vat_area=str(t.get("vat_area", jid)),
        source=s["source"],
        where=f.where(*key),
        country=country,
        aliases=tuple(aliases),
        postal_prefixes=tuple(prefixes),
        states_file=s["states_file"],
        regimes=frozenset(regimes),
    )


def _rule(f: RuleFile, i: int, t: Any, jurisdiction: str) -> Rule | None:
    key: tuple[str | int, ...] = ("rules", i)
    if not isinstance(t, dict):
        f.fail(key, "must be a table")
        return None
    before = len(f.problems)
    for name in sorted(set(t) - RULE_KEYS):
        f.fail((*key, name), f"unknown field {name!r}")
    rule_id = _text(f, key, t, "rule_id")
    if rule_id is not None and not _RULE_ID.match(rule_id):
        f.fail((*key, "rule_id"), f"must be lower-case words joined by . or -, got {rule_id!r}")
    topic = read.enum_of(f, (*key, "topic"), Topic, t.get("topic"))
    confidence = read.enum_of(f, (*key, "confidence"), Confidence, t.get("confidence"))
    valid_from = _date(f, (*key, "valid_from"), t.get("valid_from"), required=True)
    valid_to = _date(f, (*key, "valid_to"), t.get("valid_to"), required=False)
    if valid_from and valid_to and valid_to < valid_from:
        f.fail((*key, "valid_to"), f"ends ({valid_to}) before it starts ({valid_from})")
    source = _text(f, key, t, "source")
    if source is not None and not source.strip():
        f.fail((*key, "source"), "is required")
    if topic is not None:
        _topic_fields(f, key, topic, t)
    params = _params(f, key, t)
    selectors = _selectors(f, key, t)
    if len(f.problems) > before or topic is None or confidence is None or valid_from is None:
        return None
    return Rule(
        rule_id=str(rule_id),
        topic=topic,
        jurisdiction=jurisdiction,
        valid_from=valid_from,
        valid_to=valid_to,
        source=str(source).strip(),
        confidence=confidence,
        where=f.where(*key),
        selectors=selectors,
        **params,
    )


def _topic_fields(f: RuleFile, key: tuple[str | int, ...], topic: Topic, t: dict) -> None:
    for name in REQUIRED[topic]:
        if name not in t:
            f.fail((*key, name), f"is required for topic {topic.value!r}")
    if topic in (Topic.DUTY_TABLE, Topic.DUTY_SURCHARGE) and not (
        "table" in t or "default_pct" in t
    ):
        f.fail((*key, "table"), "a duty table needs `table` rows, `default_pct`, or both")
    if topic is Topic.PROHIBITED and not ("categories" in t or "hs_prefixes" in t):
        f.fail(key, "a prohibition names `categories` or `hs_prefixes`")
    allowed = TREATMENTS.get(topic)
    treatment = t.get("treatment")
    if allowed is not None and isinstance(treatment, str) and treatment not in allowed:
        f.fail((*key, "treatment"), f"must be one of {', '.join(sorted(allowed))}")
    if topic is Topic.LOW_VALUE_DUTY and treatment == "per_subheading" and "amount" not in t:
        f.fail((*key, "amount"), "a per-subheading duty needs its `amount`")


def _params(f: RuleFile, key: tuple[str | int, ...], t: dict) -> dict[str, Any]:
    def pct(name: str, below: int = 101) -> Decimal | None:
        if isinstance(t.get(name), str):  # a number, as written: "12" is not 12 %
            f.fail((*key, name), f"must be a percentage from 0 to {below - 1}, got {t[name]!r}")
            return None
        return read.percent(f, (*key, name), t.get(name), below)

    def amount(name: str) -> Amount | None:
        found = read.amount(f, (*key, name), t.get(name))
        if found is not None and found.value >= MAX_AMOUNT:
            f.fail((*key, name), f"must be less than {MAX_AMOUNT:,}, got {t[name]!r}")
            return None
        return found

    s = {n: _text(f, key, t, n) or "" for n in ("id_type", "name", "note", "treatment")}
    if s["id_type"] and s["id_type"] not in ID_TYPES:
        f.fail((*key, "id_type"), f"must be one of {', '.join(sorted(ID_TYPES))}")
    battery = t.get("battery")
    weight = t.get("weight_limit_kg")
    real = isinstance(weight, int | float) and not isinstance(weight, bool)
    if weight is not None and (not real or not math.isfinite(weight) or weight <= 0):
        f.fail((*key, "weight_limit_kg"), f"must be a number > 0, got {weight!r}")
        weight = None
    illustrative = t.get("illustrative", False)
    if not isinstance(illustrative, bool):
        f.fail((*key, "illustrative"), f"must be true or false, got {illustrative!r}")
    return {
        "name": s["name"],
        "note": s["note"],
        "illustrative": illustrative is True,
        "rate": pct("rate_pct"),
        "consumption": pct("consumption_pct", below=100),
        "default_rate": pct("default_pct"),
        "amount": amount("amount"),
        "limit": amount("limit"),
        "annual_limit": amount("annual_limit"),
        "per_kg": amount("per_kg"),
        "weight_limit_kg": None if weight is None else Decimal(str(weight)),
        "table": read.table(f, key, t.get("table", [])),
        "bands": read.bands(f, key, t.get("bands", [])),
        "treatment": s["treatment"],
        "id_type": s["id_type"],
        "battery": None
        if battery is None
        else read.enum_of(f, (*key, "battery"), BatteryClass, battery),
        "except_origins": frozenset(
            read.countries(f, (*key, "except_origins"), t, "except_origins")
        ),
    }


def _selectors(f: RuleFile, key: tuple[str | int, ...], t: dict) -> Selectors:
    def listed(name: str, check: Callable[[str], Any]) -> frozenset | None:
        if name not in t:
            return None
        values = read.strings(f, (*key, name), t[name])
        if not values:
            f.fail((*key, name), "must not be empty (leave it out to mean any)")
        return frozenset(v for v in (check(x) for x in values) if v is not None)

    def category(value: str) -> GoodsCategory | None:
        return read.enum_of(f, (*key, "categories"), GoodsCategory, value)

    def mode(value: str) -> Mode | None:
        return read.enum_of(f, (*key, "modes"), Mode, value)

    def state(value: str) -> str | None:
        if not re.fullmatch(r"[A-Z]{2}", value):
            f.fail((*key, "states"), f"must be two-letter state codes, got {value!r}")
        return value

    def seller(value: str) -> str | None:
        if value not in SELLER_PROGRAMMES:
            f.fail((*key, "sellers"), f"must be one of {', '.join(sorted(SELLER_PROGRAMMES))}")
        return value

    hs = None
    if "hs_prefixes" in t:
        hs = tuple(
            read.hs_prefix(f, (*key, "hs_prefixes"), v)
            for v in read.strings(f, (*key,), t["hs_prefixes"])
        )
    origins = read.countries(f, (*key, "origins"), t, "origins")
    return Selectors(
        categories=listed("categories", category),
        hs_prefixes=hs,
        states=listed("states", state),
        origins=frozenset(origins) if "origins" in t else None,
        sellers=listed("sellers", seller),
        modes=listed("modes", mode),
    )


def _text(f: RuleFile, key: tuple[str | int, ...], t: dict, name: str) -> str | None:
    """A string field ("" when not given); another TOML type is a problem, and None."""
    value = t.get(name, "")
    if isinstance(value, str):
        return value
    f.fail((*key, name), f"must be a string, got {value!r}")
    return None


def _date(f: RuleFile, key: tuple, value: Any, required: bool) -> date | None:
    """A TOML date or "YYYY-MM-DD"; not a date-time, a number or "20260101"."""
    text = isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value)
    if not (value is None or type(value) is date or text):
        f.fail(key, f"must be a date YYYY-MM-DD, got {value!r}")
        return None
    return read.date_of(f, key, value, required)
