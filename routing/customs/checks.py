"""Whole-directory checks of a rules directory, after every file has been read: references
between jurisdictions, the states tables, overlapping versions of one rule, and two rules
that would answer the same question for the same goods on the same day."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from itertools import combinations, pairwise
from pathlib import Path

from carriers.errors import Problem
from routing.customs.rulebook import CustomsRules, Jurisdiction, StateRange, StateTable
from routing.customs.rules import Rule, Topic

# Topics where every rule in force applies (all ids required, all bans); the others must
# give one answer for any goods on any day.
MULTI_TOPICS = frozenset(
    {
        Topic.BUYER_ID,
        Topic.PROHIBITED,
        Topic.BATTERY_BAN,
        Topic.POSITIVE_LIST,
        Topic.FULL_RATE_GOODS,
    }
)


def reference_problems(jurisdictions: dict[str, Jurisdiction]) -> list[Problem]:
    problems = []
    for j in jurisdictions.values():
        for field in ("customs_union", "vat_area"):
            target = getattr(j, field)
            if target != j.id and target not in jurisdictions:
                problems.append(Problem(j.where, field, f"unknown jurisdiction {target!r}"))
    if sum(j.kind == "global" for j in jurisdictions.values()) > 1:
        problems.append(Problem("customs", "kind", "only one jurisdiction may be global"))
    return problems


def read_states(
    directory: Path, jurisdictions: dict[str, Jurisdiction], problems: list[Problem]
) -> dict[str, StateTable]:
    tables = {}
    for j in jurisdictions.values():
        if not j.states_file:
            continue
        path = directory / j.states_file
        if not path.is_file():
            problems.append(Problem(j.where, "states_file", f"{path} is missing"))
            continue
        tables[j.id] = _state_table(path, problems)
    return tables


def _state_table(path: Path, problems: list[Problem]) -> StateTable:
    ranges: list[StateRange] = []
    widths = set()
    with path.open(newline="", encoding="utf-8") as handle:
        numbered = [(n, text) for n, text in enumerate(handle, 1) if not text.startswith("#")]
    reader = csv.DictReader(text for _, text in numbered)
    for row in reader:
        line = numbered[reader.line_num - 1][0]
        low, high = (row.get("from") or "").strip(), (row.get("to") or "").strip()
        state = (row.get("state") or "").strip()
        if not (low.isdigit() and high.isdigit() and len(low) == len(high) and low <= high):
            problems.append(Problem(f"{path}:{line}", "from", "needs digits from <= to"))
            continue
        if not re.fullmatch(r"[A-Z]{2}", state):
            problems.append(Problem(f"{path}:{line}", "state", f"bad state code {state!r}"))
            continue
        widths.add(len(low))
        ranges.append(StateRange(int(low), int(high), state))
    ranges.sort(key=lambda r: r.low)
    for a, b in pairwise(ranges):
        if b.low <= a.high:
            problems.append(Problem(f"{path}:1", "from", f"ranges of {a.state}, {b.state} overlap"))
    if len(widths) != 1:
        problems.append(Problem(f"{path}:1", "from", "every code must have the same digits"))
    return StateTable(str(path), widths.pop() if widths else 0, tuple(ranges))


def version_overlaps(rules: list[Rule]) -> list[Problem]:
    problems = []
    by_id: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_id[rule.rule_id].append(rule)
    for rule_id, versions in by_id.items():
        for a, b in combinations(versions, 2):
            if (a.jurisdiction, a.topic) != (b.jurisdiction, b.topic):
                problems.append(
                    Problem(b.where, "rule_id", f"{rule_id} is also a different rule at {a.where}")
                )
            elif a.overlaps_in_time(b):
                problems.append(
                    Problem(
                        b.where,
                        "valid_from",
                        f"{rule_id} ({b.validity}) overlaps its version at {a.where} "
                        f"({a.validity})",
                    )
                )
    return problems


def topic_conflicts(rules: CustomsRules) -> list[Problem]:
    """Two rules of one single-answer topic that a destination could see for the same goods
    on the same day at the same specificity."""
    problems: dict[tuple[str, str], Problem] = {}
    for jid in rules.jurisdictions:
        by_topic: dict[Topic, list[Rule]] = defaultdict(list)
        for rule in rules.visible(jid):
            if rule.topic not in MULTI_TOPICS:
                by_topic[rule.topic].append(rule)
        for group in by_topic.values():
            for a, b in combinations(group, 2):
                if a.rule_id == b.rule_id or not a.overlaps_in_time(b):
                    continue
                if a.selectors.overlaps(b.selectors):
                    problems[(a.where, b.where)] = Problem(
                        b.where,
                        "topic",
                        f"{b.rule_id} and {a.rule_id} ({a.where}) both answer "
                        f"{a.topic.value!r} for the same goods on overlapping dates",
                    )
    return list(problems.values())
