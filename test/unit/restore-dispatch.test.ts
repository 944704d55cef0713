/**
 * Waking the restore worker per request (resolution `deferred`): the API's `dispatch` is an asynchronous
 * Lambda invoke of the reconcile function with `{"restore_id"}` (`src/adapters/lambda-invoker.ts`, here on a
 * recording double of `LambdaClient.send`); a refused invoke is logged and the request stays RESOLVING for the
 * reconciler; the reconcile handler tells a request's event from the schedule's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { LambdaInvoker, restoreDispatch, type LambdaInvokeClient } from '../../src/adapters/lambda-invoker.js';
import { ColdpackError } from '../../src/domain/errors.js';
import { restoreIdOf } from '../../src/entrypoints/lambda/reconcile.js';
import { SOURCE, memoryRestoreEnv, putMemoryBundle, restoreInput } from '../support/memory-restore-env.js';

/** Recording double of LambdaClient.send: keeps every Invoke input; `answer` gives the result or throws. */
function recordingLambda(answer: () => { StatusCode?: number } = () => ({ StatusCode: 202 })) {
  const inputs: InvokeCommandInput[] = [];
  const client: LambdaInvokeClient = {
    async send(command: InvokeCommand) {
      assert.ok(command instanceof InvokeCommand);
      inputs.push(command.input);
      return answer();
    },
  };
  return { client, inputs };
}

/** An SDK-like service error (what `LambdaClient.send` rejects with). */
function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 429 } });
}

async function archivedEnv() {
  const env = memoryRestoreEnv();
  await putMemoryBundle(env, [{ key: 'd/a.csv', data: Buffer.from('a') }], { jobId: 'j1', seq: 0, storageClass: 'STANDARD' });
  return env;
}

describe('LambdaInvoker', () => {
  it('invokes the function asynchronously (Event) with {"restore_id"}', async () => {
    const { client, inputs } = recordingLambda();
    await restoreDispatch(new LambdaInvoker(client, 'coldpack-reconcile'))('rst-20261130T103000-0123456789');
    assert.equal(inputs.length, 1);
    assert.equal(inputs[0]!.FunctionName, 'coldpack-reconcile');
    assert.equal(inputs[0]!.InvocationType, 'Event');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(inputs[0]!.Payload as Uint8Array)), { restore_id: 'rst-20261130T103000-0123456789' });
  });

  it('an SDK error or a status other than 202 is DISPATCH_FAILED naming the operation and the function', async () => {
    const failing = recordingLambda(() => {
      throw sdkError('TooManyRequestsException', 'Rate exceeded');
    });
    await assert.rejects(new LambdaInvoker(failing.client, 'coldpack-reconcile').invokeEvent({ restore_id: 'rst-x' }), (err: unknown) => {
      assert.ok(err instanceof ColdpackError);
      assert.equal(err.code, 'DISPATCH_FAILED');
      assert.equal(err.status, 502);
      assert.match(err.message, /^Invoke \(Event\) of Lambda function coldpack-reconcile: TooManyRequestsException: Rate exceeded$/);
      assert.equal((err.cause as Error).name, 'TooManyRequestsException');
      return true;
    });
    const odd = recordingLambda(() => ({ StatusCode: 200 }));
    await assert.rejects(new LambdaInvoker(odd.client, 'fn').invokeEvent({}), (err: unknown) => {
      assert.ok(err instanceof ColdpackError);
      assert.equal(err.code, 'DISPATCH_FAILED');
      assert.match(err.message, /Lambda function fn: answered status 200, expected 202/);
      return true;
    });
  });
});

describe('deferred resolution with dispatch', () => {
  it('submit invokes the worker once with the recorded id; the request is RESOLVING until the worker runs', async () => {
    const env = await archivedEnv();
    const { client, inputs } = recordingLambda();
    const svc = env.service({ resolution: 'deferred', dispatch: restoreDispatch(new LambdaInvoker(client, 'coldpack-reconcile')) });
    const view = await svc.submit(restoreInput({ kind: 'keys', keys: ['d/a.csv'] }, { bucket: SOURCE }), {});
    assert.equal(view.status, 'RESOLVING');
    assert.deepEqual(
      inputs.map((i) => JSON.parse(new TextDecoder().decode(i.Payload as Uint8Array)) as unknown),
      [{ restore_id: view.restore_id }],
    );
    // What the woken reconcile function does with {restore_id}: a pass over that request.
    await svc.reconcile(view.restore_id);
    assert.equal((await svc.get(view.restore_id))?.status, 'AVAILABLE');
  });

  it('a refused invoke does not fail the submit: logged with the reason, the request stays RESOLVING for the full pass', async () => {
    const env = await archivedEnv();
    const failing = recordingLambda(() => {
      throw sdkError('AccessDeniedException', 'not authorized to perform: lambda:InvokeFunction');
    });
    const svc = env.service({ resolution: 'deferred', dispatch: restoreDispatch(new LambdaInvoker(failing.client, 'coldpack-reconcile')) });
    const view = await svc.submit(restoreInput({ kind: 'keys', keys: ['d/a.csv'] }, { bucket: SOURCE }), {});
    assert.equal(view.status, 'RESOLVING');
    const warned = env.logger.entries.filter((e) => e.level === 'warn');
    assert.equal(warned.length, 1);
    assert.match(warned[0]!.msg, /stays RESOLVING.*Invoke \(Event\) of Lambda function coldpack-reconcile: AccessDeniedException/);
    assert.deepEqual((warned[0]!.obj as { restore_id: string }).restore_id, view.restore_id);
    assert.equal((await svc.get(view.restore_id))?.status, 'RESOLVING');
    await svc.reconcile();
    assert.equal((await svc.get(view.restore_id))?.status, 'AVAILABLE', 'the scheduled full pass resolves it');
  });
});

describe('reconcile handler event', () => {
  it('{restore_id} names one request; the schedule input and other events mean a full pass', () => {
    assert.equal(restoreIdOf({ restore_id: 'rst-20261130T103000-0123456789' }), 'rst-20261130T103000-0123456789');
    assert.equal(restoreIdOf({ restore_id: 'rst-0123456789abcdef01234567' }), 'rst-0123456789abcdef01234567');
    assert.equal(restoreIdOf({ source: 'coldpack.schedule', schedule: 'reconcile', scheduled_time: '2026-11-30T10:00:00Z' }), undefined);
    assert.equal(restoreIdOf({}), undefined);
    assert.equal(restoreIdOf(undefined), undefined);
    assert.equal(restoreIdOf(null), undefined);
  });

  it('a restore_id that is not a restore id is refused (the event goes to the dead-letter queue)', () => {
    for (const bad of [42, '', 'job-1', 'rst-../x', null]) {
      assert.throws(
        () => restoreIdOf({ restore_id: bad }),
        (err: unknown) => err instanceof ColdpackError && err.code === 'VALIDATION_ERROR' && err.field === 'restore_id',
      );
    }
  });
});
