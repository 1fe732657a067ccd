/**
 * Summarises V8 CPU profiles (from `BENCH_CPU_PROF_DIR=… pnpm bench:gateway`, i.e. `node --cpu-prof`):
 * self time by package / area and the top functions, as % of the busy (non-idle) time.
 *
 *   node tools/bench/profile-summary.ts <file.cpuprofile> [more…] [--top 25]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where code comes from: a package, node's own internals, a workspace package, or a V8 pseudo-frame. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:'))
    return `node:${url.slice(5).split('/')[0] === 'internal' ? url.slice(14).split('/')[0] : url.slice(5)}`;
  const workspace = /\/((?:apps|packages)\/[^/]+)\//.exec(url);
  if (workspace) return workspace[1]!;
  return url;
}

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const files = args.filter((_, i) => i !== topIndex && i !== topIndex + 1);
if (files.length === 0) {
  console.error('usage: node tools/bench/profile-summary.ts <file.cpuprofile> [more…] [--top 25]');
  process.exit(2);
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += dt;
    if (frame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const where = frame.url ? `${area} ${basename(frame.url)}:${frame.lineNumber + 1}` : area;
    const key = `${frame.functionName || '(anonymous)'}  ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + dt);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(
    `\n${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)}%)`,
  );
  console.log('  self time by area:');
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`    ${pct(us)}  ${area}`);
  console.log('  top functions (self):');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`    ${pct(us)}  ${fn}`);
}
