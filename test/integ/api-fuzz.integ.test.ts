/**
 * Fuzz test of the HTTP API (issue 12): the real `coldpack serve` (a child process, the local HTTP
 * server over the same handler Lambda runs) against a moto emulator, fed a seeded stream of hostile
 * requests over every route: malformed JSON, wrong types, huge / negative / NaN-ish numbers, deep
 * nesting, lone UTF-16 surrogates, huge strings, unknown fields, crafted page tokens, odd paths,
 * methods, headers and query strings. Every answer must be a 2xx or 4xx with a JSON body (errors
 * `{code, message}`), within 10 s, and `/health` must answer after each request.
 *
 * Routes come from the generators below and from docs/openapi.json (every documented route must be
 * hit). Routes that start work point at a bucket that does not exist (archive) or at keys never archived
 * (restore), so no real job runs. Seed and size: FUZZ_SEED (default 12), FUZZ_COUNT (default 2,500
 * requests, over 1,000 of them with a body; about 15 s).
 */
import { rng } from '../../src/local/demo-data.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import { tableNames } from '../../src/domain/config.js';
import { startMotoFixture, type MotoFixture } from '../support/moto.js';

const SEED = Number(process.env.FUZZ_SEED ?? 12);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);
const TOKEN = 'fuzz-token-0123456789abcdef';
const PREFIX = 'fuzz-';
const ARCHIVE_BUCKET = 'fuzz-archive';
const RESTORE_BUCKET = 'fuzz-restore';
/** A source bucket that does not exist: an archive request that passes validation stops at the source check. */
const MISSING_SRC = 'fuzz-missing-src';
/** A source bucket that exists (empty): lookups and dry runs reach DynamoDB and S3. */
const EMPTY_SRC = 'fuzz-empty-src';
const REQUEST_TIMEOUT_MS = 10_000;

/** JSON text that is emitted as is (numbers JSON.stringify cannot write, nesting built as text). */
class Raw {
  constructor(readonly text: string) {}
}

/** Serialise with {@link Raw} pieces; strings through JSON.stringify (lone surrogates become \\udXXX escapes). */
function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return JSON.stringify(v) ?? 'null';
}

class Fuzzer {
  constructor(private readonly rnd: () => number) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  number(): unknown {
    return this.pick<unknown>([
      0,
      -1,
      1,
      2,
      7,
      1000,
      -0.5,
      0.5,
      1e308,
      -1e308,
      1e16,
      1e12 + 1,
      2 ** 53 + 2,
      5e-324,
      1e-300,
      12.75,
      59,
      24,
      366,
      100_000,
      5_000_001,
      new Raw('1e400'),
      new Raw('-1e400'),
      new Raw('123456789012345678901234567890'),
      new Raw('-0'),
      new Raw('1E+2'),
      new Raw('0.0000001'),
    ]);
  }

  string(): string {
    return this.pick<() => string>([
      () => '',
      () => ' ',
      () => 'a\ud800b',
      () => '\udc00',
      () => '\udc00\ud800',
      () => '😀/é/key.csv',
      () => 'x'.repeat(this.pick([255, 256, 1023, 1024, 1025, 2049, 65_536, 400_000])),
      () => 'é'.repeat(this.pick([511, 512, 513, 1024])),
      () => '\u0000\u0001\u001f',
      () => '../../etc/passwd',
      () => '/leading/slash',
      () => 's3://fuzz-restore/key-lists/none.txt',
      () => 's3://other-bucket/x',
      () => '20240410',
      () => 'Europe/London',
      () => 'Not/AZone',
      () => 'L',
      () => '2024-13',
      () => 'DEEP_ARCHIVE',
      () => 'Bulk',
      () => 'a,b,,c/d.csv',
      () => 'arn:aws:sns:us-east-1:123456789012:topic',
      () => '9999-12-31T23:59:59Z',
      () => '0001-01-01T00:00:00+14:00',
      () => String(this.rnd()),
    ])();
  }

