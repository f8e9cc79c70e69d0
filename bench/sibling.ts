/**
 * How the benchmark starts one of its own scripts in a forked process or a
 * worker thread.
 *
 * `npm run bench` runs tsc's output (dist/bench/run.js) with plain node, as
 * `npm start` runs the server, so its children must run the compiled `.js`
 * beside it with plain node too: under tsx they would measure esbuild's
 * transform (its keepNames `__name` wrappers cost CPU in our own code), not the
 * code that ships. The harness test (jest, @swc/jest) and `npx tsx bench/run.ts`
 * run the TypeScript, which has no `.js` beside it and a parent whose loader a
 * child does not inherit: there each child loads its `.ts` through tsx itself.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** tsc compiles bench/ in one go, so if this module is `.js`, every sibling is. */
const compiled = __filename.endsWith('.js');

export interface SiblingScript {
  /** For `child_process.fork`: the script and the node flags that let the child load it. */
  readonly fork: { readonly file: string; readonly execArgv: string[] };
  /** For `new Worker(filename, { eval, ... })`: under tsx, code that registers tsx's require hook in the worker before loading the script. */
  readonly worker: { readonly filename: string; readonly eval: boolean };
}

/** `name` without extension, e.g. `child` for bench/child.ts (dist/bench/child.js when compiled). */
export function siblingScript(name: string): SiblingScript {
  if (compiled) {
    const file = join(__dirname, `${name}.js`);
    return { fork: { file, execArgv: [] }, worker: { filename: file, eval: false } };
  }
  const file = join(__dirname, `${name}.ts`);
  return {
    fork: { file, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] },
    worker: { filename: `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`, eval: true },
  };
}
