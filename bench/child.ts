/**
 * The processes the parent (`run.ts`) forks, so that a server under load and the
 * load generator never share an event loop. One job per process, told over IPC:
 *
 * - `app`: the real server (`createApp`) on the benchmark database, listening on loopback;
 * - `bare`: the ceiling, Apollo Server 5 on fastify (as the app mounts it) with the
 *   same SDL and no authentication, answering the same JSON from memory (the
 *   app's own answers, captured first);
 * - `memory`: the real server driven in process (fastify `inject`) with many keys,
 *   reporting the heap after garbage collection at checkpoints.
 */
import { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import { makeExecutableSchema } from '@graphql-tools/schema';
import Fastify from 'fastify';
import { createApp, openDatabase, type App } from '../src/app';
import { DateTime } from '../src/graphql/scalars';
import { loadTypeDefs } from '../src/graphql/schema';
import { benchConfig } from './database';
import { serveJobs } from './fork';
import { collectGarbage } from './measure';

export type ChildJob =
  | { kind: 'app'; databaseUrl: string }
  | { kind: 'bare'; bookings: unknown; viewer: unknown }
  | { kind: 'memory'; databaseUrl: string; keys: string[]; requests: number; checkpoints: number[] };

export type ChildReply =
  | { kind: 'listening'; url: string }
  | { kind: 'heap'; points: HeapPoint[]; failures: number }
  | { kind: 'failed'; message: string };

export interface HeapPoint {
  requests: number;
  heapUsedBytes: number;
}

/** The memory job's request: the key's own view (no data query), so the run is about per-key state. */
export const MEMORY_QUERY = '{ viewer { effectiveScopes account { name } } }';

let close: (() => Promise<unknown>) | undefined;

serveJobs(run, async () => close?.());

async function run(job: ChildJob): Promise<ChildReply> {
  switch (job.kind) {
    case 'app': {
      const app = await startApp(job.databaseUrl);
      close = () => app.close();
      return { kind: 'listening', url: `${await app.http.listen({ host: '127.0.0.1', port: 0 })}/graphql` };
    }
    case 'bare': {
      const server = await bareApollo(job.bookings, job.viewer);
      close = () => server.close();
      return { kind: 'listening', url: `${await server.listen({ host: '127.0.0.1', port: 0 })}/graphql` };
    }
    case 'memory':
      return memory(job);
  }
}

async function startApp(databaseUrl: string): Promise<App> {
  const config = benchConfig(databaseUrl);
  return createApp(config, await openDatabase(config));
}

/** Apollo Server 5 on fastify through @as-integrations/fastify, Apollo's defaults, no authentication. */
export async function bareApollo(bookings: unknown, viewer: unknown) {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: { DateTime, Query: { bookings: () => bookings, viewer: () => viewer } } });
  const server = Fastify({ logger: false });
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  await server.register(fastifyApollo(apollo), { path: '/graphql', method: ['GET', 'POST'] });
  return server;
}

async function memory(job: Extract<ChildJob, { kind: 'memory' }>): Promise<ChildReply> {
  const app = await startApp(job.databaseUrl);
  close = () => app.close();
  const points: HeapPoint[] = [];
  let sent = 0;
  let failures = 0;
  const checkpoints = [...job.checkpoints].sort((a, b) => a - b);
  const send = async () => {
    const key = job.keys[sent % job.keys.length]!;
    sent++;
    const response = await app.http.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: { query: MEMORY_QUERY },
    });
    if (response.statusCode !== 200) failures++;
  };
  for (const checkpoint of checkpoints) {
    // Ten requests in flight, like the end-to-end load.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (sent < checkpoint) await send();
      }),
    );
    // Let the request log's batched write and lastUsedAt updates land, then collect twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    collectGarbage();
    collectGarbage();
    points.push({ requests: sent, heapUsedBytes: process.memoryUsage().heapUsed });
  }
  return { kind: 'heap', points, failures };
}
