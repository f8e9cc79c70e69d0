import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The README's "Key lifecycle" examples run as written, in order, with the id
 * the first one returns as `$id`: one example per key mutation, none failing.
 */
const MUTATIONS = ['createApiKey', 'updateApiKey', 'rollApiKey', 'revokeApiKey', 'deleteApiKey'];

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ secret: admin } = await server.mintKey({ name: 'root', scopes: ['admin'] }));
});
afterAll(() => server.close());

function lifecycleExamples(): string[] {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
  const section = /^## Key lifecycle\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Key lifecycle" section');
  return [...section.matchAll(/```graphql\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

const rootField = (document: string) =>
  (parse(document).definitions[0] as OperationDefinitionNode).selectionSet.selections.map((s) => ('name' in s ? s.name.value : ''));

it('has one example per key mutation, in lifecycle order', () => {
  expect(lifecycleExamples().map(rootField)).toEqual(MUTATIONS.map((m) => [m]));
});

it('runs every example as written', async () => {
  let id: string | undefined;
  for (const document of lifecycleExamples()) {
    const res = await server.graphql(document, { key: admin, variables: id ? { id } : {} });
    const [field] = rootField(document);
    expect({ field, errors: res.body.errors }).toEqual({ field, errors: undefined });
    id ??= res.body.data!.createApiKey.apiKey.id;
  }
  expect(await server.db.dataSource.query('SELECT id FROM api_key WHERE name LIKE \'accounting sync%\'')).toEqual([]);
});
