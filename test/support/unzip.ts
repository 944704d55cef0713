import { execFileSync } from 'node:child_process';

/** Run Info-ZIP `unzip -t -q` on a file; returns its output. Throws (test fails) when unzip reports errors. */
export function unzipTest(path: string): string {
  return execFileSync('unzip', ['-t', '-q', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Entry names and sizes as listed by `unzip -Z1` / `unzip -l` (independent reader). */
export function unzipNames(path: string): string[] {
  return execFileSync('unzip', ['-Z1', path], { encoding: 'utf8', maxBuffer: 256 << 20 })
    .split('\n')
    .filter((l) => l.length > 0);
}

/** The contents of one entry as extracted by Info-ZIP `unzip -p` (names are globs: escape [ ] * ? \\). */
export function unzipEntry(path: string, name: string): Buffer {
  const escaped = name.replace(/[[\]*?\\]/g, (c) => `\\${c}`);
  return execFileSync('unzip', ['-p', path, escaped], { maxBuffer: 256 << 20 });
}
