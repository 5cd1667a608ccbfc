#!/usr/bin/env python3
# bench-fetch.py — figures of `hangar-cli records list` against hangar-sandbox.
# Not a test: prints figures, asserts nothing about time.
#
#   tests/api/bench-fetch.py BUILD_DIR [ROUNDS] [--paced-rounds N] [--paced-only]
#
# 1. Paced: every record of a 5,000-record table with the sandbox's default
#    rate limits, at 0, 300 and 600 ms of latency: records/s against the
#    ceiling of 5 requests/s × 100 records, the sandbox's 429 count and the
#    most requests it held at once (the parts read side by side). Wall time
#    is the whole process, start-up and the last round trip included. The
#    first run starts in a fresh XDG_RUNTIME_DIR, so no round trip measured
#    earlier is known: the fetch starts with the parts a typical round trip
#    needs; the second run ("again") finds the round trip the first one
#    left in the shared budget file. With --paced-rounds N each latency is
#    run N times, each time on a new sandbox (new random ids, so the parts
#    and their last, partial pages differ), and the medians are printed.
# 2. Unpaced over loopback: 100,000 records, hangar-cli --no-pacing and the
#    sequential Node client (tests/api/fetch-sequential.js) in turn, ROUNDS
#    times each (default 3): wall time and CPU (user + sys, from wait4) of
#    each run, medians, and client CPU per record.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request

args = sys.argv[1:]
paced_only = "--paced-only" in args
if paced_only:
    args.remove("--paced-only")
paced_rounds = 1
if "--paced-rounds" in args:
    i = args.index("--paced-rounds")
    paced_rounds = int(args[i + 1])
    del args[i:i + 2]
if len(args) < 1:
    sys.exit("usage: bench-fetch.py BUILD_DIR [ROUNDS] [--paced-rounds N] [--paced-only]")
build = os.path.abspath(args[0])
rounds = int(args[1]) if len(args) > 1 else 3
here = os.path.dirname(os.path.abspath(__file__))
sandbox_bin = os.path.join(build, "src/sandbox/hangar-sandbox")
cli_bin = os.path.join(build, "src/cli/hangar-cli")
node_client = os.path.join(here, "fetch-sequential.js")
for exe in (sandbox_bin, cli_bin):
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe} is missing: build first (ninja -C {sys.argv[1]})")


class Sandbox:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sandbox_bin, "--port", "0", "--quiet", *args], stdout=subprocess.PIPE)
        self.info = json.loads(self.proc.stdout.readline())
        self.url = self.info["url"]
        self.pat = self.info["pat"]

    def call(self, method, path, body=None, bearer=None):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if bearer:
            request.add_header("Authorization", "Bearer " + bearer)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")

    def base_id(self, name):
        bases = self.call("GET", "/v0/meta/bases", bearer=self.pat)["bases"]
        return next(b["id"] for b in bases if b["name"] == name)

    def stop(self):
        self.proc.stdout.close()
        self.proc.terminate()
        self.proc.wait()


def run(argv, env, out_path):
    """Runs argv with stdout into out_path; returns (wall s, cpu s, exit status)."""
    with open(out_path, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(f"  {os.path.basename(argv[0])} failed ({proc.returncode}): {err[:300]}")
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


work = tempfile.mkdtemp(prefix="hangar-bench-fetch.")
out_path = os.path.join(work, "out.jsonl")


def cli_env(sandbox):
    runtime = tempfile.mkdtemp(dir=work)
    os.chmod(runtime, 0o700)
    env = dict(os.environ, AIRTABLE_TOKEN=sandbox.pat, XDG_RUNTIME_DIR=runtime,
               HOME=work, XDG_CONFIG_HOME=os.path.join(work, "config"),
               XDG_DATA_HOME=os.path.join(work, "data"), XDG_CACHE_HOME=os.path.join(work, "cache"))
    env.pop("G_MESSAGES_DEBUG", None)
    return env


print("1. Paced fetch of 5,000 records, default sandbox limits (ceiling 500 records/s)")
print(f"   load average at the start: {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)")
print(f"   {'latency':>8} {'run':<6} {'wall s':>7} {'records/s':>10} {'of 500/s':>9} {'429s':>5} {'requests':>9} {'max held':>9}")
walls = {}
for latency in (0, 300, 600):
    for r in range(paced_rounds):
        sandbox = Sandbox("--generate", "Paced:5000", "--latency", str(latency))
        try:
            base = sandbox.base_id("Paced")
            env = cli_env(sandbox)
            for which in ("first", "again"):
                sandbox.call("POST", "/__sandbox/reset-stats", {})
                wall, cpu, rc = run([cli_bin, "--api-url", sandbox.url, "records", "list", base, "Records"], env, out_path)
                n = lines(out_path)
                stats = sandbox.call("GET", "/__sandbox/stats")
                rate = n / wall
                walls.setdefault((latency, which), []).append(wall)
                print(f"   {latency:>5} ms {which:<6} {wall:>7.2f} {rate:>10.0f} {100 * rate / 500:>8.1f}% "
                      f"{stats['by_status'].get('429', 0):>5} {stats['requests']:>9} {stats['max_in_flight']:>9}"
                      + ("" if n == 5000 else f"   (printed {n} records!)"))
                # the penalty window of the first run must not reach into the second
                time.sleep(1.2)
        finally:
            sandbox.stop()
if paced_rounds > 1:
    print(f"   medians of {paced_rounds} runs each:")
    for (latency, which), ws in walls.items():
        med = statistics.median(ws)
        print(f"   {latency:>5} ms {which:<6} {med:>7.2f} {5000 / med:>10.0f} {100 * 5000 / med / 500:>8.1f}%"
              f"   (runs {min(ws):.2f}–{max(ws):.2f} s)")
print(f"   load average at the end: {os.getloadavg()[0]:.1f} (1 min)")
if paced_only:
    subprocess.run(["rm", "-rf", work])
    sys.exit(0)

print()
print(f"2. Unpaced fetch of 100,000 records over loopback, {rounds} rounds, in turn")
sandbox = Sandbox("--no-rate-limit", "--generate", "Big:100000")
try:
    base = sandbox.base_id("Big")
    commands = {
        "hangar-cli": [cli_bin, "--api-url", sandbox.url, "--no-pacing", "records", "list", base, "Records"],
        "node (sequential fetch())": ["node", node_client, sandbox.url, base, "Records"],
    }
    figures = {name: ([], []) for name in commands}
    counts = {}
    env = cli_env(sandbox)
    for r in range(rounds):
        for name, argv in commands.items():
            wall, cpu, rc = run(argv, env, out_path)
            counts[name] = lines(out_path)
            figures[name][0].append(wall)
            figures[name][1].append(cpu)
    for name, (walls, cpus) in figures.items():
        print(f"   {name:<26} wall {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
              f"CPU {statistics.median(cpus):.2f} s, {1e6 * statistics.median(cpus) / 100000:.1f} µs/record, "
              f"{100000 / statistics.median(walls):,.0f} records/s, printed {counts[name]:,}")
    cli_walls = figures["hangar-cli"][0]
    node_walls = figures["node (sequential fetch())"][0]
    ratios = [c / n for c, n in zip(cli_walls, node_walls)]
    print(f"   wall hangar-cli / node, pair by pair: median {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
finally:
    sandbox.stop()
    subprocess.run(["rm", "-rf", work])
