import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../../paths';

/**
 * The static files of the admin console. Found from the project root, as the
 * schema folder is (src/paths.ts): tsc copies no non-TS files to dist/, and the
 * same code runs from src/ (tests) and from dist/src/ (npm start).
 */
export const adminStaticDir = join(projectRoot, 'src', 'http', 'admin', 'static');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page talks to /graphql only, with the key in a header: no inline script
 * or style, no other origin, never framed (clickjacking a "Revoke" button), no
 * form ever submitted by the browser itself (a form posted without JavaScript
 * would put the pasted key in a URL), and Trusted Types so that a string can
 * never reach innerHTML or another HTML sink by mistake.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Serves the console at /admin: index.html plus its few ES modules and its
 * stylesheet, read once at start-up and served from memory (no dependency, and
 * nothing on disk is looked up per request, so no path can escape the folder).
 */
export function registerAdminConsole(app: FastifyInstance, dir = adminStaticDir): void {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const body = readFileSync(join(dir, name));
    files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  const index = files.get('index.html');
  if (!index) throw new Error(`admin console: no index.html in ${dir}`);

  // The document is never stored: a back/forward cache restoring a tab must not
  // bring back a page that held a key or a shown-once secret.
  const page = (_request: FastifyRequest, reply: FastifyReply) => send(reply, index, 'no-store');
  app.get('/admin', page);
  app.get('/admin/', page);
  // Assets are revalidated on each load (ETag, 304): their names carry no hash,
  // so a cached copy must never outlive an upgrade of the server.
  app.get<{ Params: { file: string } }>('/admin/:file', (request, reply) => {
    const file = request.params.file === 'index.html' ? undefined : files.get(request.params.file);
    if (!file) return reply.callNotFound();
    if (request.headers['if-none-match'] === file.etag) return send(reply.code(304), file, 'no-cache', false);
    return send(reply, file, 'no-cache');
  });
}

function send(reply: FastifyReply, file: StaticFile, cacheControl: string, withBody = true): FastifyReply {
  reply
    .header('content-security-policy', ADMIN_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', cacheControl)
    .header('etag', file.etag)
    .type(file.contentType);
  return reply.send(withBody ? file.body : undefined);
}
