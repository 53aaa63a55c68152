import { register } from 'prom-client';
import type { AppConfig } from '@autocall/config';
import type { PrismaService } from '@autocall/database';
import { SipTrunkTelephony } from '@autocall/telephony';
import { TrunkProbes } from './trunk-health';
import type { WorkerIdentity } from './worker-identity';

describe('TrunkProbes: the tenants’ trunks pinged by the leader', () => {
  const trunks = [
    { id: 't1', tenantId: 'a', name: 'first', target: '10.0.0.1:5060', transport: 'udp' },
    { id: 't2', tenantId: 'a', name: 'second', target: '10.0.0.2:5061', transport: 'tls' },
  ];
  const sip = new SipTrunkTelephony({
    localAddress: '127.0.0.1',
    localPort: 0,
    domain: 'trunk.test',
    callerId: 'autocall',
    agentRingTimeoutSeconds: 1,
    cancelGuardSeconds: 1,
    maxCallSeconds: 10,
  });
  const probed: string[] = [];
  jest.spyOn(sip, 'probeTrunk').mockImplementation(async ({ target }) => {
    probed.push(target);
    const up = target.startsWith('10.0.0.1');
    return { up, error: up ? null : '503 connection refused', checkedAt: new Date(0) };
  });
  const identity = { leading: true } as WorkerIdentity;
  const rows = [...trunks];
  const prisma = { trunk: { findMany: async () => rows } } as unknown as PrismaService;
  const config = { get: () => 30 } as unknown as AppConfig;
  const probes = new TrunkProbes(sip, prisma, identity, config);
  probes.onApplicationBootstrap();
  afterAll(() => probes.onApplicationShutdown());

  const metric = async () =>
    (await register.getSingleMetric('autocall_sip_trunks_up')!.get()).values.map((v) => [v.labels.trunk, v.value]);

  it('pings every trunk at its own target, and exports each one’s health', async () => {
    await probes.round();
    expect(probed.sort()).toEqual(['10.0.0.1:5060', '10.0.0.2:5061']);
    expect(await metric()).toEqual([
      ['first', 1],
      ['second', 0],
    ]);
  });

  it('forgets a trunk that was removed', async () => {
    rows.splice(1, 1);
    await probes.round();
    expect(await metric()).toEqual([['first', 1]]);
  });

  it('pings nothing, and exports nothing, in a worker that does not lead', async () => {
    (identity as { leading: boolean }).leading = false;
    probed.length = 0;
    await probes.round();
    expect(probed).toEqual([]);
    expect(await metric()).toEqual([]);
  });
});
