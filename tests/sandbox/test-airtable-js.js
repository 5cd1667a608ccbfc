// test-airtable-js.js — the official airtable.js client against a real
// hangar-sandbox (run by test-airtable-js.sh, which installs the client and
// starts the sandbox). Every step asserts; any mismatch exits non-zero.
//
// Usage: node test-airtable-js.js LINE_FILE   (NODE_PATH points at the install;
// LINE_FILE holds the sandbox's startup JSON line: url, pat, …)
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const assert = require('assert');
const Airtable = require('airtable');

if (process.argv.length !== 3) {
  console.error('usage: test-airtable-js.js LINE_FILE');
  process.exit(2);
}
const { url, pat, client_id: clientId, redirect_uri: redirectUri } =
  JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));

const httpFetch = typeof fetch === 'function' ? fetch : require('node-fetch');

// airtable.js reads every response through node-fetch's Response.json():
// check there that the bytes are exactly what JSON.stringify would write
// (Airtable is a JavaScript server), then parse as usual.
let bodiesChecked = 0;
{
  const { Response } = require('node-fetch');
  Response.prototype.json = async function () {
    const text = await this.text();
    const parsed = JSON.parse(text);
    assert.strictEqual(JSON.stringify(parsed), text, `response bytes differ from JSON.stringify: ${text.slice(0, 200)}`);
    bodiesChecked++;
    return parsed;
  };
}
const airtable = new Airtable({
  endpointUrl: url,
  apiKey: pat,
  noRetryIfRateLimited: true,
  requestTimeout: 60000,
});

let steps = 0;
function ok(what) {
  steps++;
  console.log(`ok ${steps} ${what}`);
}