  nested(): Raw {
    const d = this.pick([7, 8, 9, 50, 5000, 100_000]);
    const open = this.chance(0.5) ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    return new Raw(open.repeat(d) + '1' + close.repeat(d));
  }

  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 4 : 8)) {
      case 0:
      case 1:
        return this.number();
      case 2:
        return this.string();
      case 3:
        return this.pick([true, false, null]);
      case 4:
        return this.chance(0.2)
          ? Array.from({ length: 10_001 }, (_, i) => `k/${i}`)
          : Array.from({ length: this.pick([0, 1, 3]) }, () => this.value(depth + 1));
      case 5:
        return { [this.string().slice(0, 20)]: this.value(depth + 1) };
      case 6:
        return this.nested();
      default:
        return this.pick([[this.string()], [this.string(), 'ok/key'], {}, []]);
    }
  }

  /** A valid body, then mutated 0-3 times. */
  body(route: string, restoreId: string): unknown {
    const base = this.validBody(route, restoreId);
    const mutations = this.pick([0, 1, 1, 2, 3]);
    let b: Record<string, unknown> = { ...base };
    for (let i = 0; i < mutations; i++) {
      const keys = Object.keys(b);
      switch (this.int(5)) {
        case 0:
        case 1:
          if (keys.length) b[this.pick(keys)] = this.value();
          break;
        case 2:
          if (keys.length) delete b[this.pick(keys)];
          break;
        case 3:
          b[this.pick(['colour', 'days', 'histogram', 'deployment', 'compute', 'prefix', 'keys', '__proto__', 'constructor', 'a\ud800'])] = this.value();
          break;
        default:
          b = { ...b, ...this.validBody(this.pick(['/archive', '/restore', '/estimate', '/schedule/preview']), restoreId) };
      }
    }
    return b;
  }

  validBody(route: string, restoreId: string): Record<string, unknown> {
    switch (route) {
      case '/archive':
        return this.pick([
          { project_name: 'fuzz', bucket_name: MISSING_SRC, prefix: '20240410', file_count: 10, archive_size: 500 },
          { project_name: 'fuzz', bucket_name: MISSING_SRC, s3_prefix: 'raw/', dry_run: true, storage_class: 'GLACIER' },
          { project_name: 'fuzz', bucket_name: EMPTY_SRC, prefix: 'nothing-here', dry_run: true, region: 'us-east-1', account: '123456789012' },
        ]);
      case '/restore':
        return this.pick([
          { key: 'never/archived.csv' },
          { keys: ['never/a.csv', 'never/b.csv'], days: 2, retrieval_tier: 'Bulk' },
          { filename: 'a.csv,b.csv', bucket_name: EMPTY_SRC },
          { prefix: 'never/', all_matches: true },
          { keys_manifest: `s3://${RESTORE_BUCKET}/key-lists/none.txt` },
          { key: 'never/x.csv', request_id: `fuzz-${restoreId}` },
        ]);
      case '/estimate':
        return this.pick([
          { objects: 1000, avg_size_bytes: 100_000 },
          { objects: 1_000_000, avg_size_bytes: 1e308 },
          {
            histogram: [
              { min_bytes: 0, max_bytes: 1024, objects: 10, bytes: 5000 },
              { min_bytes: 1024, max_bytes: null, objects: 1, bytes: 1e15 },
            ],
          },
          { objects: 1000, avg_size_bytes: 1e16, compute: { objects_per_second: 1e-300 }, deployment: { azs: 6, share: 0.5 } },
        ]);
      default:
        return this.pick([
          { time_zone: 'Europe/London', day_of_month: 'L', hour: 3, minute: 0, count: 12 },
          { day_of_month: 10, count: 100, from: '9999-12-31T23:59:59Z' },
          { time_zone: 'Pacific/Kiritimati', month_offset: -24, prefix_template: '{yyyy}{MM}{dd}' },
        ]);
    }
  }

  /** A page token: issued-looking but crafted. */
  token(): string {
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    return this.pick<() => string>([
      () => b64({ b: 0, t: 'zz' }),
      () => b64({ b: 0, t: 123 }),
      () => b64({ b: 1e9 }),
      () => b64({ b: -1, t: 'x' }),
      () => b64({ o: -1 }),
      () => b64({ o: 1.5 }),
      () => b64({ o: 1e9 }),
      () => b64({ b: 0, t: b64({ pk: 'x', sk: 'y', name_key: 'other#x' }) }),
      () => b64({ b: 0, t: b64({ pk: 'p'.repeat(3000), sk: 'y', name_key: `${EMPTY_SRC}#a.csv` }) }),
      () => b64({ b: 0, t: b64({ pk: `${EMPTY_SRC}/a.csv`, sk: 's', name_key: `${EMPTY_SRC}#a.csv` }) }),
      () => b64({ b: 0, t: b64({ pk: 1, sk: { S: 'x' }, name_key: `${EMPTY_SRC}#a.csv` }) }),
      () => b64('not json'),
      () => b64('null'),
      () => b64('[]'),
      () => 'x'.repeat(this.pick([1, 8193])),
      () => '!!!',
      () => '',
    ])();
  }
}

/** Percent-encode any string, lone surrogates as their WTF-8 bytes (encodeURIComponent would throw). */
function pct(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Every `METHOD /template` of the OpenAPI document (so a route added later is fuzzed too). */
const DOCUMENTED_ROUTES: readonly { method: string; template: string }[] = Object.entries(
  (JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as { paths: Record<string, Record<string, unknown>> }).paths,
).flatMap(([template, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), template })));

