/** Join URLs learners can open: the machine's network address instead of loopback or a wildcard, or a clear warning. */
import { describe, expect, it } from 'vitest';
import { publicBase } from './publicUrl.ts';

const interfaces = {
  lo: [
    {
      address: '127.0.0.1',
      family: 'IPv4',
      internal: true,
      netmask: '255.0.0.0',
      mac: '00:00:00:00:00:00',
      cidr: '127.0.0.1/8',
    },
  ],
  eth0: [
    {
      address: '192.168.1.20',
      family: 'IPv4',
      internal: false,
      netmask: '255.255.255.0',
      mac: '02:00:00:00:00:01',
      cidr: '192.168.1.20/24',
    },
  ],
} as const;
const onAll = { address: '0.0.0.0', family: 'IPv4', port: 4321 };
const onLoopback = { address: '127.0.0.1', family: 'IPv4', port: 4321 };

describe('publicBase', () => {
  it.each([
    ['a learner-reachable Host is kept', { host: 'labs.lan:4321', listening: onAll }, { base: 'http://labs.lan:4321' }],
    [
      'loopback Host, listening on every interface: the network address',
      { host: '127.0.0.1:4321', listening: onAll },
      { base: 'http://192.168.1.20:4321' },
    ],
    ['localhost likewise', { host: 'localhost:4321', listening: onAll }, { base: 'http://192.168.1.20:4321' }],
    ['the printed 0.0.0.0 likewise', { host: '0.0.0.0:4321', listening: onAll }, { base: 'http://192.168.1.20:4321' }],
    [
      'listening on one address: that address',
      { host: '127.0.0.1:4321', listening: { address: '10.0.0.5', family: 'IPv4', port: 4321 } },
      { base: 'http://10.0.0.5:4321' },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(publicBase({ ...input, env: {}, interfaces: interfaces as never })).toEqual(expected);
  });

  it('warns when the server listens on loopback only', () => {
    const r = publicBase({ host: '127.0.0.1:4321', listening: onLoopback, env: {}, interfaces: interfaces as never });
    expect(r.base).toBe('http://127.0.0.1:4321');
    expect(r.warning).toContain('restart it with --host 0.0.0.0');
    expect(r.problem).toBe('loopback-only');
  });

  it('warns when the machine has no network address', () => {
    expect(
      publicBase({ host: '127.0.0.1:4321', listening: onAll, env: {}, interfaces: { lo: interfaces.lo } as never })
        .warning,
    ).toContain('no network address');
  });

  it('takes LABS_PUBLIC_URL as given, and https from a trusted proxy', () => {
    expect(
      publicBase({
        host: '127.0.0.1:4321',
        listening: onLoopback,
        env: { LABS_PUBLIC_URL: 'https://labs.example.com/' },
      }),
    ).toEqual({ base: 'https://labs.example.com' });
    expect(
      publicBase({
        host: 'labs.example.com',
        forwardedProto: 'https',
        listening: onAll,
        env: { LABS_TRUST_PROXY: '1' },
      }),
    ).toEqual({ base: 'https://labs.example.com' });
    expect(publicBase({ host: 'labs.example.com', forwardedProto: 'https', listening: onAll, env: {} })).toEqual({
      base: 'http://labs.example.com',
    });
  });
});
