import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';

/** Setup and small helpers shared by the API key test files. */

export interface KeyServer extends TestServer {
  /**
   * Every secret `mintKey` handed out, and any a test adds (a rolled key's new
   * one), so that a file can check that none of them reached the audit trail.
   */
  readonly secrets: string[];
}

/**
 * A server of the calling file's own (it closes it in afterAll) with an admin
 * key of account acme named "root", minted as the operator.
 */
export async function startServerWithAdmin(): Promise<{ server: KeyServer; admin: string; adminId: number }> {
  const started = await startTestServer();
  const secrets: string[] = [];
  const server: KeyServer = {
    ...started,
    secrets,
    async mintKey(input) {
      const minted = await started.mintKey(input);
      secrets.push(minted.secret);
      return minted;
    },
  };
  const { secret: admin, id: adminId } = await server.mintKey({ name: 'root', scopes: ['admin'] });
  return { server, admin, adminId };
}

/** An API key's global id. */
export const gid = (id: number) => toGlobalId('ApiKey', id);
