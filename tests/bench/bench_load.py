"""Load benchmark: the server as a course uses it, on loopback, bounded in time (locust).

Run: ``python tests/bench/bench_load.py [--scenario NAME ...] [--workers N] [--json OUT]``
(needs the ``bench`` extra: ``pip install -e ".[bench]"``).  It starts ``approxlab serve``
on a free loopback port with the default configuration (``--workers N`` overrides the
worker count, ``--source DIR`` serves another checkout, e.g. ``main`` for a before/after
comparison), drives it with locust's library API and prints one table per scenario:

``hits``       20 users fetching a fixed warm set (every scene at its defaults) with gzip,
               no think time: throughput and latency of cache hits.
``sweep``      the warm set, then 200 unique one-off requests, then the warm set again: the
               second sweep should be as fast as the first (the warm set survived).
``classroom``  30 students: bursts of 15 slider requests 50 ms apart, 2–5 s pauses, on
               threshold (ε), sawtooth (L) and maurey (k, per-student seed), gzip.  Budget
               (2 cores): p95 ≤ 100 ms, p99 ≤ 250 ms in the steady state.
``attack``     the same class plus 4 connections of maximal requests (cache-missing seeds)
               and one sending 21 MB bodies to POST /api/v1/pieces, and a health probe
               every 0.5 s.  Budget: students' p50 ≤ 2× the classroom's, health p99 ≤ 1 s.
``misses``     40 concurrent identical ``sawtooth?L=20&f=tent`` (not warmed): server CPU
               seconds (≈ 1 computation ≈ 1 s), wall time, peak RSS of the process tree.
               Budget: computed once, peak RSS ≤ 1.5 GB.

Errors other than deliberate 503 (busy), 413 (body too large) and 422 are counted and
reported.  A report, not a test: exit status 0 unless ``--check`` is given and a budget
fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import gevent
import psutil
from gevent.pool import Pool
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parents[2]
DELIBERATE = {413, 422, 503}
HEADERS = {"Accept-Encoding": "gzip"}

#: The warm set: every scene at its defaults (filled by the server's startup warm-up), read
#: from the registry so that a new scene is in it.
WARM_SET = list(__import__("approxlab.scenes.registry", fromlist=["SCENES"]).SCENES)

#: Slider positions: a 60-step log slider for ε and k, L from 1 to 20.
EPS = [round(10 ** (-3 + i * (3 + (-0.30103)) / 59), 4) for i in range(60)]
KS = sorted({max(1, round(10 ** (i * 4 / 59))) for i in range(60)})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``approxlab serve`` on a free port; RSS and CPU of its whole process tree."""

    def __init__(self, workers: int | None, source: Path | None, env: dict[str, str]):
        self.port = free_port()
        cmd = [sys.executable, "-m", "approxlab.cli", "serve", "--port", str(self.port)]
        if workers:
            cmd += ["--workers", str(workers)]
        e = {**os.environ, **env}
        if source is not None:
            e["PYTHONPATH"] = str(source / "backend")
        self.proc = subprocess.Popen(
            cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        self.peak_rss = 0
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._poll, daemon=True)
        self._watch.start()

    def tree(self) -> list[psutil.Process]:
        p = psutil.Process(self.proc.pid)
        return [p, *p.children(recursive=True)]

    def rss(self) -> int:
        total = 0
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def cpu(self) -> float:
        total = 0.0
        for p in self.tree():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def _poll(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.peak_rss = max(self.peak_rss, self.rss())
            time.sleep(0.02)

    def settle(self, seconds: float = 12.0) -> None:
        """Wait until the startup warm-up is done (CPU goes quiet) — at most ``seconds``."""
        deadline = time.monotonic() + seconds
        last = self.cpu()
        time.sleep(1.0)
        while time.monotonic() < deadline:
            now = self.cpu()
            if now - last < 0.05:
                return
            last = now
            time.sleep(1.0)

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- users ---------------------------------------------------------------------------------


class Base(FastHttpUser):
    abstract = True
    network_timeout = 30.0
    connection_timeout = 10.0

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, headers=HEADERS, name=name, catch_response=True) as r:
            if r.status_code == 200 or r.status_code in DELIBERATE:
                r.success()
            else:
                r.failure(f"HTTP {r.status_code}")


class HitUser(Base):
    wait_time = constant(0)

    @task
    def hit(self) -> None:
        self.get(f"/api/v1/scenes/{random.choice(WARM_SET)}", "hit")


_student_ids = iter(range(1, 10_000))


