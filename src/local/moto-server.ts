import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ENV } from '../domain/env-names.js';
import { ColdpackError } from '../domain/errors.js';

/** A running moto server on the loopback interface. */
export interface MotoServer {
  /** Endpoint URL, e.g. `http://127.0.0.1:50123`. */
  readonly endpoint: string;
  /** TCP port it listens on. */
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 3,000 ms) and waits for it to exit. */
  stop(): Promise<void>;
  /** Wipes all emulator state (POST /moto-api/reset). */
  reset(): Promise<void>;
}

/** Ask the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Find the real Python interpreter. On pyenv machines `python3` and `moto_server` are shims whose
 * PID is not the server's, so coldpack spawns `<sys.executable> -m moto.server` and stops that PID.
 * @throws ColdpackError `MOTO_MISSING` with install instructions when moto cannot be imported.
 */
export function findMotoPython(): string {
  // Read here, not through the configuration: the local harness runs before (and without) one.
  const candidates = [process.env[ENV.PYTHON], 'python3', 'python'].filter((c): c is string => !!c);
  for (const py of candidates) {
    try {
      return execFileSync(py, ['-c', 'import moto.server, sys; print(sys.executable)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // try the next candidate
    }
  }
  throw new ColdpackError(
    'MOTO_MISSING',
    'The moto AWS emulator is not installed. Install it with: pip install "moto[server]==5.2.1" ' + '(or set COLDPACK_PYTHON to a Python that has it).',
    { expose: true },
  );
}

/**
 * Start `moto.server` on a free loopback port and wait until `GET /moto-api/` answers.
 * @param options `timeoutMs` to wait for readiness (default 30,000 ms)
 * @throws ColdpackError `MOTO_START_FAILED` when it does not come up in time
 */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  const python = findMotoPython();
  const port = await freePort();
  // moto logs every request on stderr. A file, not a pipe: a pipe is drained only while this
  // process's event loop runs, so a caller blocked in spawnSync (a CLI test) would let it fill
  // after ~64 KiB of log and moto would stop answering.
  const logDir = mkdtempSync(join(tmpdir(), 'moto-'));
  const logPath = join(logDir, 'stderr.log');
  const logFd = openSync(logPath, 'w');
  const child: ChildProcess = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', logFd],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  closeSync(logFd);
  const stderrTail = (): string => {
    try {
      return readFileSync(logPath, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const removeLog = (): void => rmSync(logDir, { recursive: true, force: true });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) {
      const stderr = stderrTail();
      removeLog();
      throw new ColdpackError('MOTO_START_FAILED', `moto exited while starting: ${stderr}`, { expose: true });
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      const stderr = stderrTail();
      removeLog();
      throw new ColdpackError('MOTO_START_FAILED', `moto did not answer on ${endpoint}: ${stderr}`, { expose: true });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
    },
    async stop() {
      if (exited) {
        removeLog();
        return;
      }
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(timer);
      removeLog();
    },
  };
}
