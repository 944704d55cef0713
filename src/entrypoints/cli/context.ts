import { createAwsClients, type AwsClients } from '../../adapters/aws-clients.js';
import type { ColdpackConfig } from '../../domain/config.js';
import { readProcessConfig, type ProcessConfig } from '../config.js';

/** Global CLI flags shared by every command (override the COLDPACK_* variables). */
export interface GlobalFlags {
  archiveBucket?: string;
  restoreBucket?: string;
  tablePrefix?: string;
  json?: boolean;
  /** Print the cause chain of an error (name, message, SDK status and request id of each cause). */
  debug?: boolean;
}

/**
 * Lazily built per-invocation context: configuration read once from env + flags, and AWS clients
 * built on first use (so `--help` never touches AWS).
 */
export class CliContext {
  private clientsValue: AwsClients | undefined;
  /** Everything this invocation read from its environment (frozen). */
  readonly settings: ProcessConfig;
  /** Frozen configuration of the services for this invocation (`settings.coldpack`). */
  readonly config: ColdpackConfig;
  /** Whether the user asked for machine-readable JSON output. */
  readonly json: boolean;
  /** Whether the user asked for `--debug` (cause chains, and JSON logs with stacks). */
  readonly debug: boolean;

  /**
   * @param flags global flags as parsed by commander
   * @param env the process environment, read once here
   * @throws ColdpackError `CONFIG_ERROR` when a variable is invalid
   */
  constructor(flags: GlobalFlags, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.settings = readProcessConfig(env, {
      ...(flags.archiveBucket ? { archiveBucket: flags.archiveBucket } : {}),
      ...(flags.restoreBucket ? { restoreBucket: flags.restoreBucket } : {}),
      ...(flags.tablePrefix ? { tablePrefix: flags.tablePrefix } : {}),
    });
    this.config = this.settings.coldpack;
    this.json = flags.json === true;
    this.debug = flags.debug === true;
  }

  /** AWS SDK clients for this invocation (built on first access). */
  get clients(): AwsClients {
    this.clientsValue ??= createAwsClients({
      region: this.config.region,
      ...(this.config.endpoint === undefined ? {} : { endpoint: this.config.endpoint }),
      maxSockets: this.config.concurrency,
    });
    return this.clientsValue;
  }

  /** Print `value` as JSON (with --json) or as the given human text. */
  print(value: unknown, human?: string): void {
    if (this.json || human === undefined) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    else process.stdout.write(human.endsWith('\n') ? human : human + '\n');
  }

  /** Release sockets. */
  close(): void {
    this.clientsValue?.destroy();
  }
}
