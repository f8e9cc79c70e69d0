import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../../db/entities';

/** What one attempt came to; it becomes a `webhook_attempt` row. */
export interface AttemptOutcome {
  /** The response status, or null when none came (refused, timed out, guard said no). */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly succeeded: boolean;
  readonly error: string | null;
}

/** One message as it goes out: the body is signed as these exact bytes. */
export interface OutgoingMessage {
  /** `webhook-id`: the same on every attempt, so receivers can drop duplicates. */
  readonly messageId: string;
  readonly body: string;
  /** Every secret that currently signs (the new one and, during a rotation, the old one). */
  readonly secrets: readonly string[];
}

/**
 * The message for one delivery: `{ type, timestamp, data }` (Standard Webhooks
 * payload structure), where `timestamp` is when the event happened; the
 * `webhook-timestamp` header is when this attempt was signed. The previous
 * secret signs too until its grace period ends.
 */
export function outgoingMessage(
  delivery: Pick<WebhookDelivery, 'messageId'>,
  event: Pick<WebhookEvent, 'type' | 'occurredAt' | 'data'>,
  endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  now: Date,
): OutgoingMessage {
  const previousAlive = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    messageId: delivery.messageId,
    body: JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data }),
    secrets: previousAlive ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret],
  };
}

export const USER_AGENT = 'ScopeQL-Webhooks/1';

/** Longest error text kept in the delivery log. */
export const MAX_ERROR_LENGTH = 500;
/** Of a failed response's body, only this much is read into the log. */
const BODY_EXCERPT_BYTES = 256;

/**
 * Standard Webhooks headers (spec §"Signature scheme"): `webhook-signature` is
 * a space-separated list of `v1,<base64>` so that, while a rotated secret is
 * still alive, a receiver holding either secret verifies the message.
 */
export function webhookHeaders(message: OutgoingMessage, at: Date): Record<string, string> {
  const signatures = message.secrets.map((secret) => new Webhook(secret).sign(message.messageId, at, message.body));
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': message.messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

export interface PostOptions {
  /** The whole attempt's limit... */
  readonly timeoutMs: number;
  /** ...of which this much was already spent before the request (the send-time DNS check). */
  readonly spentMs?: number;
  /** The addresses the SSRF guard approved: the connection goes there, never to a fresh DNS answer. */
  readonly addresses?: readonly LookupAddress[];
  /** Aborts the attempt from outside (shutdown); the outcome then says so. */
  readonly signal?: AbortSignal;
}

/**
 * POSTs one message. Written on node's http/https rather than fetch for two
 * reasons: `lookup` pins the connection to the address the guard checked (a
 * second DNS answer could otherwise point somewhere private: DNS rebinding),
 * and redirects are never followed (a 3xx is a failure, and following one
 * would let a public URL bounce us to an internal one). `agent: false` gives
 * each attempt its own connection, so no pooled socket to an earlier address
 * is reused.
 */
export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const transport = url.protocol === 'https:' ? https : http;
  const pinned = options.addresses?.length ? options.addresses : undefined;

  // One controller per attempt, fed by its own timer and by the caller's signal.
  // Not AbortSignal.any(): with a long-lived input (the worker's stop signal)
  // it keeps every combined signal alive on some Node versions (nodejs/node#55351).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.max(1, Math.round(options.timeoutMs - (options.spentMs ?? 0))));
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) controller.abort();
  // On the connection's close, not on the outcome: the timer still bounds the draining of a 2xx body.
  const release = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  };

  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      const succeeded = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
      resolve({ statusCode, latencyMs: elapsed(), succeeded, error: error === null ? null : truncate(error) });
    };
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      signal: controller.signal,
      ...(pinned ? { lookup: pinnedLookup(pinned) } : {}),
    });
    request.on('close', release);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const describe = () => describeFailure(status, response.headers.location, Buffer.concat(chunks).toString('utf8'));
      // Once settled, the attempt's timer may still cut the connection: that must not throw.
      response.on('error', () => finish(status, describe()));
      if (status >= 200 && status < 300) {
        // The status is the answer; the body is drained, not read.
        response.resume();
        finish(status, null);
        return;
      }
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_EXCERPT_BYTES) {
          finish(status, describe());
          response.destroy();
        }
      });
      response.on('end', () => finish(status, describe()));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (timedOut) finish(null, `timed out after ${options.timeoutMs} ms`);
      else if (controller.signal.aborted) finish(null, 'interrupted: the worker stopped');
      else finish(null, error.code ? `${error.code}: ${error.message}` : error.message);
    });
    request.end(body);
  });
}

/** A `lookup` that answers with the approved addresses, in whichever shape node asks for. */
function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_host, options, callback) => {
    if (options.all) callback(null, [...addresses]);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

function describeFailure(status: number, location: string | undefined, body: string): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirect${location ? ` to ${location}` : ''} not followed`;
  const excerpt = body.slice(0, BODY_EXCERPT_BYTES).replace(/\s+/g, ' ').trim();
  return `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
}

export function truncate(text: string, max = MAX_ERROR_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
