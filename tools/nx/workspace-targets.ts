import { dirname } from 'node:path';
import type { CreateNodes } from 'nx/src/devkit-exports.js';

/** The targets every project has; nx.json's `targetDefaults` says what each runs, reads and caches. */
export const workspaceTargets = ['typecheck', 'lint', 'test'] as const;

/**
 * An Nx plugin: gives every workspace package (each package.json below the root) the targets above,
 * so a new app or package has them without declaring anything.
 */
export const createNodes: CreateNodes = [
  '**/package.json',
  (packageJsonFiles) =>
    packageJsonFiles
      .filter((file) => file !== 'package.json')
      .map((file) => [
        file,
        {
          projects: {
            [dirname(file)]: { targets: Object.fromEntries(workspaceTargets.map((t) => [t, {}])) },
          },
        },
      ]),
];
