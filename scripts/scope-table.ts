// `npm run docs` rewrites the README's scope table from the scope catalog and
// its webhook event table from the event catalog;
// `npm run docs:check` (run before the tests) fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/paths';
import { loadScopeCatalog } from '../src/scopes/catalog';
import { renderScopeTable, withScopeTable } from '../src/scopes/scope-table';
import { defaultWebhookEventCatalog } from '../src/webhooks/event-catalog';
import { renderEventTable, withEventTable } from '../src/webhooks/event-table';

const readmePath = join(projectRoot, 'README.md');
const current = readFileSync(readmePath, 'utf8');
const wanted = withEventTable(withScopeTable(current, renderScopeTable(loadScopeCatalog())), renderEventTable(defaultWebhookEventCatalog()));

if (process.argv.includes('--check')) {
  if (wanted !== current) {
    console.error('README.md scope or event table is stale: run `npm run docs` and commit the result.');
    process.exit(1);
  }
} else if (wanted !== current) {
  writeFileSync(readmePath, wanted);
  console.error('README.md scope and event tables updated.');
}