class Student(Base):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.seed = next(_student_ids)
        self.rng = random.Random(self.seed)

    @task
    def burst(self) -> None:
        rng = self.rng
        scene = rng.choice(["threshold", "sawtooth", "maurey"])
        values = {"threshold": EPS, "sawtooth": list(range(1, 21)), "maurey": KS}[scene]
        i = rng.randrange(len(values))
        direction = rng.choice([-1, 1])
        for _ in range(15):
            i = min(max(i + direction, 0), len(values) - 1)
            v = values[i]
            path = {
                "threshold": f"/api/v1/scenes/threshold?eps={v}",
                "sawtooth": f"/api/v1/scenes/sawtooth?L={v}",
                "maurey": f"/api/v1/scenes/maurey?k={v}&seed={self.seed}",
            }[scene]
            t0 = time.monotonic()
            self.get(path, "student")
            gevent.sleep(max(0.0, 0.05 - (time.monotonic() - t0)))
        gevent.sleep(rng.uniform(2.0, 5.0))


class Attacker(Base):
    wait_time = constant(0)

    @task
    def expensive(self) -> None:
        s = random.randrange(1_000_000)
        path = random.choice(
            [
                f"/api/v1/scenes/linearization?m=100000&activation=softplus&seed={s}",
                f"/api/v1/scenes/maurey?k=10000&trials=2000&seed={s}",
                f"/api/v1/scenes/linearization?m=100000&B=20&seed={s}",
                "/api/v1/scenes/sawtooth?L=20&f=tent",
            ]
        )
        self.get(path, "attack")


#: 21 MB of syntactically valid JSON: one layer with a huge weight list.
BIG_BODY = (
    b'{"layers": [{"weight": [['
    + b",".join([b"1.0"] * 5_250_000)
    + b']], "bias": [0.0]}], "domain": [0, 1]}'
)


class BigPoster(Base):
    wait_time = constant(0)

    @task
    def post(self) -> None:
        with self.client.post(
            "/api/v1/pieces",
            data=BIG_BODY,
            headers={"Content-Type": "application/json"},
            name="21MB",
            catch_response=True,
        ) as r:
            if r.status_code in DELIBERATE or r.status_code == 0:
                r.success()  # 0: the server closed the connection after answering 413
            else:
                r.failure(f"HTTP {r.status_code}")


class Prober(Base):
    wait_time = constant(0.5)

    @task
    def health(self) -> None:
        self.get("/api/v1/health", "health")


# -- scenarios -----------------------------------------------------------------------------


def run_users(
    host: str,
    classes: dict[type[FastHttpUser], int],
    seconds: float,
    warm: float = 0.0,
) -> dict[str, dict[str, Any]]:
    """Run ``classes`` (user class → count) for ``warm`` + ``seconds``; stats of the last
    ``seconds`` per request name."""
    env = Environment(user_classes=list(classes), host=host, events=events)
    runner = env.create_local_runner()
    for cls in classes:
        cls.fixed_count = classes[cls]
    runner.start(sum(classes.values()), spawn_rate=100)
    if warm:
        gevent.sleep(warm)
        env.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    out: dict[str, dict[str, Any]] = {}
    for (name, _method), s in env.stats.entries.items():
        codes: dict[str, int] = {}
        for err in env.stats.errors.values():
            if err.name == name:
                codes[str(err.error)] = codes.get(str(err.error), 0) + err.occurrences
        out[name] = {
            "requests": s.num_requests,
            "rps": round(s.num_requests / seconds, 1),
            "p50": s.get_response_time_percentile(0.5),
            "p95": s.get_response_time_percentile(0.95),
            "p99": s.get_response_time_percentile(0.99),
            "max": round(s.max_response_time or 0),
            "failures": s.num_failures,
            "errors": codes,
        }
    for cls in classes:
        cls.fixed_count = 0
    return out


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers)


def sweep_time(host: str, paths: list[str]) -> float:
    t0 = time.perf_counter()
    for p in paths:
        fetch(host + p, HEADERS)
    return (time.perf_counter() - t0) * 1e3


def scenario_sweep(server: Server) -> dict[str, Any]:
    warm = [f"/api/v1/scenes/{s}" for s in WARM_SET]
    first = sweep_time(server.url, warm)
    one_off = [f"/api/v1/scenes/grid?d=2&eps={0.05 + i * 1e-4:.4f}" for i in range(200)]
    t0 = time.perf_counter()
    pool = Pool(2)
    pool.map(lambda p: fetch(server.url + p, HEADERS), one_off)
    one_off_ms = (time.perf_counter() - t0) * 1e3
    second = sweep_time(server.url, warm)
    return {
        "warm set, first sweep ms": round(first),
        "200 one-off requests ms": round(one_off_ms),
        "warm set after them ms": round(second),
        "rss MB": round(server.rss() / 2**20),
    }


