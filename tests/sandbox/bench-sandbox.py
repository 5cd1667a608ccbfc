#!/usr/bin/env python3
# bench-sandbox.py — list-records throughput and memory of hangar-sandbox, and
# concurrency under --latency.
# Not a test: prints figures. Usage: bench-sandbox.py SANDBOX_BINARY [N_RECORDS]
import http.client, json, os, subprocess, sys, time, urllib.parse

binary = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200000

def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0

t0 = time.monotonic()
proc = subprocess.Popen([binary, "--port", "0", "--quiet", "--no-rate-limit", "--generate", f"Bench:{n}"],
                        stdout=subprocess.PIPE)
info = json.loads(proc.stdout.readline())
startup = time.monotonic() - t0
url = urllib.parse.urlparse(info["url"])
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": "Bearer " + info["pat"]}

def get(path):
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status} {body[:200]!r}")
    return json.loads(body)

try:
    bases = get("/v0/meta/bases")["bases"]
    base = next(b["id"] for b in bases if b["name"] == "Bench")
    print(f"records: {n}   startup (generate + listen): {startup:.2f} s")
    print(f"RSS after start: {rss_mib(proc.pid):.1f} MiB")

    # 1. the same first page of the small demo table, over one keep-alive connection
    roadmap = next(b["id"] for b in bases if b["name"] == "Product Roadmap")
    t = time.monotonic(); pages = 0
    while time.monotonic() - t < 3.0:
        get(f"/v0/{roadmap}/Tasks"); pages += 1
    print(f"demo table (8 records/page): {pages / (time.monotonic() - t):.0f} pages/s")

    # 2. a full pass over the generated table, 100 records per page
    t = time.monotonic(); pages = 0; records = 0; offset = None
    while True:
        path = f"/v0/{base}/Records?pageSize=100" + (f"&offset={urllib.parse.quote(offset, safe='')}" if offset else "")
        page = get(path); pages += 1; records += len(page["records"])
        offset = page.get("offset")
        if not offset:
            break
    elapsed = time.monotonic() - t
    print(f"full pass over {records} records: {pages} pages in {elapsed:.2f} s = {pages / elapsed:.0f} pages/s")
    print(f"RSS after a full pass: {rss_mib(proc.pid):.1f} MiB")

    # 3. a filtered, sorted listing over the whole table (first page only)
    t = time.monotonic()
    page = get(f"/v0/{base}/Records?filterByFormula=" + urllib.parse.quote("AND({Category}='Alpha', {Number} > 5000)", safe="")
               + "&sort%5B0%5D%5Bfield%5D=Number&sort%5B0%5D%5Bdirection%5D=desc")
    print(f"filter + sort over {n} records, first page: {(time.monotonic() - t) * 1000:.0f} ms")
    print(f"RSS at the end: {rss_mib(proc.pid):.1f} MiB")

    # 4. --latency: 50 requests at once, each answer held 300 ms; the server
    #    holds them side by side (its own count of answers in flight)
    import threading
    def control(method, path, body=None):
        c = http.client.HTTPConnection(url.hostname, url.port)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse(); data = json.loads(r.read()); c.close()
        return data
    control("POST", "/__sandbox/latency", {"ms": 300})
    control("POST", "/__sandbox/reset-stats", {})
    def one():
        c = http.client.HTTPConnection(url.hostname, url.port)
        c.request("GET", "/v0/meta/whoami", headers=headers)
        c.getresponse().read(); c.close()
    threads = [threading.Thread(target=one) for _ in range(50)]
    t = time.monotonic()
    for th in threads: th.start()
    for th in threads: th.join()
    elapsed = time.monotonic() - t
    stats = control("GET", "/__sandbox/stats")
    control("POST", "/__sandbox/latency", {"ms": 0})
    print(f"50 concurrent requests at 300 ms latency: all answered in {elapsed:.2f} s, "
          f"at most {stats['max_in_flight']} held at once")
finally:
    proc.terminate()
    proc.wait()
