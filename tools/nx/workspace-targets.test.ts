import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceTargets } from './workspace-targets.ts';

const run = promisify(execFile);
const workspaceRoot = join(import.meta.dirname, '..', '..');

interface NxProject {
  root: string;
  targets: Record<string, { options?: { command?: string } }>;
}

/** The packages pnpm knows (pnpm-workspace.yaml), by name, with their folder. */
async function workspacePackages(): Promise<Map<string, string>> {
  const { stdout } = await run('pnpm', ['ls', '-r', '--depth', '-1', '--json'], { cwd: workspaceRoot });
  const packages = JSON.parse(stdout) as { name: string; path: string }[];
  return new Map(
    packages.filter((p) => p.path !== workspaceRoot).map((p) => [p.name, relative(workspaceRoot, p.path)]),
  );
}

/** The projects Nx sees, with their targets, as `nx graph` reports them. */
async function nxProjects(): Promise<Map<string, NxProject>> {
  const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    await run('pnpm', ['exec', 'nx', 'graph', `--file=${file}`], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: { nodes: Record<string, { data: NxProject }> };
    };
    return new Map(Object.entries(graph.nodes).map(([name, node]) => [name, node.data]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Nx projects', () => {
  let packages: Map<string, string>;
  let projects: Map<string, NxProject>;

  beforeAll(async () => {
    [packages, projects] = await Promise.all([workspacePackages(), nxProjects()]);
  }, 120_000);

  it('are exactly the workspace packages', () => {
    expect([...projects.keys()].sort()).toEqual([...packages.keys()].sort());
    for (const [name, root] of packages) expect(projects.get(name)?.root).toBe(root);
  });

  it(`each have ${workspaceTargets.join(', ')} targets that work on the project's own files`, () => {
    const problems: string[] = [];
    for (const [name, { root, targets }] of projects) {
      for (const target of workspaceTargets) {
        const command = targets[target]?.options?.command;
        if (!command) problems.push(`${name}: no ${target} target`);
        else if (!command.split(' ').some((word) => word === root || word.startsWith(`${root}/`)))
          problems.push(`${name}: ${target} runs "${command}", not on ${root}`);
      }
      if (!existsSync(join(workspaceRoot, root, 'tsconfig.json')))
        problems.push(`${name}: no ${root}/tsconfig.json for its typecheck target`);
    }
    expect(problems).toEqual([]);
  });
});
