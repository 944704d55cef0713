/**
 * PLACEHOLDER created by the deployment work (issue 6) so the CDK app can bundle this entry:
 * the real handler replaces this file. Lambda entry: export `handler`.
 * @throws Error always ('not wired yet')
 */
export async function handler(_event: unknown): Promise<never> {
  throw new Error('not wired yet');
}
