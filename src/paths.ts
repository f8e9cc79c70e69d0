import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project root, found by walking up to the folder holding `schema/`.
 * The same code runs from `src/` (tests, tsx) and from `dist/src/` (npm start,
 * the CLI), so a fixed number of `..` would be right for only one of them.
 */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'schema', 'scope-catalog.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find schema/scope-catalog.json above ${start}`);
    dir = parent;
  }
}

export const projectRoot = findProjectRoot(__dirname);
export const schemaDir = join(projectRoot, 'schema');
export const catalogPath = join(schemaDir, 'scope-catalog.json');
