import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** One file of the demo input: its key under the prefix and where its bytes come from. */
export interface DemoFile {
  /** Key relative to the archive prefix, e.g. `node_modules/zod/package.json`. */
  readonly key: string;
  /** Local path to read the bytes from, or the bytes themselves (generated CSVs). */
  readonly source: string | Buffer;
  readonly size: number;
}

/** Packages of this project's own node_modules used as real, varied input (nobody here wrote them). */
export const DEMO_PACKAGES = ['commander', 'croner', 'csv-parse', 'pino', 'zod', '@aws-sdk/client-s3', 'typescript/lib'] as const;

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/**
 * A capped slice of `<root>/node_modules`: nested folders, repeated base names (index.js,
 * package.json), sizes from 0 bytes to several MB.
 * @param maxFiles cap on files (default 2,500); @param maxBytes cap on bytes (default 60 MB)
 */
export async function nodeModulesSlice(root: string, maxFiles = 2500, maxBytes = 60_000_000): Promise<DemoFile[]> {
  const out: DemoFile[] = [];
  let bytes = 0;
  for (const pkg of DEMO_PACKAGES) {
    for await (const path of walk(join(root, 'node_modules', pkg))) {
      const size = (await stat(path)).size;
      if (out.length >= maxFiles || bytes + size > maxBytes) return out;
      out.push({ key: relative(root, path).split(sep).join('/'), source: path, size });
      bytes += size;
    }
  }
  return out;
}

/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32) so the demo input is the same on every
 * run; the seeded tests (fuzz, crash) use it too.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A month of seed-style CSVs `seed/<n>_<yyyymmdd>_<seq>.csv` (trade-like rows), plus a few files
 * with unicode names and one empty file.
 * @param month `yyyy-mm`; @param perDay files per day (default 8)
 */
export function seedCsvs(month: string, perDay = 8): DemoFile[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const rand = rng(y * 100 + m);
  const out: DemoFile[] = [];
  for (let d = 1; d <= days; d++) {
    const ymd = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    for (let s = 1; s <= perDay; s++) {
      const rows = 50 + Math.floor(rand() * 1500);
      let text = 'trade_id,account,isin,side,quantity,price,currency,timestamp\n';
      for (let r = 0; r < rows; r++) {
        text += `${ymd}${s}${r},ACC${Math.floor(rand() * 9000 + 1000)},US${Math.floor(rand() * 1e10)},${rand() < 0.5 ? 'BUY' : 'SELL'},${Math.floor(rand() * 1000)},${(rand() * 500).toFixed(4)},USD,${ymd}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:00:00Z\n`;
      }
      const body = Buffer.from(text);
      out.push({ key: `seed/${5000 + s}_${ymd}_${String(s).padStart(3, '0')}.csv`, source: body, size: body.length });
    }
  }
  for (const [key, text] of [
    ['seed/ünïcødé/Zürich_Q1_€_報告.csv', 'city,amount\nZürich,1€\n東京,2€\n'],
    ['seed/with space/a+b %41.csv', 'tricky,key\n1,2\n'],
    ['seed/empty.csv', ''],
  ] as const) {
    const body = Buffer.from(text);
    out.push({ key, source: body, size: body.length });
  }
  return out;
}
