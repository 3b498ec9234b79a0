"""Load on the editor's web app: concurrent clients on the search and work pages, on loopback.

    python benchmarks/web_load.py --library DIR [--clients 20] [--seconds 30] [--json]

Starts `vissue serve --port 0` on the library (127.0.0.1 only), waits for the search index, then
runs N clients for S seconds, each one request after another, half of them search pages (a
different query each time, from a list) and half work pages (by library id, DOI or WoS
accession, in turn). Reports throughput and latency percentiles per page and overall. Bounded:
it stops after S seconds or 200,000 requests, and stops the server. Any error (a status other
than 200, a timeout, a dropped connection) fails the run: exit status 1, with the first errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import httpx

QUERIES = [
    "mass protests in Kazakhstan after a fuel price rise", "water management in the Aral Sea basin",
    "labour migration from Tajikistan to Russia", "Chinese investment and the Belt and Road in Central Asia",
    "Islam and the state in Uzbekistan", "authoritarian elections in Kyrgyzstan", "nation-building and language policy",
    "oil and gas revenues and the resource curse", "Russian troops and regional security organisations",
    "corruption and the courts", "media control and legitimacy", "health inequality in Kazakhstan",
    "climate change and glaciers in the Pamir", "irrigation and cotton", "the Collective Security Treaty Organization",
    "presidential succession in Kazakhstan", "ethnic Russians in northern Kazakhstan", "Afghanistan and border security",
    "agricultural reform after the Soviet Union", "remittances and household income", "civil society and NGOs",
    "urban protest in Almaty", "Turkmenistan gas exports", "education reform and universities",
]
MAX_REQUESTS = 200_000


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"search": [], "work": []})
    errors: list[str] = field(default_factory=list)
    requests: int = 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_server(library: str) -> tuple[subprocess.Popen[str], str, float]:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "vissue", "--library", library, "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"vissue serve did not start: {line!r}")
    return process, found.group(1), time.perf_counter() - started


def wait_for_index(url: str, timeout: float = 900) -> float:
    started = time.perf_counter()
    while True:
        status = httpx.get(f"{url}/api/status", timeout=10).json()
        if status["index"] == "ready":
            return status["index_seconds"] or 0.0
        if status["index"] == "failed" or time.perf_counter() - started > timeout:
            raise SystemExit(f"the search index did not load: {status}")
        time.sleep(0.5)


def work_paths(url: str) -> list[str]:
    """Work pages by each kind of identifier: library id, DOI, WoS accession."""
    paths: list[str] = []
    for query in QUERIES[:8]:
        hits = httpx.get(f"{url}/api/search", params={"q": query, "k": 20}, timeout=60).json()["hits"]
        for hit in hits:
            ids = hit["ids"]
            paths.append(f"/works/{hit['id']}")
            if ids.get("doi"):
                paths.append(f"/works/{quote(ids['doi'], safe='/')}")
            if ids.get("wos"):
                paths.append(f"/works/{ids['wos']}")
    return sorted(set(paths))


async def client(number: int, http: httpx.AsyncClient, works: list[str], deadline: float, tally: Tally) -> None:
    turn = number
    while time.perf_counter() < deadline and tally.requests < MAX_REQUESTS:
        turn += 1
        if turn % 2:
            kind, path = "search", "/search?" + urlencode({"q": QUERIES[turn % len(QUERIES)], "k": 20})
        else:
            kind, path = "work", works[turn % len(works)]
        tally.requests += 1
        started = time.perf_counter()
        try:
            answer = await http.get(path)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                tally.errors.append(f"{path}: HTTP {answer.status_code}: {answer.text[:200]}")
                continue
        except httpx.HTTPError as e:
            tally.errors.append(f"{path}: {type(e).__name__}: {e}")
            continue
        tally.latencies[kind].append(elapsed * 1000)


async def run(url: str, works: list[str], clients: int, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30,
                                 headers={"accept": "text/html"}) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(n, http, works, started + seconds, tally) for n in range(clients)))
        return tally, time.perf_counter() - started


def summary(tally: Tally, wall: float) -> dict[str, object]:
    rows: dict[str, object] = {}
    everything = [x for values in tally.latencies.values() for x in values]
    for kind, values in [*tally.latencies.items(), ("all", everything)]:
        if not values:
            continue
        rows[kind] = {"requests": len(values), "per_second": round(len(values) / wall, 1),
                      "p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 0.95), 1),
                      "p99_ms": round(percentile(values, 0.99), 1), "max_ms": round(max(values), 1)}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="a library folder (its indexes are built if need be)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("--clients 1 to 200 and --seconds 1 to 600")
    process, url, startup = start_server(args.library)
    try:
        index_seconds = wait_for_index(url)
        works = work_paths(url)
        for path in ["/", "/search?q=warm+up", works[0]]:  # first requests of each page
            httpx.get(url + path, timeout=60).raise_for_status()
        tally, wall = asyncio.run(run(url, works, args.clients, args.seconds))
    finally:
        process.terminate()
        process.wait(15)
    result = {"clients": args.clients, "seconds": round(wall, 1), "startup_s": round(startup, 2),
              "index_s": round(index_seconds, 1), "errors": len(tally.errors), "pages": summary(tally, wall)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"vissue serve: address printed after {startup:.2f} s; search index ready after {index_seconds:.1f} s")
        print(f"{args.clients} clients for {wall:.1f} s on {url} ({len(works)} work pages, {len(QUERIES)} queries)")
        print(f"{'page':8} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for kind, row in result["pages"].items():  # type: ignore[union-attr]
            print(f"{kind:8} {row['requests']:9d} {row['per_second']:7.1f} {row['p50_ms']:8.1f} "
                  f"{row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f}")
    if tally.errors:
        print(f"FAILED: {len(tally.errors)} errors; the first ones:", file=sys.stderr)
        for error in tally.errors[:10]:
            print("  " + error, file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
