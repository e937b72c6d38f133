"""The load generator: wrk when it is on PATH (Debian package `wrk`), else threaded Python.

Both stop after `duration` seconds and return requests/s, p50 and p99 latency.
"""


import http.client
import itertools
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Figures:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str
    rounds: tuple = ()  # requests/s of each round, in order, when combined from rounds

    def __str__(self):
        return (f"{self.requests_per_second:8.0f} req/s   p50 {self.p50_ms:6.2f} ms   "
                f"p99 {self.p99_ms:6.2f} ms   ({self.requests} requests, "
                f"{self.errors} errors, {self.tool})")


def load(url, duration=5.0, connections=8, threads=2, headers=None, paths=None, post=None):
    """Load url for `duration` seconds with keep-alive connections; wrk when available.

    paths: cycle through these paths (on url's server) instead of url's own.
    post: (body template with one %s, which gets a number unique in the run) to POST
    to url instead of GET; with wrk only.
    """
    if post is not None or (shutil.which("wrk") and not os.environ.get("BENCH_PYTHON_LOAD")):
        script = _wrk_script(paths, post, headers or {}, threads) if (paths or post) else None
        return _load_with_wrk(url, duration, connections, threads, headers or {}, script)
    return _load_with_python(url, duration, connections, headers or {}, paths)


def _lua(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_script(paths, post, headers, threads):
    """A wrk Lua script: cycle through paths, or POST a body numbered per request.

    Each wrk thread starts at its own share of the paths, so that no two threads
    ask for the same paths in step.
    """
    share = len(paths) // max(threads, 1) if paths else 0
    lines = ["local n = 0", "local prefix = ''", "local next_thread = 0",
             "function setup(thread) next_thread = next_thread + 1;"
             " thread:set('tid', tostring(next_thread)) end",
             "function init(args) prefix = (tid or '0') .. '-';"
             f" n = (tonumber(tid or '1') - 1) * {share} end"]
    if paths:
        lines.append("local paths = {" + ", ".join(_lua(p) for p in paths) + "}")
        lines.append("request = function() n = n + 1;"
                     " return wrk.format('GET', paths[(n % #paths) + 1]) end")
    else:
        header_table = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())
        lines.append("local headers = {" + header_table + "}")
        lines.append(f"local body = {_lua(post)}")
        lines.append("request = function() n = n + 1; return wrk.format('POST', nil, headers,"
                     " string.format(body, prefix .. n)) end")
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    handle.write("\n".join(lines) + "\n")
    handle.close()
    return handle.name


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)]


def _load_with_wrk(url, duration, connections, threads, headers, script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, int(duration))}s",
               "--latency"]
    if script:
        command += ["-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Figures(rps, p50, p99, total, errors, "wrk")


def _load_with_python(url, duration, connections, headers, paths=None):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    cycle = iter(itertools.cycle(paths)) if paths else itertools.repeat(path)
    deadline = time.perf_counter() + duration
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        mine, failed = [], 0
        connection = _connect(parts)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", next(cycle), headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = _connect(parts)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return Figures(len(latencies) / elapsed, percentile(0.50), percentile(0.99),
                   len(latencies), errors[0], "python")


def _connect(parts):
    """A keep-alive connection to the URL's server; over https, trusting any certificate
    (the bench's nginx has one made for the run)."""
    if parts.scheme != "https":
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, context=context)


