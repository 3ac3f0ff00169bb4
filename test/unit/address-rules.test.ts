// The webhook address rules on their own: which addresses are inside, which URL shapes are refused.
import { describe, expect, it } from 'vitest';
import { checkUrlShape, isPrivateAddress, resolveTarget } from '../../src/delivery/address-rules';

const strict = { allowPrivate: false, httpsOnly: false };

describe('isPrivateAddress', () => {
  it('when an address is loopback, private, link-local, multicast, CGNAT or unspecified, then it is inside', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254',
      '100.64.0.1', '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1',
      'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
  });

  it('when an address is on the public Internet, then it is not inside', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });
});

describe('checkUrlShape and resolveTarget', () => {
  it('when production is https-only, then http is refused and https passes', () => {
    expect(() => checkUrlShape('http://exemplo.com.br/x', { allowPrivate: false, httpsOnly: true })).toThrow(/https:\/\//);
    expect(checkUrlShape('https://exemplo.com.br/x', { allowPrivate: false, httpsOnly: true }).hostname).toBe('exemplo.com.br');
  });

  it('when a name resolves to loopback and private targets are not allowed, then it is refused; allowed, it resolves', async () => {
    await expect(resolveTarget(new URL('http://localhost:9/x'), strict)).rejects.toThrow(/endereço interno/);
    await expect(resolveTarget(new URL('http://127.0.0.1:9/x'), strict)).rejects.toThrow(/127\.0\.0\.1/);
    await expect(resolveTarget(new URL('http://[::1]:9/x'), strict)).rejects.toThrow(/::1/);
    expect(await resolveTarget(new URL('http://127.0.0.1:9/x'), { allowPrivate: true, httpsOnly: false })).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await resolveTarget(new URL('http://8.8.8.8/x'), strict)).toEqual({ address: '8.8.8.8', family: 4 });
  });
});