def scenario_misses(server: Server) -> dict[str, Any]:
    url = server.url + "/api/v1/scenes/sawtooth?L=20&f=tent"
    cpu0, server.peak_rss = server.cpu(), server.rss()
    rss0 = server.peak_rss
    t0 = time.perf_counter()
    pool = Pool(40)
    results = pool.map(lambda _: fetch(url, HEADERS), range(40))
    wall = time.perf_counter() - t0
    time.sleep(1.0)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    timing = [h.get("server-timing", h.get("Server-Timing", "")) for _, h in results]
    return {
        "statuses": statuses,
        "wall s": round(wall, 2),
        "server CPU s": round(server.cpu() - cpu0, 2),
        "computed (Server-Timing miss)": sum("miss" in t for t in timing) or "n/a",
        "rss before MB": round(rss0 / 2**20),
        "peak rss MB": round(server.peak_rss / 2**20),
        "rss after MB": round(server.rss() / 2**20),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--scenario",
        nargs="*",
        default=["hits", "sweep", "classroom", "attack", "misses"],
        choices=["hits", "sweep", "classroom", "attack", "misses"],
    )
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--source", type=Path, default=None, help="serve this checkout instead")
    ap.add_argument("--seconds", type=float, default=40.0, help="classroom/attack duration")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--check", action="store_true", help="exit 1 if a budget fails")
    ap.add_argument("--attackers", nargs=2, metavar=("URL", "SECONDS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.attackers:
        url, seconds = args.attackers
        print(json.dumps(run_users(url, {Attacker: 4, BigPoster: 1}, float(seconds))))
        return 0

    report: dict[str, Any] = {"workers": args.workers or "default"}
    failed: list[str] = []

    def fresh() -> Server:
        s = Server(args.workers, args.source, {})
        s.settle()
        return s

    if "hits" in args.scenario:
        s = fresh()
        try:
            run_users(s.url, {HitUser: 20}, 2.0)  # every URL once
            report["hits"] = run_users(s.url, {HitUser: 20}, 15.0)
        finally:
            s.stop()
        print("hits", json.dumps(report["hits"]), flush=True)
    if "sweep" in args.scenario:
        s = fresh()
        try:
            report["sweep"] = scenario_sweep(s)
        finally:
            s.stop()
        print("sweep", json.dumps(report["sweep"]), flush=True)
    if "classroom" in args.scenario:
        s = fresh()
        try:
            report["classroom"] = run_users(s.url, {Student: 30}, args.seconds, warm=10.0)
            report["classroom"]["rss MB"] = round(s.rss() / 2**20)
        finally:
            s.stop()
        st = report["classroom"]["student"]
        print("classroom", json.dumps(report["classroom"]), flush=True)
        if st["p95"] > 100 or st["p99"] > 250 or st["failures"]:
            failed.append("classroom")
    if "attack" in args.scenario:
        s = fresh()
        try:
            # the attackers run in their own (niced) process, as if on another machine: their
            # client-side work (21 MB bodies) must not delay the students' clock
            attack = subprocess.Popen(
                [sys.executable, __file__, "--attackers", s.url, str(args.seconds + 10)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                preexec_fn=lambda: os.nice(10),
            )
            report["attack"] = run_users(s.url, {Student: 30, Prober: 1}, args.seconds, warm=10.0)
            out, _ = attack.communicate(timeout=120)
            report["attack"].update(json.loads(out.decode().strip().splitlines()[-1]))
            report["attack"]["peak rss MB"] = round(s.peak_rss / 2**20)
        finally:
            s.stop()
        print("attack", json.dumps(report["attack"]), flush=True)
        base = report.get("classroom", {}).get("student", {}).get("p50")
        a = report["attack"]
        if (base and a["student"]["p50"] > 2 * base) or a["health"]["p99"] > 1000:
            failed.append("attack")
    if "misses" in args.scenario:
        s = fresh()
        try:
            report["misses"] = scenario_misses(s)
        finally:
            s.stop()
        print("misses", json.dumps(report["misses"]), flush=True)
        if report["misses"]["peak rss MB"] > 1536 or report["misses"]["server CPU s"] > 3:
            failed.append("misses")

    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    print("budgets failed:", ", ".join(failed) or "none")
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
