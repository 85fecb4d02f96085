"""Load benchmark of the HTTP service (not a test): latency of POST /api/diagnose under load.

It starts `raredx serve` on a free loopback port with a throw-away SQLite database (or uses
``--url`` with ``--token``), builds a pool of real phenotype terms through the term search, and
sends ``--requests`` diagnose requests from ``--clients`` concurrent clients (each a thread with
its own HTTP connection). Patients are 3-8 observed and 0-2 absent terms drawn with a fixed seed.
Then, with ``--cases N``, it stores N cases concurrently and checks every one can be read back
(no lost case). Prints a JSON report (p50/p95/p99, throughput, errors by status).

The clients are closed-loop (each sends its next request when the previous one is answered), so
by Little's law the mean latency is about ``clients / throughput``: on a machine whose cores the
server shares with this generator, latency under load is mostly queueing behind the CPU cost of
each request. The report therefore also gives that cost: ``server_cpu_ms_per_request`` (all
server processes, from /proc), ``load_generator_cpu_ms_per_request``, and the time inside the
server (``server_p50_ms``/``server_p95_ms``, from the ``Server-Timing`` header, which includes
waiting for a worker thread and the GIL). ``--client stdlib`` (default) uses http.client: 0.5 ms of
CPU per request against 3.2 ms for ``--client httpx`` (measured on the 2-core dev machine).

    python benchmarks/load_api.py --data-dir /tmp/kd --clients 20 --requests 2000

Traffic goes to 127.0.0.1 only; every loop is bounded in count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

WORDS = ["seizure", "hypotonia", "microcephaly", "short stature", "intellectual disability",
         "cataract", "hearing impairment", "scoliosis", "atrial septal defect", "renal cyst",
         "cleft palate", "ptosis", "hepatomegaly", "ataxia", "nystagmus", "obesity",
         "developmental delay", "macrocephaly", "hypertelorism", "brachydactyly", "myopia",
         "cardiomyopathy", "anemia", "failure to thrive", "spasticity", "joint hypermobility",
         "retinal dystrophy", "polydactyly", "hydrocephalus", "muscle weakness"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(args: list[str], env: dict, stdin: str = "") -> str:
    res = subprocess.run([sys.executable, "-c", "from raredx.cli import main; main()", *args],
                         env=env, input=stdin, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        sys.exit(f"raredx {' '.join(args)} failed: {res.stderr}")
    return res.stdout.strip().splitlines()[-1]


def _start(data_dir: Path | None, workers: int, tmp: Path) -> tuple[subprocess.Popen, str, str]:
    env = {**os.environ, "RAREDX_DATABASE_URL": f"sqlite:///{tmp / 'load.sqlite3'}"}
    token = _cli(["users", "create", "load-bench"], env)
    port = _free_port()
    cmd = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--log-level", "WARNING"]
    if data_dir:
        cmd += ["--data-dir", str(data_dir)]
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from raredx.cli import main; main()", *cmd],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited: {(tmp / 'server.log').read_text()}")
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return proc, url, token
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    sys.exit("server did not start in 300 s")


def _term_pool(url: str, token: str) -> list[str]:
    pool: list[str] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        for w in WORDS:
            for hit in c.get("/api/terms", params={"q": w, "limit": 5}).json():
                if hit["id"] not in pool:
                    pool.append(hit["id"])
    if len(pool) < 10:
        sys.exit(f"term pool too small ({len(pool)}): is the knowledge release loaded?")
    return pool


def _patients(pool: list[str], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        terms = rng.sample(pool, rng.randint(3, 10))
        k = rng.randint(3, min(8, len(terms)))
        out.append({"present": terms[:k], "excluded": terms[k:k + rng.randint(0, 2)],
                    "sex": rng.choice(["female", "male", "unknown"]),
                    "age_years": round(rng.uniform(0, 60), 1)})
    return out


class _Stdlib:
    """A keep-alive HTTP/1.1 client on the standard library (much less CPU per request than
    httpx: the load generator shares the server's cores, so its own cost shows up as latency)."""

    def __init__(self, url: str, token: str) -> None:
        host, port = url.split("://", 1)[1].rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> tuple[int, bytes, str | None]:
        self.conn.request("POST", path, body=json.dumps(body), headers=self.headers)
        r = self.conn.getresponse()
        return r.status, r.read(), r.getheader("server-timing")

    def close(self) -> None:
        self.conn.close()


class _Httpx:
    def __init__(self, url: str, token: str) -> None:
        self.c = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                              timeout=120)

    def post(self, path: str, body: dict) -> tuple[int, bytes, str | None]:
        r = self.c.post(path, json=body)
        return r.status_code, r.content, r.headers.get("server-timing")

    def close(self) -> None:
        self.c.close()


def _server_ms(header: str | None) -> float | None:
    """``Server-Timing: app;dur=12.3`` → 12.3 (time inside the server until it answered)."""
    if not header or "dur=" not in header:
        return None
    return float(header.split("dur=", 1)[1].split(",", 1)[0].split(";", 1)[0])