def combine(rounds):
    """One Figures from several rounds of the same URL: total rate, median percentiles."""
    in_order = tuple(f.requests_per_second for f in rounds)
    rounds = sorted(rounds, key=lambda f: f.p99_ms)
    middle = rounds[len(rounds) // 2]
    seconds = sum(f.requests / f.requests_per_second for f in rounds if f.requests_per_second)
    total = sum(f.requests for f in rounds)
    return Figures(total / seconds if seconds else 0.0,
                   sorted(f.p50_ms for f in rounds)[len(rounds) // 2], middle.p99_ms,
                   total, sum(f.errors for f in rounds), rounds[0].tool, in_order)


def interleaved(urls, rounds=3, duration=5.0, paths_for=None, **options):
    """Load each url `rounds` times in turn (A B C A B C ...), so that a busy machine
    slows every url alike; returns {url: combined Figures}. paths_for maps a url to
    the paths to cycle through in its place (see `load`), or to a callable giving
    the paths for each load in turn (so that no load repeats another's)."""
    paths_for = paths_for or {}

    def paths(url):
        given = paths_for.get(url)
        return given() if callable(given) else given

    for url in urls:  # warm up: workers, caches, connections
        load(url, duration=1, paths=paths(url), **options)
    results = {url: [] for url in urls}
    for _ in range(rounds):
        for url in urls:
            results[url].append(load(url, duration=duration / rounds, paths=paths(url),
                                     **options))
    return {url: combine(figures) for url, figures in results.items()}


def paired(baseline, urls, rounds=5, duration=3.0, paths_for=None, headers_for=None,
           steady=0.2, cpu_for=None, **options):
    """Each url loaded between two loads of the baseline, `rounds` times:
    B u1 B u2 B ... uN B, so that each url's rate is compared with the baseline's
    just before and just after it.

    Returns ({url: combined Figures}, {url: [(ratio, cpu ratio, steady), ...]}), the
    baseline's Figures under the key `baseline`. The ratio is the url's rate over the
    mean of its two baseline loads; steady is False when those two differ by more
    than `steady` (a share of the larger): the machine changed speed meanwhile (on a
    shared machine other work comes and goes), so that ratio measures the machine.
    The cpu ratio is the baseline's mean server CPU per request over the url's
    (None without cpu_for, which maps a url to a callable giving its server's CPU
    seconds so far). paths_for as for `interleaved`; headers_for maps a url to
    headers of its own.
    """
    paths_for, headers_for, cpu_for = paths_for or {}, headers_for or {}, cpu_for or {}

    def run(url, seconds):
        given = paths_for.get(url)
        cpu = cpu_for.get(url)
        used = cpu() if cpu else None
        figures = load(url, duration=seconds, paths=given() if callable(given) else given,
                       headers=headers_for.get(url), **options)
        figures.cpu_per_request = None
        if used is not None and figures.requests:
            figures.cpu_per_request = (cpu() - used) / figures.requests
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  {url} {figures.requests_per_second:.0f}/s", flush=True)
        return figures

    for url in [baseline, *urls]:  # warm up: workers, caches, connections
        run(url, 1)
    results = {url: [] for url in [baseline, *urls]}
    ratios = {url: [] for url in urls}
    for _round in range(rounds):
        before = run(baseline, duration)
        results[baseline].append(before)
        for url in urls:
            figures = run(url, duration)
            after = run(baseline, duration)
            results[url].append(figures)
            results[baseline].append(after)
            rates = before.requests_per_second, after.requests_per_second
            if max(rates):
                ratios[url].append((figures.requests_per_second / (sum(rates) / 2),
                                    _cpu_ratio(figures, before, after),
                                    abs(rates[0] - rates[1]) <= steady * max(rates)))
            before = after
    return {url: combine(figures) for url, figures in results.items()}, ratios


def _cpu_ratio(figures, before, after):
    costs = [f.cpu_per_request for f in (before, after)]
    if figures.cpu_per_request and all(costs):
        return (sum(costs) / 2) / figures.cpu_per_request
    return None


def report(name, figures, baseline=None):
    """One line of figures, with the ratios to the baseline when given."""
    line = f"{name:<48} {figures}"
    if baseline is not None and baseline.requests_per_second:
        line += (f"\n{'':<48} ratio to baseline: {figures.requests_per_second / baseline.requests_per_second:.2f}"
                 f" × req/s, p99 {figures.p99_ms / max(baseline.p99_ms, 1e-6):.2f} × baseline's")
    print(line, flush=True)
