/**
 * The {@link UsageStore} port on DynamoDB: one item per step run in the jobs table, beside the job
 * (pk `ARCHIVE#<job_id>`, sk `USAGE#<step>#<ISO time>#<6 random chars>`, attribute `usage`).
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Usage, UsageStore } from '../../domain/ports/usage-store.js';
import { jobPk } from './dynamo-job-store.js';
import { queryPrefix } from './query-all.js';

/** {@link UsageStore} on the jobs table (the client and table come from the composition root). */
export class DynamoUsageStore implements UsageStore {
  /** @param dynamo document client; @param table jobs table name */
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** @inheritdoc */
  async record(jobId: string, step: string, at: string, usage: Usage): Promise<void> {
    const sk = `USAGE#${step}#${at}#${randomBytes(3).toString('hex')}`;
    await this.dynamo.send(new PutCommand({ TableName: this.table, Item: { pk: jobPk(jobId), sk, usage } }));
  }

  /** @inheritdoc */
  async list(jobId: string): Promise<Usage[]> {
    const items = await queryPrefix<{ usage: Usage }>(this.dynamo, this.table, jobPk(jobId), 'USAGE#');
    return items.map((i) => i.usage);
  }
}
