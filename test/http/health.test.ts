import Fastify from 'fastify';
import { registerHealth } from '../../src/http/health';

it('logs an outage of a probe when it starts and when it ends, not on every poll', async () => {
  const lines: { level: number; msg: string }[] = [];
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } } });
  let up = true;
  registerHealth(app, [
    { name: 'database', critical: true, check: async () => ({ up: true }) },
    { name: 'redis', critical: false, check: async () => (up ? { up: true } : { up: false, detail: 'Redis unreachable' }) },
  ]);
  const poll = async () => (await app.inject({ method: 'GET', url: '/healthz' })).json<{ status: string }>().status;
  const said = () => lines.filter((line) => line.msg.startsWith('health check')).map((line) => `${line.level} ${line.msg}`);
  try {
    expect(await poll()).toBe('ok');
    up = false;
    expect([await poll(), await poll(), await poll()]).toEqual(['degraded', 'degraded', 'degraded']);
    expect(said()).toEqual(['40 health check: redis down']);
    up = true;
    expect([await poll(), await poll()]).toEqual(['ok', 'ok']);
    up = false;
    await poll();
    expect(said()).toEqual(['40 health check: redis down', '30 health check: redis up again', '40 health check: redis down']);
  } finally {
    await app.close();
  }
});
