/**
 * Reads the hub's V8 CPU profile from a hub benchmark run (BENCH_CPU_PROF_DIR) for the measured
 * window only (the benchmark writes its bounds to hub-window.json beside the profile): self time by
 * area, native time (socket writes, crypto…) charged to the JavaScript that called it, the top
 * functions, and the heaviest call paths. Percentages are of the window's samples.
 *
 *   node tools/bench/hub-profile.ts <dir-or-file.cpuprofile> [--top 20] [--all]   (--all: the whole run)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
/** Written by hub-bench.ts: the window in the profile's clock (µs, CLOCK_MONOTONIC). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const workspace = /\/((?:apps|packages|tools)\/[^/]+)\//.exec(url);
  return workspace ? workspace[1]! : url;
}

const where = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url ? `${basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 20;
const whole = args.includes('--all');
const target = args.find((a, i) => !a.startsWith('--') && i !== topAt + 1);
if (!target) {
  console.error('usage: node tools/bench/hub-profile.ts <dir-or-file.cpuprofile> [--top 20] [--all]');
  process.exit(2);
}
const file = statSync(target).isDirectory()
  ? join(target, readdirSync(target).find((f) => f.endsWith('.cpuprofile')) ?? '')
  : target;
if (!file.endsWith('.cpuprofile') || !existsSync(file)) {
  console.error(`no .cpuprofile in ${target} (the hub writes it when it stops)`);
  process.exit(2);
}
const windowFile = join(dirname(file), 'hub-window.json');
const window: ProfileWindow | undefined =
  !whole && existsSync(windowFile)
    ? (JSON.parse(readFileSync(windowFile, 'utf8')) as ProfileWindow)
    : undefined;

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const isNodeInternal = (frame: CallFrame) => frame.url.startsWith('node:');

/** The nearest frame outside Node's own modules: whose work a native or node: frame does. */
function ownerOf(id: number): ProfileNode | undefined {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at)!;
    if (node.callFrame.url && !isNodeInternal(node.callFrame)) return node;
  }
  return undefined;
}

/** The sampled function, then its callers outside Node's own modules. */
function pathOf(id: number, depth: number): string {
  const frames: string[] = [];
  for (let at: number | undefined = id; at !== undefined && frames.length < depth; at = parent.get(at)) {
    const frame = byId.get(at)!.callFrame;
    if (frame.functionName === '(root)') break;
    if (frames.length > 0 && (!frame.url || isNodeInternal(frame))) continue;
    frames.push(`${where(frame)} [${areaOf(frame)}]`);
  }
  return frames.join(' ← ');
}

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const areas = new Map<string, number>();
const charged = new Map<string, number>();
const functions = new Map<string, number>();
const paths = new Map<string, number>();
let total = 0;
let idle = 0;
let at = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (window && (at < window.fromUs || at > window.toUs)) continue;
  const node = byId.get(id);
  if (!node) continue;
  total += dt;
  if (node.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  const area = areaOf(node.callFrame);
  add(areas, area, dt);
  const owner = ownerOf(id);
  add(charged, owner ? areaOf(owner.callFrame) : area, dt);
  add(functions, `${where(node.callFrame)}  [${area}]`, dt);
  add(paths, pathOf(id, 6), dt);
}

const busy = total - idle;
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
const show = (title: string, map: Map<string, number>, count = top) => {
  console.log(`  ${title}:`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
    console.log(`    ${pct(us)}  ${key}`);
};
console.log(
  `${file}${window ? ' (the measured window)' : ' (the whole run)'}: ${(total / 1e6).toFixed(1)} s, ` +
    `${(busy / 1e6).toFixed(1)} s not idle (${((busy / total) * 100).toFixed(0)}%; time blocked in system calls counts as not idle)`,
);
show('self time by area', areas);
show('charged to the package or app whose call it is (socket writes, crypto… to their caller)', charged);
show('top functions (self)', functions);
show('heaviest call paths (innermost first)', paths, Math.min(top, 12));
