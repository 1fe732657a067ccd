import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStale } from './site-build.ts';

/** `pnpm start` builds the dashboard only when this says so: a missing or outdated build. */
describe('whether the staff dashboard needs a build', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const site = () => {
    const root = mkdtempSync(join(tmpdir(), 'nxg-staff-src-'));
    dirs.push(root);
    mkdirSync(join(root, 'src', 'board'), { recursive: true });
    writeFileSync(join(root, 'src', 'board', 'card.tsx'), 'export {}');
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    return { root, out: join(root, 'dist') };
  };
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  it('builds when there is no build', () => {
    const { root, out } = site();
    expect(isStale(out, root)).toBe(true);
  });

  it('keeps a build newer than every source, and rebuilds once a source (however deep) changes', () => {
    const { root, out } = site();
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), 'built');
    for (const path of ['src/board/card.tsx', 'src/board', 'src', 'index.html']) at(join(root, path), 1_000);
    at(join(out, 'index.html'), 2_000);
    expect(isStale(out, root)).toBe(false);
    at(join(root, 'src', 'board', 'card.tsx'), 3_000);
    expect(isStale(out, root)).toBe(true);
  });
});