def _run(url: str, token: str, bodies: list[dict], path: str, clients: int, kind: str = "stdlib"
         ) -> tuple[list[float], dict[str, int], list[dict], list[float]]:
    latencies: list[float] = []
    server: list[float] = []
    statuses: dict[str, int] = {}
    answers: list[dict] = []
    lock = threading.Lock()
    next_i = iter(range(len(bodies)))
    make = _Stdlib if kind == "stdlib" else _Httpx

    def client() -> None:
        c = make(url, token)
        try:
            while True:
                with lock:
                    i = next(next_i, None)
                if i is None:
                    return
                t = time.perf_counter()
                st = None
                try:
                    status, raw, timing = c.post(path, bodies[i])
                    code = str(status)
                    body = json.loads(raw) if status < 300 else None
                    st = _server_ms(timing)
                except (httpx.HTTPError, OSError, http.client.HTTPException) as exc:
                    code, body = type(exc).__name__, None
                    c.close()
                    c = make(url, token)
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    if st is not None:
                        server.append(st / 1000)
                    statuses[code] = statuses.get(code, 0) + 1
                    if body is not None and path == "/api/cases":
                        answers.append(body)
        finally:
            c.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, statuses, answers, server


def _tree_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by a process and its descendants (Linux /proc;
    ``None`` elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, todo, seen = 0.0, [pid], set()
    try:
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
    except (OSError, ValueError, IndexError):
        return None
    return total


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, help="knowledge release for the started server")
    ap.add_argument("--url", help="use a running server instead (needs --token)")
    ap.add_argument("--token")
    ap.add_argument("--workers", type=int, default=1, help="worker processes of the server")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=40)
    ap.add_argument("--top", type=int, default=10,
                    help="candidates per response (0: not sent, the API's default)")
    ap.add_argument("--explain-top", type=int, default=None,
                    help="candidates explained per response (not sent: the API's default)")
    ap.add_argument("--cases", type=int, default=200, help="cases to store and read back")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--client", choices=["stdlib", "httpx"], default="stdlib",
                    help="HTTP client of the load generator (stdlib: http.client, cheaper)")
    ap.add_argument("--out", type=Path, help="also write the JSON report here")
    a = ap.parse_args()

    proc = None
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        if a.url:
            if not a.token:
                sys.exit("--url needs --token")
            url, token = a.url, a.token
        else:
            proc, url, token = _start(a.data_dir, a.workers, Path(tmp))
        try:
            pool = _term_pool(url, token)
            pats = _patients(pool, a.warmup + a.requests + a.cases, a.seed)
            extra = {"top": a.top} if a.top else {}
            if a.explain_top is not None:
                extra["explain_top"] = a.explain_top
            bodies = [{"patient": p, **extra} for p in pats]
            _run(url, token, bodies[:a.warmup], "/api/diagnose", a.clients, a.client)
            t0 = time.perf_counter()
            cpu0 = time.process_time()
            srv0 = _tree_cpu(proc.pid) if proc is not None else None
            lat, statuses, _, srv = _run(url, token, bodies[a.warmup:a.warmup + a.requests],
                                         "/api/diagnose", a.clients, a.client)
            gen_cpu = time.process_time() - cpu0
            srv1 = _tree_cpu(proc.pid) if proc is not None else None
            srv_cpu = None if srv0 is None or srv1 is None else srv1 - srv0
            wall = time.perf_counter() - t0
            report = {
                "endpoint": "POST /api/diagnose", "clients": a.clients, "requests": len(lat),
                "workers": a.workers, "top": a.top or "api default",
                "explain_top": "api default" if a.explain_top is None else a.explain_top,
                "term_pool": len(pool), "statuses": statuses,
                "errors": sum(v for k, v in statuses.items() if k != "200"),
                "p50_ms": round(_pct(lat, 0.50), 1), "p95_ms": round(_pct(lat, 0.95), 1),
                "p99_ms": round(_pct(lat, 0.99), 1), "max_ms": round(max(lat) * 1000, 1),
                "mean_ms": round(statistics.mean(lat) * 1000, 1),
                "throughput_rps": round(len(lat) / wall, 1), "cpu_count": os.cpu_count(),
                "load_client": a.client,
                # CPU the load generator itself used per request (it runs on the same cores)
                "load_generator_cpu_ms_per_request": round(gen_cpu / max(1, len(lat)) * 1000, 2),
                # CPU the server processes used per request (all workers; Linux only)
                "server_cpu_ms_per_request": None if srv_cpu is None else round(
                    srv_cpu / max(1, len(lat)) * 1000, 2),
                # time inside the server (Server-Timing), i.e. without the client's share
                "server_p50_ms": round(_pct(srv, 0.50), 1) if srv else None,
                "server_p95_ms": round(_pct(srv, 0.95), 1) if srv else None,
                "load_average_1min_before": round(load0, 2),
            }
            if a.cases:
                case_bodies = [{"title": f"load {i}", "patient": p}
                               for i, p in enumerate(pats[a.warmup + a.requests:])]
                clat, cstat, made, _ = _run(url, token, case_bodies, "/api/cases", a.clients,
                                            a.client)
                with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                                  timeout=120) as c:
                    listed = {x["id"] for x in c.get("/api/cases").json()}
                    missing = [m["id"] for m in made if m["id"] not in listed
                               or c.get(f"/api/cases/{m['id']}").status_code != 200]
                report["cases"] = {
                    "sent": len(case_bodies), "statuses": cstat, "created": len(made),
                    "errors": len(case_bodies) - len(made), "lost": len(missing),
                    "p95_ms": round(_pct(clat, 0.95), 1),
                }
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(30)
    text = json.dumps(report, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
