/**
 * A job never stays stuck (issue 12 item 7) on in-memory ports: the final FAILED write and the lock
 * release are retried through an outage, running steps heartbeat, a stale job is shown as such and
 * can be taken over by a resume, a live one cannot.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArchiveService } from '../../../src/archive/archive-service.js';
import { ColdpackError } from '../../../src/domain/errors.js';
import { listRequest } from '../../support/archive-request.js';
import { memoryArchive, seedSource, textFiles } from '../../support/memory-archive.js';

const outage = () => Object.assign(new Error('connect ECONNREFUSED (outage)'), { code: 'ECONNREFUSED' });
const code = (c: string) => (err: unknown) => err instanceof ColdpackError && err.code === c;
const fast = { attempts: 5, baseMs: 1, maxMs: 4 };

describe('final writes through an outage', () => {
  it('a failing step during an outage still ends FAILED with its lock released (the writes are retried)', async () => {
    const a = memoryArchive({ retry: fast });
    seedSource(a.objects, textFiles('out/', 3));
    const id = await a.submit(listRequest('out/'));
    a.objects.failNext('ListObjectsV2', 'UNAVAILABLE');
    // The outage: the next 3 job-store updates (the FAILED write and its first retries) fail.
    const update = a.jobs.update.bind(a.jobs);
    let failing = 0;
    a.jobs.update = async (jobId, changes) => {
      if (changes.status === 'FAILED' && failing++ < 3) throw outage();
      return update(jobId, changes);
    };
    await assert.rejects(a.engine.run(id), code('AWS_UNREACHABLE'));
    assert.equal(a.jobs.jobs.get(id)?.status, 'FAILED');
    assert.equal(a.jobs.locks.get('src')?.get('out/'), undefined, 'the source lock is released');
  });
});

describe('heartbeats and takeover', () => {
  it('every step writes heartbeat_at while it runs', async () => {
    const a = memoryArchive({ heartbeatMs: 5 });
    seedSource(a.objects, textFiles('hb/', 3));
    const id = await a.submit(listRequest('hb/'));
    assert.equal(a.jobs.jobs.get(id)?.heartbeat_at, undefined);
    await a.engine.run(id);
    assert.ok(a.jobs.jobs.get(id)?.heartbeat_at, 'a heartbeat was written');
  });

  it('a live job is not taken over; a stale one is shown stale, taken over (lock retaken) and started; a FAILED one is resumed', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('st/', 2));
    const id = await a.submit(listRequest('st/'));
    await a.jobs.update(id, { status: 'RUNNING', heartbeat_at: new Date().toISOString() });
    const started: string[] = [];
    const at = (ms: number) =>
      new ArchiveService({
        objects: a.objects,
        jobs: a.jobs,
        starter: { start: async (j) => void started.push(j) },
        clock: { now: () => new Date(Date.now() + ms) },
        staleAfterMs: 60_000,
      });
    await assert.rejects(at(0).resume(id), code('JOB_RUNNING'));
    assert.equal((await at(0).get(id))?.stale, undefined);
    // The process died: its lock was even released by someone (e.g. a failed final write half done).
    a.jobs.locks.get('src')?.delete('st/');
    const later = at(120_000);
    assert.equal((await later.get(id))?.stale, true, 'shown stale');
    const resumed = await later.resume(id);
    assert.equal(resumed.status, 'QUEUED');
    assert.deepEqual(started, [id]);
    assert.equal(a.jobs.locks.get('src')?.get('st/'), id, 'the lock is retaken');
    await assert.rejects(at(0).submit(listRequest('st/'), {}), code('JOB_RUNNING'), 'the source is locked again');
    await a.jobs.update(id, { status: 'FAILED' });
    a.jobs.locks.get('src')?.delete('st/');
    await at(0).resume(id);
    assert.deepEqual(started, [id, id], 'a FAILED job is resumed at once');
    await a.engine.run(id);
    assert.equal(a.jobs.jobs.get(id)?.status, 'SUCCEEDED');
    assert.equal((await at(0).resume(id)).status, 'SUCCEEDED', 'a finished job is answered as is');
    assert.deepEqual(started, [id, id]);
  });

  it('a takeover loses to a heartbeat that came in between (nothing written)', async () => {
    const a = memoryArchive();
    seedSource(a.objects, textFiles('race/', 2));
    const id = await a.submit(listRequest('race/'));
    const seen = a.jobs.jobs.get(id)!.updated_at;
    await new Promise((r) => setTimeout(r, 2));
    await a.jobs.update(id, { heartbeat_at: new Date().toISOString() });
    assert.equal(await a.jobs.takeOver(id, seen, { bucket: 'src', scope: 'race/' }, new Date().toISOString()), false);
  });
});
