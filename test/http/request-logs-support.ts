import { RequestLog } from '../../src/db/entities';
import type { TestServer } from '../support/server';

/** Every row of one key, oldest first, after writing out what the buffer holds. */
export async function logsOf(server: TestServer, apiKeyId: number): Promise<RequestLog[]> {
  await server.app.services.requestLogs.flush();
  return server.db.dataSource.getRepository(RequestLog).find({ where: { apiKeyId }, order: { id: 'ASC' } });
}

export async function allLogCount(server: TestServer): Promise<number> {
  await server.app.services.requestLogs.flush();
  return server.db.dataSource.getRepository(RequestLog).count();
}
