"""What bench/soak.py saw (every answer by phase, the workers' memory, the plan jobs'
states) and its report of it: each figure beside its target."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.soak_mix import Mix, Request

TARGET_GROWTH = 0.05  # of the workers' RSS after warm-up
HEALTH_P99_S = 0.05  # the target for a liveness probe while quotes run
FINAL = ("succeeded", "failed", "cancelled")


@dataclass
class Answer:
    request: Request
    status: int  # 0: no answer (the connection dropped, or TIMEOUT_S passed)
    sent_at: float  # perf_counter
    seconds: float
    location: str | None


@dataclass
class Run:
    """Everything the soak saw."""

    phase: str = "warm-up"  # warm-up, capacity, soak, check
    started: float = field(default_factory=time.perf_counter)
    answers: dict[str, list[Answer]] = field(default_factory=dict)  # by phase
    memory: list[tuple[float, dict[int, int]]] = field(default_factory=list)  # (s, pid -> RSS)
    jobs: dict[str, str] = field(default_factory=dict)  # job Location -> last state seen

    def all(self) -> list[Answer]:
        return [a for answers in self.answers.values() for a in answers]

    def record(self, answer: Answer, mix: Mix) -> None:
        self.answers.setdefault(self.phase, []).append(answer)
        kind = answer.request.kind
        if answer.location and kind == "quote" and answer.status == 201:
            mix.stored.append(answer.location)
        if answer.location and kind in ("plan", "plan_replay") and answer.status == 202:
            self.jobs.setdefault(answer.location, "queued")


def percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "none"
    ordered = sorted(seconds)
    p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms ({len(ordered)})"


def verdict(meets: bool) -> str:
    return "meets" if meets else "MISSES"


def report_traffic(run: Run) -> bool:
    answers = run.all()
    print("requests by kind (all phases; statuses):")
    for kind in dict.fromkeys(a.request.kind for a in answers):
        mine = Counter(a.status for a in answers if a.request.kind == kind)
        shown = ", ".join(f"{s or 'no answer'} x {n}" for s, n in sorted(mine.items()))
        print(f"  {kind:12} {sum(mine.values()):7}   {shown}")
    accepted = Counter(a.request.variant for a in answers
                       if a.request.kind == "invalid" and 200 <= a.status < 300)  # fmt: skip
    if accepted:
        print(
            "  invalid requests answered 2xx (the server took them as valid): "
            + ", ".join(f"{variant} x {n}" for variant, n in sorted(accepted.items()))
        )
    soaked = run.answers.get("soak", [])
    quotes = [a.seconds for a in soaked if a.request.kind == "quote" and a.status == 201]
    print(f"latency in the soak: all requests {percentiles([a.seconds for a in soaked])}; "
          f"valid quotes (201) {percentiles(quotes)}")  # fmt: skip
    probes = sorted(a.seconds for a in soaked if a.request.kind == "health")
    live = bool(probes) and probes[int(len(probes) * 0.99)] <= HEALTH_P99_S
    print(
        f"GET /healthz meanwhile: {percentiles(probes)}, slowest "
        f"{max(probes, default=0) * 1000:.1f} ms   target p99 <= 50 ms   {verdict(live)}"
    )
    errors = sum(a.status >= 500 for a in answers)
    unanswered = sum(a.status == 0 for a in answers)
    print(f"5xx answers: {errors}; unanswered: {unanswered}   target 0 x 5xx, every request "
          f"answered   {verdict(errors == unanswered == 0)}")  # fmt: skip
    return errors == unanswered == 0 and live


def report_memory(run: Run, minutes: float) -> bool:
    """The workers' RSS at warm-up (the first minute, or half a shorter run) and at the
    end; the growth of their sum, and of the worst worker."""
    warm_at = min(60.0, minutes * 30)
    warm = next(((t, rss) for t, rss in run.memory if t >= warm_at), run.memory[-1])
    end = run.memory[-1]
    same = sorted(set(warm[1]) & set(end[1]))
    replaced = len(set(warm[1]) ^ set(end[1]))
    before, after = sum(warm[1][p] for p in same), sum(end[1][p] for p in same)
    growth = after / before - 1 if before else 0.0
    worst = max((end[1][p] / warm[1][p] - 1 for p in same), default=0.0)
    meets = worst <= TARGET_GROWTH and replaced == 0 and bool(same)
    print(f"memory (RSS of {len(same)} workers): warm-up (at {warm[0]:.0f} s) "
          f"{before / 2**20:.1f} MiB, end (at {end[0]:.0f} s) {after / 2**20:.1f} MiB: "
          f"{growth:+.1%} (worst worker {worst:+.1%}); workers replaced: {replaced}   "
          f"target <= {TARGET_GROWTH:.0%}, none replaced   {verdict(meets)}")  # fmt: skip
    return meets


def report_lost(run: Run, stored: int, checked: int | None) -> bool:
    """Stored quotes read back (`checked` of the `stored`; None: the server was gone)
    and plan jobs ended."""
    reads = Counter(a.status for a in run.answers.get("check", []))
    quotes_ok = reads[200] == checked if checked is not None else stored == 0
    scope = "all" if checked == stored else "a random sample" if checked else "none"
    print(f"stored quotes read back: {reads[200]} of {checked or 0} ({scope} of {stored}) "
          f"answered 200; others {dict(reads - Counter({200: reads[200]})) or 'none'}   "
          f"target all   {verdict(quotes_ok)}")  # fmt: skip
    states = Counter(run.jobs.values())
    ended = sum(states[s] for s in FINAL)
    jobs_ok = ended == len(run.jobs)
    print(f"plan jobs: {len(run.jobs)}: {dict(states)}; not ended after the drain: "
          f"{len(run.jobs) - ended}   target all ended   {verdict(jobs_ok)}")  # fmt: skip
    return quotes_ok and jobs_ok


def report_failures(run: Run, said_by_id: dict[str, list[str]]) -> None:
    """Every distinct 5xx (or unanswered request): kind, status, the server's words; in
    the order they first came (when a worker hangs, the first unanswered request is the
    likely culprit, and the others its victims)."""
    groups: dict[tuple[str, str, int, str], list[Answer]] = {}
    for answer in run.all():
        if answer.status >= 500 or answer.status == 0:
            request = answer.request
            said = "; ".join(dict.fromkeys(said_by_id.get(request.request_id, [])))
            key = (request.kind, request.variant, answer.status, said or "(nothing logged)")
            groups.setdefault(key, []).append(answer)
    ordered = sorted(groups.items(), key=lambda group: min(a.sent_at for a in group[1]))
    for n, ((kind, variant, status, said), answers) in enumerate(ordered, 1):
        first = min(answers, key=lambda answer: answer.sent_at)
        head, _, body = first.request.payload.partition(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0].decode()
        shown = body[:300].decode("utf-8", "replace") + (" ..." if len(body) > 300 else "")
        print(f"\n{status or 'no answer'} #{n}: {kind}{f' ({variant})' if variant else ''}, "
              f"{len(answers)} x, first at {first.sent_at - run.started:.1f} s: {line} "
              f"[{first.request.request_id}], {len(body)} bytes: {shown}\n"
              f"  server log: {said}")  # fmt: skip
