// test-mcp.js — the official MCP TypeScript SDK (@modelcontextprotocol/sdk)
// drives `hangar-cli mcp` against a real hangar-sandbox: the handshake,
// every tool, resources, read-only mode, -a, scopes, a 429, bad arguments
// and a revoked account. Run by test-mcp.sh, which installs the SDK, starts
// the sandbox and gives this script a private HOME, XDG dirs and keyring.
//
// Usage: node test-mcp.js SANDBOX_START_LINE_FILE
// Environment: HANGAR_CLI (the built hangar-cli).
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const fs = require('fs');
const net = require('net');
const { spawn, spawnSync } = require('child_process');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const Ajv = require('ajv');

const info = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const CLI = process.env.HANGAR_CLI;
const SANDBOX = info.url;
// Every token the sandbox handed out: none may appear in anything the
// server writes (the OAuth tokens never reach this script; the server's
// own redaction and the C tests cover those spellings).
const SECRETS = [info.pat, info.confidential_client_secret, ...info.users.map((u) => u.pat)].filter(Boolean);

const ALL_TOOLS = ['list_accounts', 'list_bases', 'describe_base', 'list_records', 'search_records',
  'get_record', 'create_records', 'update_records', 'upsert_records', 'delete_records',
  'list_comments', 'add_comment', 'create_table', 'create_field'];
const READ_TOOLS = ['list_accounts', 'list_bases', 'describe_base', 'list_records', 'search_records',
  'get_record', 'list_comments'];

let checks = 0;
const failures = [];
const toolsPassed = new Set();
const transcript = [];   // every message the servers sent, as text
const stderrText = [];

function check (cond, what) {
  checks++;
  if (!cond) {
    failures.push(what);
    console.log('FAIL: ' + what);
  }
}

