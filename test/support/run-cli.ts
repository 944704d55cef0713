/**
 * Runs the real CLI (`bin/coldpack.js`) in a child process against a moto endpoint, as a user would,
 * for the CLI integration tests.
 */
import { spawnSync } from 'node:child_process';

/** What a CLI run printed and its exit code (-1 when it was killed). */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run `node bin/coldpack.js <args>` with the emulator's endpoint, region us-east-1, test credentials
 * and `COLDPACK_TABLE_PREFIX` = `tablePrefix`, plus `env` (e.g. bucket names).
 * @param endpoint moto endpoint URL (`http://127.0.0.1:<port>`)
 */
export function runCli(endpoint: string, tablePrefix: string, args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, ['bin/coldpack.js', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      COLDPACK_TABLE_PREFIX: tablePrefix,
      ...env,
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