// The client rejects with an AirtableError {error, message, statusCode}.
async function expectError(promise, type, status) {
  let err = null;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${type}, got success`);
  assert.strictEqual(err.error, type, `error type: ${JSON.stringify(err)}`);
  assert.strictEqual(err.statusCode, status, `status: ${JSON.stringify(err)}`);
  assert.strictEqual(typeof err.message, 'string');
  return err;
}

// The generated table's "Row" is an autoNumber: drop it for comparisons.
function cells(record) {
  const { Row, ...rest } = record.fields;
  assert.strictEqual(typeof Row, 'number', 'autoNumber Row present');
  return rest;
}

async function api(method, path, body) {
  const resp = await httpFetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${pat}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await resp.json();
  assert.ok(resp.status >= 200 && resp.status < 300, `${method} ${path}: ${resp.status} ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const { bases } = await api('GET', '/v0/meta/bases');
  const bigId = bases.find((b) => b.name === 'Big').id;
  const roadmapId = bases.find((b) => b.name === 'Product Roadmap').id;
  const big = airtable.base(bigId);
  const records = big('Records');

  // --- select().all(): 250 records over three pages -------------------------
  const all = await records.select().all();
  assert.strictEqual(all.length, 250);
  assert.strictEqual(new Set(all.map((r) => r.id)).size, 250);
  all.forEach((r, i) => {
    assert.match(r.id, /^rec[A-Za-z0-9]{14}$/);
    assert.strictEqual(r.get('Row'), i + 1, 'default order is creation order');
    assert.strictEqual(typeof r.get('Name'), 'string');
    assert.match(r._rawJson.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
  ok('select().all() returns all 250 records in creation order');

  const pageSizes = [];
  await records.select({ pageSize: 100 }).eachPage((page, next) => {
    pageSizes.push(page.length);
    next();
  });
  assert.deepStrictEqual(pageSizes, [100, 100, 50]);
  ok('eachPage pages 100/100/50 through offsets');

  const pageOf7 = [];
  await records.select({ pageSize: 7, maxRecords: 20 }).eachPage((page, next) => {
    pageOf7.push(page.length);
    next();
  });
  assert.deepStrictEqual(pageOf7, [7, 7, 6]);
  ok('pageSize 7 + maxRecords 20 → 7/7/6');

  // The raw bytes are what JSON.stringify would write (Airtable is a JS
  // server): shortest round-trip numbers, no "42.0", no "8464.1399999999994".
  const rawPage = async (path) => {
    const resp = await httpFetch(url + path, { headers: { Authorization: `Bearer ${pat}` } });
    assert.strictEqual(resp.status, 200);
    return resp.text();
  };
  for (const path of [`/v0/${bigId}/Records?pageSize=100`, `/v0/${roadmapId}/Projects`, `/v0/${roadmapId}/Tasks`]) {
    const raw = await rawPage(path);
    assert.strictEqual(JSON.stringify(JSON.parse(raw)), raw, `${path} is JSON.stringify's text`);
  }
  ok('response bytes equal JSON.stringify(JSON.parse(body))');

  // deprecated list()/forEach() send the old `limit` name for the page size
  console.warn = () => {};   // silence the client's deprecation notices
  const listPage = (size, offset) => new Promise((resolve, reject) =>
    records.list(size, offset, {}, (err, recs, next) => (err ? reject(err) : resolve([recs, next]))));
  const [first5, after5] = await listPage(5);
  assert.deepStrictEqual(first5.map((r) => r.id), all.slice(0, 5).map((r) => r.id));
  assert.match(after5, /^itr/);
  const [next5] = await listPage(5, after5);
  assert.deepStrictEqual(next5.map((r) => r.id), all.slice(5, 10).map((r) => r.id));
  let seen = 0;
  await new Promise((resolve, reject) => records.forEach({}, () => seen++, (err) => (err ? reject(err) : resolve())));
  assert.strictEqual(seen, 250);
  ok('deprecated list(limit, offset) and forEach()');

  // --- filterByFormula + sort + fields --------------------------------------
  const filtered = await records.select({
    filterByFormula: "AND({Category} = 'Beta', {Row} <= 120, NOT({Done}))",
    sort: [{ field: 'Number', direction: 'desc' }],
    fields: ['Name', 'Number'],
  }).all();
  const expected = all
    .filter((r) => r.get('Category') === 'Beta' && r.get('Row') <= 120 && !r.get('Done'))
    .sort((a, b) => (b.get('Number') ?? -Infinity) - (a.get('Number') ?? -Infinity));
  assert.ok(expected.length > 3, 'the filter selects several records');
  assert.deepStrictEqual(filtered.map((r) => r.id), expected.map((r) => r.id));
  for (const r of filtered) {
    const keys = Object.keys(r.fields).sort();
    assert.ok(keys.every((k) => k === 'Name' || k === 'Number'), `only the asked fields: ${keys}`);
    assert.strictEqual(r.get('Name'), all.find((x) => x.id === r.id).get('Name'));
  }
  ok(`filterByFormula + sort desc + fields[] (${filtered.length} records)`);

  const byName = await records.select({
    filterByFormula: "FIND('pixel', {Name})",
    sort: [{ field: 'Name' }, { field: 'Row', direction: 'desc' }],
    maxRecords: 30,
  }).all();
  const expectedByName = all
    .filter((r) => r.get('Name').includes('pixel'))
    .sort((a, b) => a.get('Name').toLowerCase().localeCompare(b.get('Name').toLowerCase()) || b.get('Row') - a.get('Row'))
    .slice(0, 30);
  assert.deepStrictEqual(byName.map((r) => r.id), expectedByName.map((r) => r.id));
  ok('FIND() filter, two sort keys, maxRecords');

  // a long formula: airtable.js switches to POST …/listRecords past 15000 chars
  const longFormula = 'OR(' + all.slice(0, 40).map((r) => `RECORD_ID() = '${r.id}'`).join(', ') +
    `, FALSE()${', FALSE()'.repeat(2000)})`;
  assert.ok(longFormula.length > 15000);
  const viaPost = await records.select({ filterByFormula: longFormula }).all();
  assert.deepStrictEqual(viaPost.map((r) => r.id), all.slice(0, 40).map((r) => r.id));
  ok('a > 15000-char formula (POST listRecords)');

  // --- find -------------------------------------------------------------------
  const one = await records.find(all[41].id);
  assert.strictEqual(one.id, all[41].id);
  assert.deepStrictEqual(one.fields, all[41].fields);
  ok('find(id)');
  await expectError(records.find('recAAAAAAAAAAAAAA'), 'NOT_FOUND', 404);
  ok('find(unknown) → NOT_FOUND 404');

  // --- create -----------------------------------------------------------------
  const single = await records.create({ Name: 'js single', Number: 1.5, Category: 'Gamma', Done: false });
  assert.match(single.id, /^rec/);
  assert.deepStrictEqual(cells(single), { Name: 'js single', Number: 1.5, Category: 'Gamma' },
    'false checkbox omitted');
  ok('create(single)');

  const ten = await records.create(
    Array.from({ length: 10 }, (_, i) => ({ fields: { Name: `js batch ${i}`, Number: i } })));
  assert.strictEqual(ten.length, 10);
  ten.forEach((r, i) => {
    assert.strictEqual(r.get('Name'), `js batch ${i}`);
    assert.strictEqual(r.get('Number'), i);
  });
  assert.strictEqual(new Set(ten.map((r) => r.id)).size, 10);
  assert.deepStrictEqual(ten.map((r) => r.get('Row')), Array.from({ length: 10 }, (_, i) => single.get('Row') + 1 + i),
    'autoNumber counts on');
  ok('create([10 records])');

  await expectError(records.create(
    Array.from({ length: 11 }, (_, i) => ({ fields: { Name: `eleven ${i}` } }))), 'INVALID_RECORDS', 422);
  ok('create([11]) → INVALID_RECORDS');

  const typecast = await records.create({ Name: 'js typecast', Category: 'Zeta', Number: '12.25' }, { typecast: true });
  assert.strictEqual(typecast.get('Category'), 'Zeta');
  assert.strictEqual(typecast.get('Number'), 12.25);
  ok('create with typecast (new select option, string number)');

  const odd = [0.1 + 0.2, 1e-7, -1.5e-9, 4, 123456789.125, 0.000001, 8464.14];
  const oddRecs = await records.create(odd.map((n, i) => ({ fields: { Name: `odd ${i}`, Number: n } })));
  assert.deepStrictEqual(oddRecs.map((r) => r.get('Number')), odd);
  {
    const raw = await rawPage(`/v0/${bigId}/Records?filterByFormula=${encodeURIComponent("FIND('odd ', {Name})")}`);
    assert.strictEqual(JSON.stringify(JSON.parse(raw)), raw);
    for (const n of odd)
      assert.ok(raw.includes(`"Number":${JSON.stringify(n)},`), `${n} written as ${JSON.stringify(n)}`);
  }
  await records.destroy(oddRecs.map((r) => r.id));
  ok('awkward numbers round-trip and are written as JSON.stringify does');

  // --- update (PATCH) / replace (PUT) ----------------------------------------
  const patched = await records.update(single.id, { Number: 42 });
  assert.deepStrictEqual(cells(patched), { Name: 'js single', Number: 42, Category: 'Gamma' });
  ok('update(id, fields) keeps the other cells');

  const patchedMany = await records.update([
    { id: ten[0].id, fields: { Done: true } },
    { id: ten[1].id, fields: { Notes: 'hello\nworld' } },
  ]);
  assert.deepStrictEqual(patchedMany.map((r) => r.id), [ten[0].id, ten[1].id]);
  assert.strictEqual(patchedMany[0].get('Done'), true);
  assert.strictEqual(patchedMany[0].get('Name'), 'js batch 0');
  assert.strictEqual(patchedMany[1].get('Notes'), 'hello\nworld');
  ok('update([2 records])');

  const replaced = await records.replace(single.id, { Name: 'js replaced' });
  assert.deepStrictEqual(cells(replaced), { Name: 'js replaced' });
  assert.strictEqual(replaced.get('Row'), single.get('Row'), 'computed cells survive PUT');
  const refetched = await records.find(single.id);
  assert.deepStrictEqual(cells(refetched), { Name: 'js replaced' });
  ok('replace(id, fields) clears the unnamed cells');

  const replacedMany = await records.replace([
    { id: ten[2].id, fields: { Name: 'r2' } },
    { id: ten[3].id, fields: { Name: 'r3', Category: 'Alpha' } },
  ]);
  assert.deepStrictEqual(replacedMany.map(cells), [{ Name: 'r2' }, { Name: 'r3', Category: 'Alpha' }]);
  ok('replace([2 records])');

  // Record object methods
  const rec = await records.find(ten[4].id);
  await rec.patchUpdate({ Number: 7.25 });
  assert.strictEqual(rec.get('Number'), 7.25);
  await rec.fetch();
  assert.strictEqual(rec.get('Number'), 7.25);
  assert.strictEqual(rec.get('Name'), 'js batch 4');
  ok('record.patchUpdate + record.fetch');

  // --- upsert (performUpsert through update) ---------------------------------
  const upserted = await records.update([
    { fields: { Name: 'js batch 5', Number: 555 } },
    { fields: { Name: 'js upsert new', Number: 1 } },
  ], { performUpsert: { fieldsToMergeOn: ['Name'] } });
  assert.strictEqual(upserted.length, 2);
  assert.strictEqual(upserted[0].id, ten[5].id, 'matched by Name');
  assert.strictEqual(upserted[0].get('Number'), 555);
  assert.ok(!ten.some((r) => r.id === upserted[1].id), 'a new record');
  assert.strictEqual(upserted[1].get('Name'), 'js upsert new');
  ok('update(..., {performUpsert}) updates one, creates one');

  // --- destroy ----------------------------------------------------------------
  const gone = await records.destroy(single.id);
  assert.strictEqual(gone.id, single.id);
  await expectError(records.find(single.id), 'NOT_FOUND', 404);
  ok('destroy(id)');

  const goneMany = await records.destroy(ten.map((r) => r.id));
  assert.deepStrictEqual(goneMany.map((r) => r.id), ten.map((r) => r.id));
  await expectError(records.destroy([upserted[1].id, 'recAAAAAAAAAAAAAA']), 'ROW_DOES_NOT_EXIST', 422);
  await records.find(upserted[1].id);
  await records.destroy([upserted[1].id, typecast.id]);
  const after = await records.select().all();
  assert.deepStrictEqual(after.map((r) => r.id), all.map((r) => r.id), 'back to the original 250');
  ok('destroy([10 ids]); all-or-nothing batch delete');

  // --- errors -------------------------------------------------------------------
  const unknown = await expectError(records.create({ Name: 'x', Nope: 1 }), 'UNKNOWN_FIELD_NAME', 422);
  assert.match(unknown.message, /Nope/);
  ok('unknown field → UNKNOWN_FIELD_NAME 422');
  await expectError(records.select({ filterByFormula: '{Name' }).all(), 'INVALID_FILTER_BY_FORMULA', 422);
  ok('bad formula → INVALID_FILTER_BY_FORMULA');
  await expectError(records.select({ sort: [{ field: 'Nope' }] }).all(), 'UNKNOWN_FIELD_NAME', 422);
  ok('sort by unknown field → UNKNOWN_FIELD_NAME');
  await expectError(records.update(all[0].id, { Number: 'abc' }), 'INVALID_VALUE_FOR_COLUMN', 422);
  ok('wrong cell type → INVALID_VALUE_FOR_COLUMN');
  const stranger = new Airtable({ endpointUrl: url, apiKey: 'patNOPE.0000', noRetryIfRateLimited: true });
  await expectError(stranger.base(bigId)('Records').select().firstPage(), 'AUTHENTICATION_REQUIRED', 401);
  ok('bad token → AUTHENTICATION_REQUIRED 401');
  await expectError(airtable.base('appAAAAAAAAAAAAAA')('Records').select().firstPage(), 'NOT_AUTHORIZED', 403);
  ok('unknown base → NOT_AUTHORIZED 403');
  await expectError(big('No such table').select().firstPage(), 'NOT_FOUND', 404);
  ok('unknown table → NOT_FOUND 404');

  // --- 429: airtable.js retries (backoff with jitter, < 5 s for one) ----------
  const control = async (path, body) => {
    const resp = await httpFetch(url + '/__sandbox/' + path, { method: 'POST', body: JSON.stringify(body) });
    assert.ok(resp.status < 300, `control ${path}: ${resp.status}`);
  };
  await control('faults', { count: 1, status: 429 });
  await expectError(records.select({ maxRecords: 1 }).firstPage(), 'TOO_MANY_REQUESTS', 429);
  ok('429 without retries → TOO_MANY_REQUESTS');
  const retrying = new Airtable({ endpointUrl: url, apiKey: pat });
  await control('faults', { count: 1, status: 429 });
  const afterRetry = await retrying.base(bigId)('Records').select({ maxRecords: 2 }).firstPage();
  assert.deepStrictEqual(afterRetry.map((r) => r.id), all.slice(0, 2).map((r) => r.id));
  ok('429 once, the default client retries and succeeds');
  await control('faults', { count: 1, status: 503 });
  await expectError(records.find(all[0].id), 'SERVICE_UNAVAILABLE', 503);
  ok('503 → SERVICE_UNAVAILABLE');

  // --- demo base: table by id, views, returnFieldsByFieldId, cellFormat --------
  const roadmap = airtable.base(roadmapId);
  const schema = await api('GET', `/v0/meta/bases/${roadmapId}/tables`);
  const tasksSchema = schema.tables.find((t) => t.name === 'Tasks');
  const tasksByName = await roadmap('Tasks').select().all();
  const tasksById = await roadmap(tasksSchema.id).select().all();
  assert.ok(tasksByName.length > 0);
  assert.deepStrictEqual(tasksById.map((r) => r.id), tasksByName.map((r) => r.id));
  ok(`table by name and by id (${tasksByName.length} tasks)`);

  const open = await roadmap('Tasks').select({ view: 'Open tasks' }).all();
  assert.ok(open.length > 0 && open.length < tasksByName.length);
  assert.ok(open.every((r) => !r.get('Done')));
  ok('view: "Open tasks" filters');

  const titleField = tasksSchema.fields.find((f) => f.name === 'Title');
  const byFieldId = await roadmap('Tasks').select({ returnFieldsByFieldId: true, maxRecords: 3 }).firstPage();
  byFieldId.forEach((r, i) => {
    assert.ok(Object.keys(r.fields).every((k) => /^fld/.test(k)));
    assert.strictEqual(r.fields[titleField.id], tasksByName[i].get('Title'));
  });
  ok('returnFieldsByFieldId');

  const strings = await roadmap('Tasks').select({ cellFormat: 'string', timeZone: 'Europe/Berlin', userLocale: 'en-gb' }).all();
  assert.strictEqual(strings.length, tasksByName.length);
  for (const r of strings)
    for (const v of Object.values(r.fields))
      assert.strictEqual(typeof v, 'string');
  ok('cellFormat string + timeZone + userLocale');
  await expectError(roadmap('Tasks').select({ cellFormat: 'string' }).firstPage(), 'INVALID_REQUEST_UNKNOWN', 422);
  ok('cellFormat string without timeZone/userLocale → 422');

  const withCounts = await roadmap('Projects').select({ recordMetadata: ['commentCount'] }).all();
  assert.ok(withCounts.every((r) => Number.isInteger(r._rawJson.commentCount)));
  const commented = withCounts.find((r) => r._rawJson.commentCount > 0);
  assert.ok(commented, 'the demo data has a comment');
  const comments = await roadmap.makeRequest({ path: `/Projects/${commented.id}/comments` });
  assert.strictEqual(comments.body.comments.length, commented._rawJson.commentCount);
  const posted = await roadmap.makeRequest({ method: 'POST', path: `/Projects/${commented.id}/comments`, body: { text: 'from airtable.js' } });
  assert.strictEqual(posted.body.text, 'from airtable.js');
  assert.match(posted.body.id, /^com/);
  const recounted = await roadmap('Projects').select({ recordMetadata: ['commentCount'], filterByFormula: `RECORD_ID() = '${commented.id}'` }).firstPage();
  assert.strictEqual(recounted[0]._rawJson.commentCount, commented._rawJson.commentCount + 1);
  ok('recordMetadata commentCount; comments through base.makeRequest');

  const typecastTask = await roadmap('Tasks').create(
    { Title: 'typecast from js', Project: ['Mobile app 2.0'], Estimate: '1:30', Labels: 'feature, js-new' }, { typecast: true });
  assert.strictEqual(typecastTask.get('Estimate'), 5400);
  assert.deepStrictEqual(typecastTask.get('Labels'), ['feature', 'js-new']);
  assert.strictEqual(typecastTask.get('Project').length, 1);
  await roadmap('Tasks').destroy(typecastTask.id);
  ok('typecast: link by primary name, "1:30" duration, comma-separated selects');

  const linked = tasksByName.find((r) => Array.isArray(r.get('Project')));
  assert.ok(linked);
  const project = await roadmap('Projects').find(linked.get('Project')[0]);
  assert.ok(project.get('Tasks').includes(linked.id), 'links both ways');
  ok('linked records both ways');

  // --- collaborators, attachments, dateTime, duration, currency, percent ------
  const calendarId = bases.find((b) => b.name === 'Content Calendar').id;
  const posts = airtable.base(calendarId)('Posts');
  const me = await api('GET', '/v0/meta/whoami');
  const post = await posts.create({
    Title: 'From airtable.js',
    Author: { email: me.email },
    'Hero image': [{ url: 'https://example.com/hero.png', filename: 'hero.png' }],
    'Publish at': '2024-03-05T14:30:00.000Z',
    'Read time': 3600,
    'Click rate': 0.25,
    'Ad budget': 12.5,
  });
  assert.strictEqual(post.get('Author').id, me.id);
  assert.strictEqual(post.get('Author').email, me.email);
  assert.strictEqual(post.get('Hero image').length, 1);
  assert.match(post.get('Hero image')[0].id, /^att/);
  assert.strictEqual(post.get('Hero image')[0].filename, 'hero.png');
  assert.strictEqual(post.get('Publish at'), '2024-03-05T14:30:00.000Z');
  assert.strictEqual(post.get('Read time'), 3600);
  assert.strictEqual(post.get('Click rate'), 0.25);
  assert.strictEqual(post.get('Ad budget'), 12.5);
  // keeping an attachment by id while adding another
  const twoPics = await posts.update(post.id, {
    'Hero image': [{ id: post.get('Hero image')[0].id }, { url: 'https://example.com/b.jpg' }],
  });
  assert.strictEqual(twoPics.get('Hero image')[0].id, post.get('Hero image')[0].id);
  assert.strictEqual(twoPics.get('Hero image').length, 2);
  await posts.destroy(post.id);
  ok('collaborator by email, attachments by url and by id, dateTime/duration/percent/currency');

  // --- an OAuth access token as the client's apiKey ---------------------------
  {
    const crypto = require('crypto');
    const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const verifier = b64url(crypto.randomBytes(48));
    const challenge = b64url(crypto.createHash('sha256').update(verifier).digest());
    const state = b64url(crypto.randomBytes(16));
    const authorize = new URL(url + '/oauth2/v1/authorize');
    for (const [k, v] of Object.entries({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code',
      scope: 'data.records:read data.records:write schema.bases:read', state, code_challenge: challenge,
      code_challenge_method: 'S256' }))
      authorize.searchParams.set(k, v);
    const redirect = await httpFetch(authorize, { redirect: 'manual' });
    assert.strictEqual(redirect.status, 302);
    const back = new URL(redirect.headers.get('location'));
    assert.strictEqual(back.searchParams.get('state'), state);
    const tokenResp = await httpFetch(url + '/oauth2/v1/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code'),
        redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId }).toString(),
    });
    assert.strictEqual(tokenResp.status, 200);
    const tokens = await tokenResp.json();
    assert.match(tokens.access_token, /^oaa/);
    const oauthClient = new Airtable({ endpointUrl: url, apiKey: tokens.access_token, noRetryIfRateLimited: true });
    const viaOauth = await oauthClient.base(bigId)('Records').select({ maxRecords: 3 }).firstPage();
    assert.deepStrictEqual(viaOauth.map((r) => r.id), all.slice(0, 3).map((r) => r.id));
    const madeViaOauth = await oauthClient.base(bigId)('Records').create({ Name: 'via oauth' });
    await oauthClient.base(bigId)('Records').destroy(madeViaOauth.id);
    // a scope the grant lacks: comments need data.recordComments:read
    const noScope = await oauthClient.base(bigId).makeRequest({ path: `/Records/${all[0].id}/comments` }).then(
      () => null, (e) => e);
    assert.ok(noScope && noScope.statusCode === 403, 'missing scope → 403');
    ok('PKCE flow, then airtable.js with the OAuth access token (read, write, scope check)');
  }

  // --- a table whose name needs percent-encoding ------------------------------
  const spaced = 'Reading list: é & ?';
  await api('POST', `/v0/meta/bases/${bigId}/tables`,
    { name: spaced, fields: [{ name: 'Title', type: 'singleLineText' }, { name: 'Pages', type: 'number', options: { precision: 0 } }] });
  const reading = big(spaced);
  const made = await reading.create([{ fields: { Title: 'Dune', Pages: 412 } }, { fields: { Title: 'Emma', Pages: 474 } }]);
  const listed = await reading.select({ sort: [{ field: 'Pages', direction: 'desc' }] }).all();
  assert.deepStrictEqual(listed.map((r) => r.get('Title')), ['Emma', 'Dune']);
  await reading.destroy(made.map((r) => r.id));
  assert.strictEqual((await reading.select().all()).length, 0);
  ok('a table named "Reading list: é & ?" by name');

  assert.ok(bodiesChecked > 50, `checked ${bodiesChecked} bodies`);
  console.log(`# ${bodiesChecked} response bodies equal JSON.stringify's text`);
  console.log(`1..${steps}`);
}

main().catch((e) => {
  console.error('FAILED:', e && e.stack ? e.stack : e);
  process.exit(1);
});
