import { startMoto, type MotoServer } from '../../src/local/moto-server.js';
import { createAwsClients, type AwsClients } from '../../src/adapters/aws-clients.js';

/** Test fixture: a moto server plus SDK clients pointed at it over HTTP (no SDK mocks). */
export interface MotoFixture {
  readonly moto: MotoServer;
  readonly clients: AwsClients;
  readonly region: string;
  close(): Promise<void>;
}

/**
 * Start moto on a free loopback port and build real AWS SDK v3 clients for it.
 * Sets dummy credentials in `process.env` (the SDK's standard chain then finds them).
 */
export async function startMotoFixture(): Promise<MotoFixture> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_REGION ??= 'us-east-1';
  const moto = await startMoto();
  // Safety net: any client built without an explicit endpoint also goes to this emulator, never to AWS.
  process.env.AWS_ENDPOINT_URL ??= moto.endpoint;
  const region = 'us-east-1';
  const clients = createAwsClients({ region, endpoint: moto.endpoint, maxAttempts: 3 });
  return {
    moto,
    clients,
    region,
    async close() {
      clients.destroy();
      await moto.stop();
    },
  };
}
