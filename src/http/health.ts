import type { FastifyInstance } from 'fastify';

/**
 * One dependency `/healthz` reports on. A `critical` one being down makes the
 * instance unable to serve (503, so a load balancer takes it out); a
 * non-critical one (Redis, whose absence only makes limits per instance) turns
 * the status to `degraded` and stays 200.
 */
export interface HealthProbe {
  readonly name: string;
  readonly critical: boolean;
  /** Resolves with details when up; rejects (or resolves `{ up: false }`) when down. */
  check(): Promise<{ up: boolean; detail?: string }>;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; detail?: string }>;
}

/**
 * `GET /healthz` (contract section 6: 200 when the database is reachable, 503
 * when not). Probes run in parallel; each is bounded by its own client timeout
 * (DB_TIMEOUT_MS for the database), so a health check never hangs.
 * `database: 'up' | 'down'` stays at the top level for existing callers.
 */
export function registerHealth(app: FastifyInstance, probes: readonly HealthProbe[]): void {
  // A load balancer polls every few seconds: an outage is logged when it starts and when it ends, not once per poll.
  const down = new Set<string>();
  app.get('/healthz', async (_request, reply) => {
    const report = await healthReport(probes, (name, error) => {
      if (!down.has(name)) app.log.warn({ err: error, probe: name }, `health check: ${name} down`);
      down.add(name);
    });
    for (const name of down) {
      if (report.checks[name]?.status !== 'up') continue;
      down.delete(name);
      app.log.info({ probe: name }, `health check: ${name} up again`);
    }
    const database = report.checks.database?.status;
    return reply.code(report.status === 'unavailable' ? 503 : 200).send({ ...report, ...(database ? { database } : {}) });
  });
}

export async function healthReport(
  probes: readonly HealthProbe[],
  onDown: (name: string, error: unknown) => void = () => {},
): Promise<HealthReport> {
  const results = await Promise.all(
    probes.map(async (probe) => {
      try {
        const result = await probe.check();
        if (!result.up) onDown(probe.name, new Error(result.detail ?? 'down'));
        return { probe, ...result };
      } catch (error) {
        onDown(probe.name, error);
        return { probe, up: false, detail: undefined };
      }
    }),
  );
  const checks: HealthReport['checks'] = {};
  for (const { probe, up, detail } of results) checks[probe.name] = { status: up ? 'up' : 'down', ...(detail ? { detail } : {}) };
  const down = results.filter((r) => !r.up);
  const status = down.some((r) => r.probe.critical) ? 'unavailable' : down.length > 0 ? 'degraded' : 'ok';
  return { status, checks };
}
