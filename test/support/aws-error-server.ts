/**
 * A loopback HTTP server that answers every request as DynamoDB does for a missing table (400,
 * `ResourceNotFoundException`, with a request id): for tests of how AWS error answers are reported.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running error server: its endpoint URL and how to stop it. */
export interface AwsErrorServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Start the server on a free 127.0.0.1 port.
 * @param requestId the `x-amzn-requestid` header of every answer
 */
export async function startAwsErrorServer(requestId: string): Promise<AwsErrorServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
