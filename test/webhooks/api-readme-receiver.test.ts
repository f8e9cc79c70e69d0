import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { projectRoot } from '../../src/paths';
import { newWebhookSecret } from '../../src/webhooks/secrets';

/**
 * The README's receiver example runs as written: started with node, it must
 * accept a delivery signed with its secret (also one signed with two secrets,
 * as during a rotation) and refuse a forged or replayed one. Signed here with
 * the `standardwebhooks` package, as the delivery worker signs.
 */
jest.setTimeout(20_000);

const secret = newWebhookSecret();
let receiver: ChildProcess;
let url: string;
let output = '';

function receiverExample(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const code = /<!-- receiver-example -->\n```js\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!code) throw new Error('README.md has no receiver example');
  return code;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  receiver = spawn(process.execPath, ['-e', receiverExample()], { cwd: projectRoot, env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) } });
  receiver.stdout!.on('data', (chunk) => (output += chunk));
  receiver.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; ; i++) {
    try {
      await fetch(url, { method: 'POST', body: '{}' });
      return;
    } catch (error) {
      if (i > 100) throw new Error(`the receiver did not start: ${output || error}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
afterAll(() => void receiver?.kill());

function signedPost(body: string, secrets: string[], { id = 'msg_readme1', at = new Date() } = {}) {
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ');
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature },
    body,
  });
}

const body = JSON.stringify({ type: 'booking.created', timestamp: new Date().toISOString(), data: { id: 'Qm9va2luZzox' } });

it('accepts a delivery signed with its secret, alone or beside another during a rotation', async () => {
  expect((await signedPost(body, [secret])).status).toBe(204);
  expect((await signedPost(body, [newWebhookSecret(), secret], { id: 'msg_readme2' })).status).toBe(204);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(output).toContain('booking.created Qm9va2luZzox');
});

it('refuses a wrong secret, a changed body, no signature, and an old timestamp', async () => {
  expect((await signedPost(body, [newWebhookSecret()])).status).toBe(400);
  const tampered = await fetch(url, {
    method: 'POST',
    headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_x', new Date(), body) },
    body: body.replace('booking.created', 'booking.cancelled'),
  });
  expect(tampered.status).toBe(400);
  expect((await fetch(url, { method: 'POST', body })).status).toBe(400);
  expect((await signedPost(body, [secret], { at: new Date(Date.now() - 10 * 60_000) })).status).toBe(400);
});
