#!/usr/bin/env python3
# bench-mcp.py — figures for `hangar-cli mcp`: messages per second over
# stdio, the round trip of a tool call, the server's CPU time per record
# listed, and its peak memory. Prints figures; asserts nothing.
#
# Usage: tests/cli/bench-mcp.py BUILD_DIR
# (a private HOME, keyring and hangar-sandbox are made and removed)
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
cli = os.path.join(build, 'src', 'cli', 'hangar-cli')
sandbox_bin = os.path.join(build, 'src', 'sandbox', 'hangar-sandbox')
for path in (cli, sandbox_bin):
    if not os.access(path, os.X_OK):
        sys.exit(f'bench-mcp: {path} not built (pass the build directory)')

home = tempfile.mkdtemp(prefix='bench-mcp.')
env = dict(os.environ)
env.update({
    'HOME': home,
    'XDG_CONFIG_HOME': os.path.join(home, 'config'),
    'XDG_DATA_HOME': os.path.join(home, 'data'),
    'XDG_CACHE_HOME': os.path.join(home, 'cache'),
    'XDG_RUNTIME_DIR': os.path.join(home, 'runtime'),
    'SECRET_BACKEND': 'file',
    'SECRET_FILE_TEST_PATH': os.path.join(home, 'test.keyring'),
    'SECRET_FILE_TEST_PASSWORD': 'bench',
})
os.makedirs(env['XDG_RUNTIME_DIR'], mode=0o700)

INIT = (b'{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25",'
        b'"capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}\n'
        b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')


def pipelined(requests, args=()):
    """Sends every request at once (a thread writes, this one reads);
    returns (seconds, bytes of answers, number of answers, peak RSS KiB)."""
    proc = subprocess.Popen([cli, 'mcp', *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    data = INIT + b''.join(requests)

    def write():
        proc.stdin.write(data)
        proc.stdin.flush()

    start = time.monotonic()
    writer = threading.Thread(target=write)
    writer.start()
    answers = 0
    size = 0
    for line in proc.stdout:
        answers += 1
        size += len(line)
        if answers == len(requests) + 1:
            break
    elapsed = time.monotonic() - start
    writer.join()
    with open(f'/proc/{proc.pid}/status') as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith('VmHWM:'))
    proc.stdin.close()
    proc.wait()
    return elapsed, size, answers - 1, peak


def main():
    sandbox = subprocess.Popen([sandbox_bin, '--port', '0', '--quiet', '--no-rate-limit', '--generate', 'Big:5000'],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        info = json.loads(sandbox.stdout.readline())
        env['BENCH_PAT'] = info['pat']
        subprocess.run([cli, 'connect', 'bench', '--pat-env', 'BENCH_PAT', '--api-url', info['url']],
                       env=env, check=True, stdout=subprocess.DEVNULL)

        n = 20000
        t, size, got, _ = pipelined([b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % i for i in range(n)])
        print(f'ping, {got} pipelined: {got / t:,.0f} messages/s')

        n = 3000
        t, size, got, peak = pipelined([b'{"jsonrpc":"2.0","id":%d,"method":"tools/list"}\n' % i for i in range(n)])
        print(f'tools/list, {got} pipelined: {got / t:,.0f} answers/s, {size / t / 1e6:,.1f} MB/s; '
              f'server peak RSS {peak / 1024:.1f} MiB for {size / 1e6:.0f} MB of answers')

        # One call at a time: the round trip of a tool that sends no request.
        proc = subprocess.Popen([cli, 'mcp'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        proc.stdin.write(INIT)
        proc.stdin.flush()
        proc.stdout.readline()
        rounds = 500
        start = time.monotonic()
        for i in range(rounds):
            proc.stdin.write(b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_accounts"}}\n' % i)
            proc.stdin.flush()
            proc.stdout.readline()
        elapsed = time.monotonic() - start
        proc.stdin.close()
        proc.wait()
        print(f'list_accounts round trip, {rounds} in turn: {elapsed / rounds * 1e3:.2f} ms each')

        # The CPU the server spends per record: 1,000-record listings (ten
        # pages each; the wall time is the client's pacing, 5 pages/s).
        bases = subprocess.run(['curl', '-s', '-H', f'Authorization: Bearer {info["pat"]}',
                                info['url'] + '/v0/meta/bases'], capture_output=True, check=True)
        big = next(b['id'] for b in json.loads(bases.stdout)['bases'] if b['name'] == 'Big')
        calls = 3
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t, size, got, peak = pipelined([
            b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_records","arguments":'
            b'{"base":"%s","table":"Records","max":1000}}}\n' % (i, big.encode()) for i in range(calls)])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f'list_records, {calls} × 1,000 records: {calls * 1000 / t:,.0f} records/s wall (paced), '
              f'server CPU {cpu / (calls * 1000) * 1e6:.0f} µs per record, '
              f'{size / (calls * 1000):.0f} bytes per record answered, peak RSS {peak / 1024:.1f} MiB')
    finally:
        sandbox.terminate()
        sandbox.wait()
        shutil.rmtree(home, ignore_errors=True)


main()
