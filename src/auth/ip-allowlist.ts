import { BlockList, isIP } from 'node:net';
import { badInput } from '../errors';

/**
 * IP allowlists use node's BlockList, which matches IPv4 and IPv6 addresses
 * and CIDR ranges natively, so no parser of our own decides who gets in.
 */

function parseEntry(entry: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

/** Validates entries for a key mutation; returns them trimmed. */
export function normalizeAllowlist(entries: readonly string[], field = 'ipAllowlist'): string[] {
  const bad = entries.filter((e) => parseEntry(e) === undefined);
  if (bad.length > 0) {
    throw badInput(`Invalid ${field} entr${bad.length === 1 ? 'y' : 'ies'}: ${bad.map((b) => `"${b}"`).join(', ')}; use IPv4/IPv6 addresses or CIDR ranges such as 203.0.113.0/24`, {
      field,
      invalid: bad,
    });
  }
  return entries.map((e) => e.trim());
}

export type AddressMatcher = (clientAddress: string) => boolean;

/** Compiles an allowlist once per cached key, so a request costs one BlockList check. */
export function compileAllowlist(entries: readonly string[]): AddressMatcher {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed) continue; // validated on write; stale rows must not widen access, and skipping only narrows it
    if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return (clientAddress) => {
    // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d.
    const address = clientAddress.startsWith('::ffff:') && isIP(clientAddress.slice(7)) === 4 ? clientAddress.slice(7) : clientAddress;
    const version = isIP(address);
    if (version === 0) return false;
    return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}