/** The documented route a request path and method hit, if any. */
function documentedRoute(method: string, path: string): string | undefined {
  const segs = path.split('?')[0]!.split('/');
  const hit = DOCUMENTED_ROUTES.find((r) => {
    const t = r.template.split('/');
    return r.method === method && t.length === segs.length && t.every((x, i) => x.startsWith('{') || x === segs[i]);
  });
  return hit && `${hit.method} ${hit.template}`;
}

/** A request to any documented route, by its template: ids and a body from the generic generators. */
function generic(f: Fuzzer, restoreId: string, headers: Record<string, string>): FuzzRequest {
  const r = f.pick(DOCUMENTED_ROUTES);
  const path = r.template.replace(/\{[^}]+\}/g, () => f.pick([restoreId, '20240410T000000Z-abcdef12', 'nope', '%ED%A0%80', 'x'.repeat(300)]));
  if (r.method === 'GET') return { method: r.method, path, headers };
  const body = f.chance(0.5) ? toJson(f.value()) : toJson({ [f.pick(['days', 'key', 'reason', 'force'])]: f.value() });
  return { method: r.method, path, headers, body };
}

function generate(f: Fuzzer, restoreId: string): FuzzRequest {
  const headers: Record<string, string> = {};
  if (f.chance(0.97)) headers.authorization = `Bearer ${TOKEN}`;
  else if (f.chance(0.7)) headers.authorization = f.pick(['Bearer wrong-token-wrong-token', 'Basic x', 'Bearer', '']);
  if (f.chance(0.9)) headers['content-type'] = f.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
  if (f.chance(0.1)) headers['idempotency-key'] = f.pick(['', ' ', 'k'.repeat(256), 'fuzz key', 'fuzz-key-1', '\u00e9']);
  if (f.chance(0.01)) headers['x-fuzz-padding'] = 'h'.repeat(20_000); // over Node's 16 KiB header limit
  if (f.chance(0.1)) return generic(f, restoreId, headers);
  const route = f.pick([
    '/archive',
    '/archive/{id}',
    '/restore',
    '/restore/{id}',
    '/files',
    '/estimate',
    '/estimate',
    '/health',
    '/schedule',
    '/schedule/preview',
    '/odd',
  ]);
  const post = ['/archive', '/restore', '/estimate', '/schedule/preview'].includes(route);
  let method = post ? 'POST' : 'GET';
  if (f.chance(0.06)) method = f.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'FOO', post ? 'GET' : 'POST']);
  const id = () =>
    f.pick([restoreId, '20240410T000000Z-abcdef12', 'nope', '%ZZ', '%ED%A0%80', '%C3%A9', 'x'.repeat(300), '..', '%2F..%2Fhealth', '%00', 'a%20b']);
  if (post) {
    const kind = f.int(10);
    let body: string | Buffer;
    if (kind === 0) body = f.pick(['', '{', '{"a":', 'null', '[]', '"x"', '1e400', 'NaN', '{"days": NaN}', '{"a":1,}', "{'a':1}", '\u0000']);
    else if (kind === 1) body = toJson(f.nested());
    else if (kind === 2)
      body = Buffer.from([0x7b, 0x22, 0x6b, 0x65, 0x79, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]); // {"key":"<WTF-8 lone surrogate>"}
    else {
      const text = toJson(f.body(route, restoreId));
      body = kind === 3 ? text.slice(0, f.int(text.length)) : text;
    }
    return method === 'GET' ? { method, path: route, headers } : { method, path: route, headers, body };
  }
  if (route === '/archive/{id}') return { method, path: `/archive/${id()}`, headers };
  if (route === '/odd') {
    return {
      method,
      path: f.pick(['/', '//', '/archive/', '/archive/a/b', '/ARCHIVE', `/${'z'.repeat(5000)}`, '/files/', '/health/x', '/%ZZ', '/restore/%ED%A0%80/x']),
      headers,
    };
  }
  const query = new Map<string, string>();
  const qv = () => (f.chance(0.5) ? f.string().slice(0, 3000) : f.pick(['a.csv', 'never/a.csv', EMPTY_SRC, '1', '1000', '0', '-1', '1001', 'abc', '1e3']));
  if (route === '/restore/{id}' || route === '/files') {
    if (f.chance(0.6)) query.set('nextToken', f.token());
    if (f.chance(0.3)) query.set('limit', f.pick(['0', '1', '1000', '1001', '-1', 'abc', '1e3', '99999999999']));
  }
  if (route === '/files') {
    if (f.chance(0.7)) query.set(f.pick(['key', 'name', 'name']), f.chance(0.7) ? f.pick(['a.csv', 'never/a.csv']) : qv());
    if (f.chance(0.6)) query.set('bucket', f.chance(0.8) ? EMPTY_SRC : qv());
  }
  if (f.chance(0.1)) query.set(f.pick(['colour', 'key', '']), qv());
  const qs = [...query].map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
  const path = route === '/restore/{id}' ? `/restore/${id()}` : route;
  return { method, path: qs ? `${path}?${qs}` : path, headers };
}