function eq (actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

function section (name) {
  console.log('# ' + name);
}

// ---- the sandbox, directly ----------------------------------------------

async function sandboxApi (method, path, body) {
  const res = await fetch(SANDBOX + path, {
    method,
    headers: { Authorization: 'Bearer ' + info.pat, 'Content-Type': 'application/json' },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function control (name, body) {
  const res = await fetch(SANDBOX + '/__sandbox/' + name, { method: 'POST', body: JSON.stringify(body || {}) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`control ${name}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function stats () {
  return (await fetch(SANDBOX + '/__sandbox/stats')).json();
}

async function allRecords (baseId, table) {
  const records = [];
  let offset;
  do {
    const q = offset ? `?offset=${encodeURIComponent(offset)}` : '';
    const r = await sandboxApi('GET', `/v0/${baseId}/${encodeURIComponent(table)}${q}`);
    if (r.status !== 200) throw new Error('listing ' + table + ': ' + r.status);
    records.push(...r.body.records);
    offset = r.body.offset;
  } while (offset);
  return records;
}

// ---- accounts, connected with hangar-cli ------------------------------------

function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      server.close(() => resolve(port));
    });
  });
}

function connectPat (label, envName) {
  const r = spawnSync(CLI, ['connect', label, '--pat-env', envName, '--api-url', SANDBOX],
    { env: process.env, encoding: 'utf8' });
  stderrText.push(r.stderr);
  if (r.status !== 0) throw new Error(`connect ${label}: ${r.status} ${r.stderr}`);
}

// `hangar-cli connect --oauth --no-browser` prints the authorization URL;
// this plays the browser: the sandbox (--auto-approve) redirects to the
// CLI's loopback listener with the code.
async function connectOAuth (label, scopes) {
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/mcp-test/callback`;
  const integration = await control('integrations', { name: 'MCP test ' + label, redirect_uris: [redirect] });
  const args = ['connect', label, '--oauth', '--api-url', SANDBOX, '--oauth-url', SANDBOX,
    '--client-id', integration.client_id, '--redirect-uri', redirect, '--no-browser', '--timeout', '120'];
  for (const s of scopes) args.push('--scope', s);
  const child = spawn(CLI, args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    child.on('exit', () => reject(new Error(`connect ${label} ended early: ${err}`)));
  });
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location || !location.startsWith(redirect)) throw new Error('no redirect to the CLI: ' + consent.status);
  const back = await fetch(location);
  await back.text();
  const code = await exited;
  stderrText.push(err);
  if (code !== 0) throw new Error(`connect ${label}: exit ${code}: ${err}`);
}

// ---- an MCP session ---------------------------------------------------------

async function openSession (args, extraEnv) {
  const transport = new StdioClientTransport({
    command: CLI,
    args: ['mcp', ...args],
    env: { ...process.env, ...(extraEnv || {}) },
    stderr: 'pipe',
  });
  transport.stderr.on('data', (d) => stderrText.push(d.toString()));
  // Every message the server sends, from the first, for the checks below
  // and the token scans.
  const messages = [];
  const buffer = transport._readBuffer;
  const readMessage = buffer.readMessage.bind(buffer);
  buffer.readMessage = () => {
    const message = readMessage();
    if (message !== null) {
      messages.push(message);
      transcript.push(JSON.stringify(message));
    }
    return message;
  };
  const client = new Client({ name: 'hangar-test', version: '1.0.0' });
  await client.connect(transport);
  const child = transport._process;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { client, transport, exited, messages };
}

async function closeSession (session, what) {
  await session.client.close();
  const { code, signal } = await session.exited;
  eq({ code, signal }, { code: 0, signal: null }, `${what}: hangar-cli mcp exits with 0 when its input ends`);
}

async function call (client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  check(Array.isArray(result.content) && result.content.length > 0 && result.content[0].type === 'text',
    `${name}: the result has text content`);
  if (!result.isError) {
    // The text is the structured result, for clients that read only text.
    eq(JSON.parse(result.content[0].text), result.structuredContent, `${name}: text and structured content agree`);
    toolsPassed.add(name);
  }
  return result;
}

async function expectOk (client, name, args) {
  const result = await call(client, name, args);
  check(!result.isError, `${name} ${JSON.stringify(args).slice(0, 200)} succeeds: ${result.content[0].text.slice(0, 300)}`);
  return result.structuredContent || {};
}

async function expectToolError (client, name, args, type, what) {
  const result = await call(client, name, args);
  check(result.isError === true, `${what}: a tool error (isError), got ${JSON.stringify(result).slice(0, 300)}`);
  const error = result.structuredContent && result.structuredContent.error;
  check(error && error.type === type, `${what}: error type ${type}, got ${JSON.stringify(error)}`);
  check(result.content[0].text.startsWith(type + ': '), `${what}: the text starts with "${type}: "`);
  return result;
}

async function requestsDuring (fn) {
  const before = (await stats()).requests;
  const value = await fn();
  const after = (await stats()).requests;
  return { value, sent: after - before };
}

// ---- the tests -----------------------------------------------------------------

async function testHandshake (session) {
  section('handshake');
  const { client } = session;
  const version = client.getServerVersion();
  eq(version.name, 'hangar', 'serverInfo.name');
  check(typeof version.version === 'string' && version.version.length > 0, 'serverInfo.version');
  const caps = client.getServerCapabilities();
  check(caps.tools !== undefined, 'the tools capability is declared');
  check(caps.resources !== undefined, 'the resources capability is declared');
  check(caps.prompts === undefined && caps.logging === undefined, 'nothing else is declared');
  check(/list_accounts/.test(client.getInstructions() || ''), 'the instructions name list_accounts');
  const init = session.messages.find((m) => m.result && m.result.protocolVersion);
  eq(init.result.protocolVersion, '2025-11-25', 'the SDK\'s newest protocol version is agreed');
  eq(await client.ping(), {}, 'ping');

  const { tools } = await client.listTools();
  eq(tools.map((t) => t.name).sort(), [...ALL_TOOLS].sort(), 'tools/list: every tool');
  const ajv = new Ajv({ strict: false });
  for (const tool of tools) {
    check(tool.inputSchema.type === 'object', `${tool.name}: the input schema is an object schema`);
    let valid = true;
    try {
      ajv.compile(tool.inputSchema);
    } catch (e) {
      valid = false;
    }
    check(valid, `${tool.name}: the input schema is valid JSON Schema`);
    check(typeof tool.description === 'string' && tool.description.length > 20, `${tool.name}: a description`);
    eq(tool.annotations.readOnlyHint, READ_TOOLS.includes(tool.name), `${tool.name}: readOnlyHint`);
  }
}

async function testAccounts (client) {
  section('accounts');
  const out = await expectOk(client, 'list_accounts', {});
  const labels = out.accounts.map((a) => a.label).sort();
  eq(labels, ['reader', 'team', 'work'], 'list_accounts: the connected accounts');
  const work = out.accounts.find((a) => a.label === 'work');
  eq([work.kind, work.status, work.email], ['personal_access_token', 'active', 'demo@hangar.test'], 'the PAT account');
  const reader = out.accounts.find((a) => a.label === 'reader');
  eq(reader.kind, 'oauth', 'the OAuth account');
  eq([...reader.scopes].sort(), ['data.records:read', 'schema.bases:read'], 'the OAuth account\'s granted scopes');
  check(reader.missing_scopes.includes('data.records:write'), 'missing scopes are listed');
  eq(out.read_only, false, 'not read-only');

  await expectToolError(client, 'list_bases', {}, 'ACCOUNT_REQUIRED', 'several accounts and none named');
  await expectToolError(client, 'list_bases', { account: 'nobody' }, 'ACCOUNT_NOT_FOUND', 'an unknown account');
  const byId = await expectOk(client, 'list_bases', { account: work.id });
  eq(byId.account, 'work', 'an account can be named by its id too');
}

async function testBasesAndSchema (client, ids) {
  section('bases and schemas');
  const bases = (await expectOk(client, 'list_bases', { account: 'work' })).bases;
  eq(bases.map((b) => b.name).sort(), ['Big', 'Content Calendar', 'Product Roadmap'], 'list_bases');
  ids.roadmap = bases.find((b) => b.name === 'Product Roadmap').id;
  ids.big = bases.find((b) => b.name === 'Big').id;

  const byName = await expectOk(client, 'describe_base', { account: 'work', base: 'Product Roadmap' });
  eq(byName.base.id, ids.roadmap, 'describe_base finds a base by its name');
  eq(byName.tables.map((t) => t.name), ['People', 'Projects', 'Tasks'], 'describe_base: the tables');
  const tasks = byName.tables.find((t) => t.name === 'Tasks');
  check(tasks.fields.some((f) => f.name === 'Points' && f.type === 'number'), 'describe_base: fields with types');
  check(tasks.views.some((v) => v.name === 'Open tasks'), 'describe_base: views');
  const direct = await sandboxApi('GET', `/v0/meta/bases/${ids.roadmap}/tables`);
  eq(tasks.fields.map((f) => f.id), direct.body.tables.find((t) => t.name === 'Tasks').fields.map((f) => f.id),
    'describe_base: the fields Airtable has, in order');
  ids.tasksTable = tasks.id;

  const one = await expectOk(client, 'describe_base', { account: 'work', base: ids.roadmap, table: 'Tasks' });
  eq(one.tables.map((t) => t.name), ['Tasks'], 'describe_base with a table');
  await expectToolError(client, 'describe_base', { account: 'work', base: ids.roadmap, table: 'Nope' },
    'TABLE_NOT_FOUND', 'describe_base of a missing table');
  await expectToolError(client, 'describe_base', { account: 'work', base: 'No Such Base' },
    'BASE_NOT_FOUND', 'a base name nobody has');
  await expectToolError(client, 'describe_base', { account: 'work', base: 'appAAAAAAAAAAAAAA' },
    'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'an unknown base id: Airtable\'s type');
}

async function testListAndSearch (client, ids) {
  section('list and search');
  const all = await allRecords(ids.big, 'Records');
  eq(all.length, 250, 'the generated table');

  // where: field=value pairs, quoted safely, all of them.
  const beta = await expectOk(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', where: { Category: 'Beta', Done: true }, max: 1000 });
  const expectBeta = all.filter((r) => r.fields.Category === 'Beta' && r.fields.Done === true).map((r) => r.id);
  eq(beta.records.map((r) => r.id), expectBeta, 'where: Category=Beta and Done');
  eq(beta.count, expectBeta.length, 'count');
  check(beta.offset === undefined, 'no offset after the last record');

  const row = await expectOk(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', where: { Row: 17 } });
  eq(row.records.map((r) => r.fields.Row), [17], 'where with a number');
  const hostile = await expectOk(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', where: { Name: "x' , TRUE()) & '{Name}\\" } });
  eq(hostile.count, 0, 'a hostile where value stays a string');
  const blank = await expectOk(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', where: { Notes: null }, max: 1000 });
  eq(blank.count, all.filter((r) => r.fields.Notes === undefined).length, 'where null: empty cells');

  // sort, fields, max, offset.
  const sorted = [...all].sort((a, b) => b.fields.Number - a.fields.Number);
  const first = await expectOk(client, 'list_records', {
    account: 'work', base: ids.big, table: 'Records', sort: [{ field: 'Number', direction: 'desc' }],
    fields: ['Name', 'Number'], max: 120,
  });
  eq(first.records.map((r) => r.id), sorted.slice(0, 120).map((r) => r.id), 'sort desc with max 120 (two pages)');
  check(first.records.every((r) => Object.keys(r.fields).every((k) => k === 'Name' || k === 'Number')),
    'fields: only the fields asked for');
  check(typeof first.offset === 'string', 'an offset when more remain');
  const rest = await expectOk(client, 'list_records', {
    account: 'work', base: ids.big, table: 'Records', sort: [{ field: 'Number', direction: 'desc' }],
    fields: ['Name', 'Number'], max: 1000, offset: first.offset,
  });
  eq(rest.records.map((r) => r.id), sorted.slice(120).map((r) => r.id), 'the offset continues exactly');

  const formula = await expectOk(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', formula: '{Number} < 1000', max: 1000 });
  eq(formula.records.map((r) => r.id), all.filter((r) => r.fields.Number < 1000).map((r) => r.id), 'formula');
  const bad = await expectToolError(client, 'list_records',
    { account: 'work', base: ids.big, table: 'Records', formula: 'AND(' }, 'INVALID_FILTER_BY_FORMULA',
    'an invalid formula');
  check(/formula/i.test(bad.structuredContent.error.message), 'Airtable\'s message is kept');

  const view = await expectOk(client, 'list_records', { account: 'work', base: 'Product Roadmap', table: 'Tasks',
    view: 'Open tasks' });
  const viewDirect = await sandboxApi('GET', `/v0/${ids.roadmap}/Tasks?view=${encodeURIComponent('Open tasks')}`);
  eq(view.records.map((r) => r.id), viewDirect.body.records.map((r) => r.id), 'view');

  // search: case-insensitive, in every text field by default.
  const found = await expectOk(client, 'search_records',
    { account: 'work', base: ids.big, table: 'Records', query: 'EMBER', max: 1000 });
  const hit = (r, fields) => fields.some((f) => typeof r.fields[f] === 'string' && r.fields[f].toLowerCase().includes('ember'));
  eq(found.records.map((r) => r.id), all.filter((r) => hit(r, ['Name', 'Category', 'Notes'])).map((r) => r.id),
    'search_records: every text field');
  const inNotes = await expectOk(client, 'search_records',
    { account: 'work', base: ids.big, table: 'Records', query: 'TENTH', search_fields: ['Notes'], max: 1000,
      where: { Category: 'Alpha' } });
  eq(inNotes.records.map((r) => r.id),
    all.filter((r) => (r.fields.Notes || '').toLowerCase().includes('tenth') && r.fields.Category === 'Alpha')
      .map((r) => r.id),
    'search_records: named fields and a where');
  check(inNotes.count > 0, 'search_records: something was found');

  const rec = all[42];
  const got = await expectOk(client, 'get_record', { account: 'work', base: ids.big, table: 'Records', record_id: rec.id });
  eq(got.record, rec, 'get_record: the record as Airtable has it');
  await expectToolError(client, 'get_record', { account: 'work', base: ids.big, table: 'Records',
    record_id: 'recAAAAAAAAAAAAAA' }, 'MODEL_ID_NOT_FOUND', 'get_record of a missing record');
}

async function testWrites (client, ids) {
  section('writes');
  const base = ids.roadmap;
  const records = Array.from({ length: 23 }, (_, i) => ({ fields: { Title: `MCP task ${i}`, Points: i } }));
  const { value: created, sent } = await requestsDuring(() =>
    expectOk(client, 'create_records', { account: 'work', base, table: 'Tasks', records }));
  eq(sent, 3, 'create_records: 23 records in 3 requests of at most 10');
  eq([created.written, created.total], [23, 23], 'create_records: all written');
  eq(created.results.map((r) => r.status), records.map(() => 'written'), 'each record written');
  const newIds = created.results.map((r) => r.id);
  check(newIds.every((id) => /^rec/.test(id)), 'each new record has its id');
  const stored = await sandboxApi('GET', `/v0/${base}/Tasks/${newIds[7]}`);
  eq(stored.body.fields.Title, 'MCP task 7', 'the record is in the base');
  eq(created.results[7].record.fields.Points, 7, 'the result has the record');

  // A chunk refused: the records before it stay written, the refused
  // chunk and the ones after are reported as such.
  const mixed = Array.from({ length: 25 }, (_, i) => ({ fields: { Title: `MCP mixed ${i}` } }));
  mixed[13].fields = { 'No such field': 1 };
  const partial = await expectToolError(client, 'create_records', { account: 'work', base, table: 'Tasks', records: mixed },
    'UNKNOWN_FIELD_NAME', 'create_records with a bad record in the second chunk');
  const pr = partial.structuredContent.results;
  eq(pr.map((r) => r.status), [...Array(10).fill('written'), ...Array(10).fill('refused'), ...Array(5).fill('not_sent')],
    'per-record outcome: written, refused, not sent');
  eq(pr[13].error.type, 'UNKNOWN_FIELD_NAME', 'the refused records carry Airtable\'s error');
  eq(partial.structuredContent.written, 10, 'written count');
  check(partial.content.length === 2 && JSON.parse(partial.content[1].text).results.length === 25,
    'the outcome is in the text too');
  const goOn = await expectToolError(client, 'create_records', { account: 'work', base, table: 'Tasks',
    records: mixed, continue_on_error: true }, 'UNKNOWN_FIELD_NAME', 'continue_on_error');
  eq(goOn.structuredContent.results.map((r) => r.status),
    [...Array(10).fill('written'), ...Array(10).fill('refused'), ...Array(5).fill('written')],
    'continue_on_error sends the later chunks');
  const cleanup = [...pr, ...goOn.structuredContent.results].filter((r) => r.status === 'written').map((r) => r.id);

  // update: PATCH by default, PUT with replace.
  const updated = await expectOk(client, 'update_records', { account: 'work', base, table: 'Tasks',
    records: [{ id: newIds[0], fields: { Points: 100 } }, { id: newIds[1], fields: { Done: true } }] });
  eq(updated.results.map((r) => [r.id, r.status]), [[newIds[0], 'written'], [newIds[1], 'written']], 'update_records');
  eq((await sandboxApi('GET', `/v0/${base}/Tasks/${newIds[0]}`)).body.fields.Title, 'MCP task 0', 'update keeps the rest');
  eq(updated.results[0].record.fields.Points, 100, 'update_records: the new value');
  await expectOk(client, 'update_records', { account: 'work', base, table: 'Tasks', replace: true,
    records: [{ id: newIds[2], fields: { Title: 'replaced' } }] });
  const replaced = (await sandboxApi('GET', `/v0/${base}/Tasks/${newIds[2]}`)).body.fields;
  eq([replaced.Title, replaced.Points], ['replaced', undefined], 'replace clears the fields not given');
  await expectToolError(client, 'update_records', { account: 'work', base, table: 'Tasks',
    records: [{ id: 'recAAAAAAAAAAAAAA', fields: { Points: 1 } }] }, 'ROW_DOES_NOT_EXIST', 'update of a missing record');

  // upsert: one match updated, one new record created.
  const upserted = await expectOk(client, 'upsert_records', { account: 'work', base, table: 'Tasks',
    merge_on: ['Title'], records: [{ fields: { Title: 'MCP task 5', Points: 55 } },
      { fields: { Title: 'MCP upserted', Points: 1 } }] });
  eq(upserted.results.map((r) => [r.status, r.created]), [['written', false], ['written', true]], 'upsert_records');
  eq(upserted.results[0].id, newIds[5], 'upsert matched the existing record');
  await expectToolError(client, 'upsert_records', { account: 'work', base, table: 'Tasks', merge_on: ['Title'],
    records: [{ fields: { Points: 1 } }] }, 'INVALID_ARGUMENTS', 'an upsert record without its merge field');

  // delete, 10 at a time.
  const toDelete = [...newIds, upserted.results[1].id, ...cleanup];
  const { value: deleted, sent: deleteRequests } = await requestsDuring(() =>
    expectOk(client, 'delete_records', { account: 'work', base, table: 'Tasks', record_ids: toDelete }));
  eq(deleteRequests, Math.ceil(toDelete.length / 10), 'delete_records: in chunks of 10');
  eq(deleted.results.map((r) => r.status), toDelete.map(() => 'deleted'), 'delete_records: each deleted');
  eq(deleted.results.map((r) => r.id), toDelete, 'delete_records: the ids');
  eq((await sandboxApi('GET', `/v0/${base}/Tasks/${newIds[3]}`)).status, 404, 'deleted records are gone');
}

async function testTooLarge (client, ids) {
  section('a result too large for one message');
  const note = 'x'.repeat(100000);
  const made = [];
  for (let i = 0; i < 5; i++) {
    const out = await expectOk(client, 'create_records', { account: 'work', base: ids.big, table: 'Records',
      records: Array.from({ length: 10 }, (_, j) => ({ fields: { Name: `large ${i}-${j}`, Notes: note } })) });
    made.push(...out.results.map((r) => r.id));
  }
  const big = await expectToolError(client, 'list_records', { account: 'work', base: ids.big, table: 'Records',
    max: 1000 }, 'RESULT_TOO_LARGE', 'a listing of 5 MB');
  check(/fewer fields/.test(big.structuredContent.error.message), 'it says how to ask for less');
  const small = await expectOk(client, 'list_records', { account: 'work', base: ids.big, table: 'Records',
    max: 1000, fields: ['Name'] });
  eq(small.count, 300, 'the same listing with fewer fields');
  await expectOk(client, 'delete_records', { account: 'work', base: ids.big, table: 'Records', record_ids: made });
}

async function testComments (client, ids) {
  section('comments');
  const task = (await allRecords(ids.roadmap, 'Tasks'))[0];
  const args = { account: 'work', base: ids.roadmap, table: 'Tasks', record_id: task.id };
  const added = await expectOk(client, 'add_comment', { ...args, text: 'From an agent: looks good' });
  check(/^com/.test(added.comment.id), 'add_comment: the new comment');
  eq(added.comment.author.email, 'demo@hangar.test', 'add_comment: the author');
  const reply = await expectOk(client, 'add_comment', { ...args, text: 'a reply', parent_comment_id: added.comment.id });
  eq(reply.comment.parentCommentId, added.comment.id, 'add_comment: a reply');
  const listed = await expectOk(client, 'list_comments', args);
  const direct = await sandboxApi('GET', `/v0/${ids.roadmap}/Tasks/${task.id}/comments`);
  eq(listed.comments.map((c) => c.id), direct.body.comments.map((c) => c.id), 'list_comments: every comment');
  check(listed.comments.some((c) => c.text === 'From an agent: looks good'), 'list_comments: the text');
}

async function testSchemaChanges (client, ids) {
  section('tables and fields');
  const table = await expectOk(client, 'create_table', { account: 'work', base: 'Content Calendar', name: 'MCP notes',
    description: 'made by the MCP test', fields: [{ name: 'Title', type: 'singleLineText' },
      { name: 'Count', type: 'number', options: { precision: 0 } }] });
  check(/^tbl/.test(table.table.id), 'create_table: the new table');
  eq(table.table.fields.map((f) => [f.name, f.type]), [['Title', 'singleLineText'], ['Count', 'number']],
    'create_table: its fields');
  const field = await expectOk(client, 'create_field', { account: 'work', base: 'Content Calendar', table: 'MCP notes',
    name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } });
  check(/^fld/.test(field.field.id), 'create_field (table by name): the new field');
  eq(field.field.type, 'checkbox', 'create_field: its type');
  const described = await expectOk(client, 'describe_base', { account: 'work', base: 'Content Calendar', table: 'MCP notes' });
  eq(described.tables[0].fields.map((f) => f.name), ['Title', 'Count', 'Done'], 'the schema has them');
  await expectToolError(client, 'create_table', { account: 'work', base: 'Content Calendar', name: 'MCP notes',
    fields: [{ name: 'Title', type: 'singleLineText' }] }, 'INVALID_ARGUMENTS',
    'a duplicate table: refused by Airtable\'s rules before anything is sent');
  await expectToolError(client, 'create_field', { account: 'work', base: 'Content Calendar', table: table.table.id,
    name: 'Bad', type: 'noSuchType' }, 'INVALID_ARGUMENTS', 'a bad field type: refused before anything is sent');
}

async function testBadArguments (client, ids) {
  section('bad arguments');
  const base = ids.big;
  const cases = [
    ['list_records', { account: 'work', table: 'Records' }, /arguments: “base” is required/],
    ['list_records', { account: 'work', base, table: 'Records', max: 'ten' }, /arguments\.max: must be an integer/],
    ['list_records', { account: 'work', base, table: 'Records', max: 5000 }, /arguments\.max: must be at most 1000/],
    ['list_records', { account: 'work', base, table: 'Records', max: 2.5 }, /arguments\.max: must be an integer/],
    ['list_records', { account: 'work', base, table: 'Records', filter: 'x' }, /unknown member “filter”/],
    ['list_records', { account: 'work', base, table: 'Records', sort: [{ field: 'Name', direction: 'up' }] },
      /arguments\.sort\[0\]\.direction: must be one of "asc", "desc"/],
    ['list_records', { account: 'work', base, table: 'Records', where: { Name: ['a'] } },
      /arguments\.where\.Name: must be a string or a number or a boolean or null/],
    ['list_records', { account: 'work', base: '', table: 'Records' }, /arguments\.base: must not be empty/],
    ['create_records', { account: 'work', base, table: 'Records', records: [{ fields: { Name: 'a' } }, { fields: 'b' }] },
      /arguments\.records\[1\]\.fields: must be an object, not a string/],
    ['create_records', { account: 'work', base, table: 'Records', records: [] }, /at least 1 element/],
    ['create_records', { account: 'work', base, table: 'Records',
      records: Array.from({ length: 101 }, () => ({ fields: {} })) }, /at most 100 elements/],
    ['update_records', { account: 'work', base, table: 'Records', records: [{ fields: { Name: 'a' } }] },
      /arguments\.records\[0\]: “id” is required/],
    ['upsert_records', { account: 'work', base, table: 'Records', merge_on: ['a', 'b', 'c', 'd'], records: [{ fields: {} }] },
      /arguments\.merge_on: must have at most 3/],
    ['get_record', { account: 'work', base, table: 'Records', record_id: 42 }, /arguments\.record_id: must be a string/],
    ['get_record', { account: 'work', base, table: '..', record_id: 'rec1' }, /not a valid table/],
    ['list_accounts', { extra: true }, /unknown member “extra”/],
  ];
  for (const [name, args, pattern] of cases) {
    const { value: result, sent } = await requestsDuring(() =>
      expectToolError(client, name, args, 'INVALID_ARGUMENTS', `${name} ${JSON.stringify(args).slice(0, 80)}`));
    check(pattern.test(result.structuredContent.error.message),
      `${name}: the message says what is wrong (${pattern}): ${result.structuredContent.error.message}`);
    eq(sent, 0, `${name} with bad arguments: nothing is sent`);
  }

  // Protocol errors: an unknown tool, arguments that are not an object.
  let code;
  try {
    await client.callTool({ name: 'drop_everything', arguments: {} });
  } catch (e) {
    code = e.code;
  }
  eq(code, -32602, 'an unknown tool is a protocol error (-32602)');
  code = undefined;
  try {
    await client.request({ method: 'tools/call', params: { name: 'list_accounts', arguments: [1] } },
      require('@modelcontextprotocol/sdk/types.js').CallToolResultSchema);
  } catch (e) {
    code = e.code;
  }
  eq(code, -32602, 'arguments that are not an object: -32602');
  code = undefined;
  try {
    await client.request({ method: 'prompts/list', params: {} },
      require('@modelcontextprotocol/sdk/types.js').ListPromptsResultSchema);
  } catch (e) {
    code = e.code;
  }
  eq(code, -32601, 'an unknown method: -32601');
}

async function testScopes (client, ids) {
  section('scopes');
  const read = await expectOk(client, 'list_records', { account: 'reader', base: ids.big, table: 'Records', max: 3 });
  eq(read.count, 3, 'an account with data.records:read lists records');
  const { value: refused, sent } = await requestsDuring(() =>
    expectToolError(client, 'create_records', { account: 'reader', base: ids.big, table: 'Records',
      records: [{ fields: { Name: 'x' } }] }, 'MISSING_SCOPE', 'a write without data.records:write'));
  check(/data\.records:write/.test(refused.structuredContent.error.message), 'the missing scope is named');
  eq(sent, 0, 'a write without the scope sends nothing');
  await expectToolError(client, 'list_comments', { account: 'reader', base: ids.big, table: 'Records',
    record_id: 'rec1' }, 'MISSING_SCOPE', 'comments without data.recordComments:read');
}

async function testResources (client, ids) {
  section('resources');
  const { resources } = await client.listResources();
  const uris = resources.map((r) => r.uri);
  const roadmap = `hangar://accounts/work/bases/${ids.roadmap}/schema`;
  check(uris.includes(roadmap), 'resources/list: the schema of each base of each account');
  check(uris.includes(`hangar://accounts/reader/bases/${ids.big}/schema`), 'resources/list: the OAuth account\'s too');
  check(resources.every((r) => r.mimeType === 'application/json' && r.name && r.title), 'resources have names and types');
  const read = await client.readResource({ uri: roadmap });
  eq(read.contents.length, 1, 'resources/read: one content');
  eq(read.contents[0].mimeType, 'application/json', 'resources/read: JSON');
  const schema = JSON.parse(read.contents[0].text);
  eq(schema.tables.map((t) => t.name), ['People', 'Projects', 'Tasks'], 'resources/read: the schema');
  const { resourceTemplates } = await client.listResourceTemplates();
  eq(resourceTemplates.map((t) => t.uriTemplate), ['hangar://accounts/{account}/bases/{baseId}/schema'], 'templates');
  for (const uri of ['hangar://accounts/nobody/bases/appAAAAAAAAAAAAAA/schema', 'file:///etc/passwd',
    'hangar://accounts/work/bases/appAAAAAAAAAAAAAA/schema', 'hangar://accounts/work/bases//schema']) {
    let code;
    try {
      await client.readResource({ uri });
    } catch (e) {
      code = e.code;
    }
    eq(code, -32002, `resources/read ${uri}: resource not found`);
  }
}

async function testRateLimited (client, ids) {
  section('429');
  const before = await stats();
  await control('faults', { count: 1, status: 429, path_prefix: `/v0/${ids.big}` });
  const out = await expectOk(client, 'list_records', { account: 'work', base: ids.big, table: 'Records', max: 5 });
  eq(out.count, 5, 'a 429 is waited out and the call succeeds');
  const after = await stats();
  eq((after.by_status['429'] || 0) - (before.by_status['429'] || 0), 1, 'exactly one 429 was answered');
  eq(after.requests - before.requests, 2, 'and the request was sent again once');
}

async function testReadOnly () {
  section('read-only');
  const session = await openSession(['--read-only']);
  const { client } = session;
  const { tools } = await client.listTools();
  eq(tools.map((t) => t.name).sort(), [...READ_TOOLS].sort(), '--read-only: only the tools that read');
  check(/read-only/.test(client.getInstructions()), 'the instructions say so');
  for (const name of ALL_TOOLS.filter((t) => !READ_TOOLS.includes(t))) {
    const { sent } = await requestsDuring(() =>
      expectToolError(client, name, { account: 'work' }, 'READ_ONLY', `${name} in read-only mode`));
    eq(sent, 0, `${name} in read-only mode sends nothing`);
  }
  const listed = await expectOk(client, 'list_accounts', {});
  eq(listed.read_only, true, 'list_accounts says read-only');
  await closeSession(session, '--read-only');
}

async function testOnlyAccount (ids) {
  section('-a');
  const session = await openSession(['-a', 'work']);
  const { client } = session;
  const listed = await expectOk(client, 'list_accounts', {});
  eq(listed.accounts.map((a) => a.label), ['work'], '-a work: only that account');
  const bases = await expectOk(client, 'list_bases', {});
  eq(bases.account, 'work', 'with one account, "account" may be left out');
  await expectToolError(client, 'list_bases', { account: 'reader' }, 'ACCOUNT_NOT_FOUND',
    'an account not given with -a is not available');
  const { resources } = await client.listResources();
  check(resources.every((r) => r.uri.startsWith('hangar://accounts/work/')), 'resources: only that account');
  await closeSession(session, '-a work');

  const r = spawnSync(CLI, ['mcp', '-a', 'nobody'], { env: process.env, encoding: 'utf8', input: '' });
  eq(r.status, 2, '-a with an unknown label: exit 2');
  check(/no account labelled/.test(r.stderr), '-a with an unknown label: says so');
  eq(r.stdout, '', '-a with an unknown label: nothing on stdout');
  const t = spawnSync(CLI, ['--token-env', 'X', 'mcp'], { env: process.env, encoding: 'utf8', input: '' });
  eq(t.status, 2, '--token-env is refused');
}

async function testRevoked (client, ids) {
  section('a revoked account');
  const fine = await expectOk(client, 'list_records', { account: 'team', base: ids.big, table: 'Records', max: 2 });
  eq(fine.count, 2, 'the OAuth account works');
  await control('revoke', {});
  const first = await call(client, 'list_records', { account: 'team', base: ids.big, table: 'Records', max: 2 });
  check(first.isError === true, 'after revocation the call fails');
  check(['ACCOUNT_REVOKED', 'AUTHENTICATION_REQUIRED'].includes(first.structuredContent.error.type),
    `it says the grant is gone: ${JSON.stringify(first.structuredContent.error)}`);
  const accounts = await expectOk(client, 'list_accounts', {});
  eq(accounts.accounts.find((a) => a.label === 'team').status, 'revoked', 'list_accounts shows it revoked');
  const { value: again, sent } = await requestsDuring(() =>
    expectToolError(client, 'list_records', { account: 'team', base: ids.big, table: 'Records' },
      'ACCOUNT_REVOKED', 'a revoked account'));
  check(/reconnect/.test(again.structuredContent.error.message), 'it says how to reconnect');
  eq(sent, 0, 'a revoked account sends nothing');
  const still = await expectOk(client, 'list_records', { account: 'work', base: ids.big, table: 'Records', max: 1 });
  eq(still.count, 1, 'the other accounts still work');
}

async function main () {
  process.env.HANGAR_TEST_PAT = info.pat;
  connectPat('work', 'HANGAR_TEST_PAT');
  await connectOAuth('reader', ['data.records:read', 'schema.bases:read']);
  await connectOAuth('team', ['data.records:read', 'data.records:write', 'schema.bases:read']);

  const ids = {};
  // The client's own pacing applies; a 429 costs it a short pause here.
  const session = await openSession([], { HANGAR_RATE_LIMIT_PENALTY_MS: '300' });
  const { client } = session;
  await testHandshake(session);
  await testAccounts(client);
  await testBasesAndSchema(client, ids);
  await testListAndSearch(client, ids);
  await testWrites(client, ids);
  await testTooLarge(client, ids);
  await testComments(client, ids);
  await testSchemaChanges(client, ids);
  await testBadArguments(client, ids);
  await testScopes(client, ids);
  await testResources(client, ids);
  await testRateLimited(client, ids);
  await testReadOnly();
  await testOnlyAccount(ids);
  await testRevoked(client, ids);
  await closeSession(session, 'the main session');

  section('every tool, and no token');
  for (const name of ALL_TOOLS) check(toolsPassed.has(name), `${name} was called successfully`);
  const everything = transcript.join('\n') + '\n' + stderrText.join('');
  SECRETS.forEach((secret, i) => check(!everything.includes(secret), `secret #${i} appears in no output`));
  check(transcript.length > 50, `the transcript was recorded (${transcript.length} messages)`);

  console.log(`${checks} checks, ${failures.length} failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
