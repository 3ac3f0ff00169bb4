/**
 * Where a webhook may be sent (SSRF rules): the URL's scheme, and every address its host resolves to. A
 * company's endpoint must not reach into our own network (loopback, private ranges, link-local such as the
 * cloud metadata address, multicast) unless WEBHOOK_ALLOW_PRIVATE=true. The check runs at registration and
 * again at every send, and the request then connects to the very address checked, so a name that resolves
 * to a public address at registration and to a private one later is refused at that send.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface AddressRules {
  /** WEBHOOK_ALLOW_PRIVATE: loopback and private targets allowed (dev and tests). */
  allowPrivate: boolean;
  /** Production: only https:// URLs. */
  httpsOnly: boolean;
}

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) forbidden.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

/** Loopback, private, link-local, multicast, unspecified or reserved: not a place on the public Internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return forbidden.check(mapped[1], 'ipv4');
  return forbidden.check(address, 'ipv6');
}

export class RefusedTarget extends Error {}

/** The URL's shape: absolute http(s), no credentials, https in production. Returns the parsed URL. */
export function checkUrlShape(raw: string, rules: AddressRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedTarget('deve ser uma URL absoluta, como https://exemplo.com.br/webhooks');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !rules.httpsOnly)) {
    throw new RefusedTarget(rules.httpsOnly ? 'deve começar com https://' : 'deve começar com https:// ou http://');
  }
  if (url.username || url.password) throw new RefusedTarget('não pode conter usuário ou senha');
  return url;
}

/**
 * The address to connect to for `url`: its host resolved (every address must pass the rules, not only the
 * first), or the literal IP it names.
 */
export async function resolveTarget(url: URL, rules: AddressRules): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new RefusedTarget(`o nome ${host} não pôde ser resolvido`);
    }
  }
  if (addresses.length === 0) throw new RefusedTarget(`o nome ${host} não pôde ser resolvido`);
  if (!rules.allowPrivate) {
    const inside = addresses.find((a) => isPrivateAddress(a.address));
    if (inside) throw new RefusedTarget(`aponta para um endereço interno (${inside.address}), o que não é permitido`);
  }
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}
