// The client's address as every per-address limit counts it (sign-ins, WebSockets, room creation):
// one key per IPv4 address and one per IPv6 /64, the block a single subscriber usually gets.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** The sixteen-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, ''); // a zone (`fe80::1%eth0`) names the interface, not the host
  if (!net.isIPv6(bare)) return undefined;
  let text = bare.toLowerCase();
  // A trailing dotted IPv4 (`::ffff:1.2.3.4`) is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The key a per-address limit counts under: an IPv4 address as it is, an IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`) as its IPv4 address, and any other IPv6 address as its /64
 * (`2001:db8:1:2::/64`), since one subscriber holds a whole /64. Anything else is kept as it is.
 * A key maps to itself.
 */
export function addressKey(address: string): string {
  // An IPv4 address (or `unknown`), most of them: no colon, nothing to fold.
  if (!address.includes(':') || address.endsWith('::/64')) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isMapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/**
 * The client's address key (see `addressKey`): the socket's peer, or behind a trusted proxy the
 * address nginx appended to X-Forwarded-For (the last one: whatever the client wrote before it is
 * not to be believed).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').pop()?.trim();
    if (last) return addressKey(last);
  }
  return addressKey(req.socket.remoteAddress ?? 'unknown');
}