let moto: MotoFixture;
let child: ChildProcess;
let url: string;

before(async () => {
  moto = await startMotoFixture();
  await ensureTables(moto.clients.dynamo, tableNames(PREFIX));
  for (const b of [ARCHIVE_BUCKET, RESTORE_BUCKET, EMPTY_SRC]) await moto.clients.s3.send(new CreateBucketCommand({ Bucket: b }));
  child = spawn(process.execPath, ['bin/coldpack.js', '--json', 'serve', '--port', '0'], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: moto.moto.endpoint,
      AWS_REGION: moto.region,
      COLDPACK_TABLE_PREFIX: PREFIX,
      COLDPACK_ARCHIVE_BUCKET: ARCHIVE_BUCKET,
      COLDPACK_RESTORE_BUCKET: RESTORE_BUCKET,
      COLDPACK_API_TOKEN: TOKEN,
      COLDPACK_SCHEDULE_REQUEST: '',
      COLDPACK_SCHEDULE: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`coldpack serve printed no URL: ${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url": "([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`coldpack serve exited ${code}: ${out}`)));
  });
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    // a server frozen by a request (the bug this test guards against) never handles SIGTERM
    const grace = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(grace);
  }
  await moto?.close();
});

async function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(url + r.path, {
    method: r.method,
    headers: r.headers,
    ...(r.body === undefined ? {} : { body: r.body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: res.status, text: await res.text() };
}

/** What is wrong with an answer, or undefined when it is a 2xx/4xx JSON answer ({code, message} on errors). */
function problem(method: string, status: number, text: string): string | undefined {
  if (status >= 500 || status < 200 || (status >= 300 && status < 400)) return `status ${status}`;
  if (method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 100)}`;
  }
  if (status >= 400) {
    const b = body as { code?: unknown; message?: unknown };
    if (typeof b.code !== 'string' || typeof b.message !== 'string') return `error without {code, message}: ${text.slice(0, 200)}`;
  }
  return undefined;
}

describe('API fuzz against coldpack serve on moto (issue 12)', () => {
  it(`${COUNT} seeded hostile requests (seed ${SEED}) answer 2xx/4xx JSON, and /health stays live`, { timeout: 180_000 }, async () => {
    const created = await send({
      method: 'POST',
      path: '/restore',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"keys":["never/1.csv","never/2.csv","never/3.csv"]}',
    });
    assert.equal(created.status, 202, created.text);
    const restoreId = (JSON.parse(created.text) as { restore_id: string }).restore_id;
    const f = new Fuzzer(rng(SEED));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    let bodies = 0;
    const started = Date.now();
    for (let i = 0; i < COUNT; i++) {
      const r = generate(f, restoreId);
      if (r.body !== undefined) bodies++;
      const what = () => `#${i} ${r.method} ${r.path.slice(0, 160)} ${r.body === undefined ? '' : String(r.body).slice(0, 160)}`;
      try {
        const res = await send(r);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const hit = documentedRoute(r.method, r.path);
        if (hit) covered.add(hit);
        const p = problem(r.method, res.status, res.text);
        if (p) failures.push(`${what()} -> ${p} ${res.text.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${what()} -> no answer: ${String(err)}`);
      }
      const health = await send({ method: 'GET', path: '/health', headers: {} }).catch((err: unknown) => ({ status: 0, text: String(err) }));
      if (health.status !== 200) {
        failures.push(`${what()} -> /health afterwards: ${health.status} ${health.text.slice(0, 100)}`);
        break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(`api fuzz: seed ${SEED}, ${COUNT} requests (${bodies} with a body) in ${seconds.toFixed(1)} s: ${summary}`);
    assert.deepEqual(failures.slice(0, 15), [], `${failures.length} bad answers`);
    assert.deepEqual(
      DOCUMENTED_ROUTES.map((r) => `${r.method} ${r.template}`).filter((r) => !covered.has(r)),
      [],
      'every documented route is fuzzed',
    );
    assert.ok((statuses.get(400) ?? 0) > COUNT / 3, `mostly 400s expected: ${summary}`);
    assert.ok(
      [...statuses.keys()].some((s) => s >= 200 && s < 300),
      `some valid requests expected: ${summary}`,
    );
    if (COUNT >= 2500) assert.ok(bodies >= 1000, `${bodies} bodies`);
    assert.ok(seconds < 90, `took ${seconds} s`);
  });
});
