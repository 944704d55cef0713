import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateS3Error } from '../../../src/adapters/s3/s3-errors.js';

/** An error shaped as the SDK throws it for an S3 error response. */
function sdkError(name: string, status: number, message = `${name} message`): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

test('every way S3 refuses a GET of one object maps to a per-object failure; bucket- and credential-wide ones do not', () => {
  const cases: Array<[string, number, string, string?]> = [
    ['NoSuchKey', 404, 'NOT_FOUND'],
    ['NoSuchVersion', 404, 'NOT_FOUND'],
    ['PreconditionFailed', 412, 'PRECONDITION_FAILED'],
    ['AccessDenied', 403, 'ACCESS_DENIED'],
    ['InvalidObjectState', 403, 'INVALID_OBJECT_STATE'],
    ['KMS.DisabledException', 400, 'KMS_KEY_UNUSABLE'],
    ['KMS.KMSInvalidStateException', 400, 'KMS_KEY_UNUSABLE'],
    ['KMS.NotFoundException', 400, 'KMS_KEY_UNUSABLE'],
    ['KMS.AccessDeniedException', 403, 'KMS_KEY_UNUSABLE'],
    ['KMS.ThrottlingException', 400, 'THROTTLED'],
    [
      'InvalidRequest',
      400,
      'ENCRYPTION_KEY_REQUIRED',
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    ],
    ['InvalidRequest', 400, 'INVALID_REQUEST', 'something else'],
    ['InvalidRange', 416, 'INVALID_REQUEST'],
    ['MethodNotAllowed', 405, 'INVALID_REQUEST'],
    ['NoSuchBucket', 404, 'NO_SUCH_BUCKET'],
    ['SignatureDoesNotMatch', 403, 'CREDENTIALS'],
    ['InvalidAccessKeyId', 403, 'CREDENTIALS'],
    ['ExpiredToken', 400, 'CREDENTIALS'],
    ['RequestTimeTooSkewed', 403, 'CREDENTIALS'],
    ['PermanentRedirect', 301, 'WRONG_REGION'],
    ['SlowDown', 503, 'THROTTLED'],
    ['InternalError', 500, 'UNAVAILABLE'],
    ['OperationAborted', 409, 'UNAVAILABLE'],
  ];
  for (const [name, status, failure, message] of cases) {
    const e = translateS3Error(sdkError(name, status, message), 'GetObject', 'src', 'a/b.txt');
    assert.equal(e.failure, failure, name);
    assert.match(e.message, /^GetObject s3:\/\/src\/a\/b\.txt: /, 'names the operation and the resource');
  }
});
