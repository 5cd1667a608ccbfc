#!/usr/bin/env python3
# bench-import.py — throughput and memory of `hangar-cli records import`
# against hangar-sandbox with its default rate limits.
# Not a test: prints figures. Usage: bench-import.py SANDBOX CLI [N_ROWS]
import http.client, json, os, resource, shutil, subprocess, sys, tempfile, time, urllib.parse

sandbox, cli = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
CEILING = 50.0   # records/s: 5 requests/s per base, 10 records a request

work = tempfile.mkdtemp(prefix="hangar-bench-import-")
env = dict(os.environ)
# The importer keeps its progress in the STATE database: keep it out of the
# user's own directories.
for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"),
                 ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
    env[var] = os.path.join(work, sub)

proc = subprocess.Popen([sandbox, "--port", "0", "--quiet"], stdout=subprocess.PIPE)
info = json.loads(proc.stdout.readline())
url = urllib.parse.urlparse(info["url"])
env["HANGAR_BENCH_TOKEN"] = info["pat"]

def call(method, path, body=None, token=True):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + info["pat"]
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"{method} {path}: {resp.status} {data[:200]!r}")
    return json.loads(data)

try:
    bases = call("GET", "/v0/meta/bases")["bases"]
    base = next(b["id"] for b in bases if b["name"] == "Product Roadmap")
    call("POST", f"/v0/meta/bases/{base}/tables", {"name": "Imported", "fields": [
        {"name": "Name", "type": "singleLineText"},
        {"name": "N", "type": "number", "options": {"precision": 0}},
        {"name": "Note", "type": "multilineText"},
        {"name": "Done", "type": "checkbox", "options": {"icon": "check", "color": "greenBright"}},
        {"name": "Due", "type": "date", "options": {"dateFormat": {"name": "iso"}}},
    ]})

    path = os.path.join(work, "rows.csv")
    with open(path, "w", newline="") as f:
        f.write("Name,N,Note,Done,Due\r\n")
        for i in range(n):
            note = '"a note, with ""quotes""\r\nand a second line"' if i % 7 == 0 else "plain note"
            f.write(f"Row {i},{i},{note},{'checked' if i % 2 else ''},2025-{1 + i % 12:02d}-{1 + i % 28:02d}\r\n")
    size_kib = os.path.getsize(path) / 1024

    # The setup's own requests count against the base's rate window too:
    # let that window pass before hangar-cli, which paces only its own.
    time.sleep(1.1)
    call("POST", "/__sandbox/reset-stats", {}, token=False)
    argv = [cli, "--api-url", info["url"], "--token-env", "HANGAR_BENCH_TOKEN",
            "records", "import", base, "Imported", path]
    t0 = time.monotonic()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    elapsed = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"hangar-cli exited {child.returncode}: {err.decode()[-2000:]}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    stats = call("GET", "/__sandbox/stats", token=False)

    # Every row once: one pass over the table, paced by hand.
    call("POST", "/__sandbox/reset-rate-limits", {}, token=False)
    names, offset = set(), None
    dups = 0
    while True:
        q = "pageSize=100&fields%5B%5D=Name" + (f"&offset={urllib.parse.quote(offset, safe='')}" if offset else "")
        page = call("GET", f"/v0/{base}/Imported?{q}")
        for r in page["records"]:
            name = r["fields"].get("Name")
            dups += name in names
            names.add(name)
        offset = page.get("offset")
        if not offset:
            break
        time.sleep(0.21)   # stay under 5 requests/s

    rate = report["done"] / elapsed
    print(f"rows: {n} ({size_kib:.0f} KiB CSV)   sandbox: default rate limits (5 req/s per base, 50 req/s per token)")
    print(f"import: {report['done']} done, {report['failed']} failed, {elapsed:.1f} s wall clock "
          f"(hangar-cli start to exit, file scan included)")
    print(f"throughput: {rate:.1f} records/s = {100 * rate / CEILING:.1f} % of the {CEILING:.0f} records/s ceiling (target 90 %)")
    print(f"requests: {stats['requests']} (429 answers: {stats['rate_limited']}; by status {stats['by_status']})")
    print(f"peak memory (max RSS) of hangar-cli: {usage.ru_maxrss / 1024:.1f} MiB")
    print(f"table afterwards: {len(names)} distinct names, {dups} duplicates")
    # Pacing leaves the server's window some 70 ms of slack over five
    # requests; a process stalled longer than that (a loaded machine) can
    # meet a 429 and its 30 s penalty, which the figures above then show.
    print(f"load average during the run: {os.getloadavg()[1]:.1f} on {os.cpu_count()} CPUs")
finally:
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
