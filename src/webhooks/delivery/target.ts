import { promises as dns, type LookupAddress } from 'node:dns';
import { assertDeliverableUrl } from '../ssrf-guard';

/** Where one attempt connects: the URL, and the address the SSRF guard approved for it. */
export interface DeliveryTarget {
  readonly url: URL;
  /** Empty when the URL names an IP address itself. */
  readonly addresses: readonly LookupAddress[];
}

export type HostLookup = (host: string) => Promise<LookupAddress[]>;

/**
 * Runs the SSRF guard again at send time (DNS may have changed since the
 * endpoint was saved) and keeps the answer it approved, so that the sender
 * connects to exactly that address rather than asking DNS a second time: a
 * name that answered with a public address for the check and a private one
 * for the connection (DNS rebinding) gets nowhere. A refusal throws the
 * guard's BAD_USER_INPUT AppError.
 */
export async function resolveTarget(url: string, allowInsecure: boolean, timeoutMs: number, lookup: HostLookup = systemLookup): Promise<DeliveryTarget> {
  let approved: LookupAddress[] = [];
  const parsed = await assertDeliverableUrl(url, {
    allowInsecure,
    lookup: async (host) => (approved = await withTimeout(lookup(host), timeoutMs)),
  });
  return { url: parsed, addresses: approved };
}

function systemLookup(host: string): Promise<LookupAddress[]> {
  return dns.lookup(host, { all: true, verbatim: true });
}

/** getaddrinfo cannot be cancelled; a slow answer is abandoned (the guard then calls the host unresolvable). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
