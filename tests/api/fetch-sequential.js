// fetch-sequential.js — the plainest sequential reader of a table, for the
// fetch benchmark (tests/api/bench-fetch.sh): one cursor, page after page
// with Node's own fetch() (connections kept alive), every record printed as
// a JSON line, as `hangar-cli records list` prints them.
//
//   AIRTABLE_TOKEN=… node tests/api/fetch-sequential.js API_URL BASE TABLE
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const [apiUrl, base, table] = process.argv.slice(2);
if (!apiUrl || !base || !table) {
  process.stderr.write('usage: fetch-sequential.js API_URL BASE TABLE\n');
  process.exit(2);
}
const headers = { Authorization: `Bearer ${process.env.AIRTABLE_TOKEN}` };

async function main () {
  let offset = null;
  let n = 0;
  do {
    const url = new URL(`${apiUrl}/v0/${encodeURIComponent(base)}/${encodeURIComponent(table)}`);
    url.searchParams.set('pageSize', '100');
    if (offset) url.searchParams.set('offset', offset);
    const response = await fetch(url, { headers });
    if (response.status !== 200) {
      throw new Error(`${response.status}: ${(await response.text()).slice(0, 200)}`);
    }
    const page = await response.json();
    let out = '';
    for (const record of page.records) out += JSON.stringify(record) + '\n';
    n += page.records.length;
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    offset = page.offset;
  } while (offset);
  process.stderr.write(`${n} records\n`);
}

main().catch((error) => { process.stderr.write(`fetch-sequential: ${error.message}\n`); process.exit(1); });
