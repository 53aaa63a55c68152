import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import { READINESS_CHECKS, ReadinessCheck } from '@autocall/observability';
import { SipTrunkTelephony, TelephonyPort, TrunkHealth, TrunkRoute } from '@autocall/telephony';
import { WorkerIdentity } from './worker-identity';

/**
 * The SIP trunk's health by OPTIONS pings (SIP_OPTIONS_INTERVAL_SECONDS) in the worker's
 * readiness (/health/ready: `sip_trunk` down, with why, makes it 503) and in the metric
 * autocall_sip_trunk_up (1 up, 0 down). With the simulator: neither.
 */
export const trunkHealthProvider: Provider = {
  provide: READINESS_CHECKS,
  inject: [TelephonyPort],
  useFactory: (telephony: TelephonyPort): ReadinessCheck[] => {
    if (!(telephony instanceof SipTrunkTelephony)) return [];
    if (!register.getSingleMetric('autocall_sip_trunk_up')) {
      new Gauge({
        name: 'autocall_sip_trunk_up',
        help: 'Whether the SIP trunk answers OPTIONS pings (1) or not (0: no answer, 408, 503, connection refused)',
        collect() {
          this.set(telephony.trunkHealth().up ? 1 : 0);
        },
      });
    }
    return [
      {
        name: 'sip_trunk',
        async probe() {
          const health = telephony.trunkHealth();
          if (!health.up) throw new Error(health.error ?? 'down');
        },
      },
    ];
  },
};

/**
 * The tenants' own trunks (`/v1/trunks`) pinged with OPTIONS every SIP_OPTIONS_INTERVAL_SECONDS
 * by the engine leader alone (one worker pings, whatever the number of workers), each to its own
 * target and transport, into `autocall_sip_trunks_up{tenant, trunk}` (1 up, 0 down; a trunk
 * removed leaves the metric at the next round) and a log line when one changes. A trunk that is
 * down is not skipped by this: the dials it refuses or leaves unanswered pause it and fail over
 * (see "Trunks" in README). The worker's readiness follows the default trunk only: one tenant's
 * carrier being down must not take a worker out of service for every other tenant.
 */
@Injectable()
export class TrunkProbes implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrunkProbes.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  /** The last answer of each trunk, by id. */
  readonly health = new Map<string, { tenantId: string; name: string; health: TrunkHealth }>();

  constructor(
    private readonly telephony: TelephonyPort,
    private readonly prisma: PrismaService,
    private readonly identity: WorkerIdentity,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.get('SIP_OPTIONS_INTERVAL_SECONDS');
    if (!(this.telephony instanceof SipTrunkTelephony) || interval <= 0) return;
    if (!register.getSingleMetric('autocall_sip_trunks_up')) {
      const health = this.health;
      new Gauge({
        name: 'autocall_sip_trunks_up',
        help: 'Whether each tenant trunk answers OPTIONS pings (1) or not (0); exported by the worker that leads',
        labelNames: ['tenant', 'trunk'],
        collect() {
          this.reset();
          for (const trunk of health.values())
            this.set({ tenant: trunk.tenantId, trunk: trunk.name }, trunk.health.up ? 1 : 0);
        },
      });
    }
    this.timer = setInterval(() => void this.round(), interval * 1_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One round: every trunk pinged at once (each answers or times out within 64·T1). */
  async round(): Promise<void> {
    const sip = this.telephony;
    if (this.running || !(sip instanceof SipTrunkTelephony)) return;
    if (!this.identity.leading) {
      this.health.clear();
      return;
    }
    this.running = true;
    try {
      const trunks = await this.prisma.trunk.findMany({
        select: { id: true, tenantId: true, name: true, target: true, transport: true },
      });
      const known = new Set(trunks.map((t) => t.id));
      for (const id of this.health.keys()) if (!known.has(id)) this.health.delete(id);
      await Promise.all(
        trunks.map(async (trunk) => {
          const health = await sip.probeTrunk({
            target: trunk.target,
            transport: trunk.transport as TrunkRoute['transport'],
          });
          const before = this.health.get(trunk.id)?.health.up;
          if (before !== health.up && (before !== undefined || !health.up))
            this.logger[health.up ? 'log' : 'warn'](
              `tenant ${trunk.tenantId} trunk ${trunk.name} (${trunk.target}) is ${health.up ? 'up' : `down: ${health.error}`}`,
            );
          this.health.set(trunk.id, { tenantId: trunk.tenantId, name: trunk.name, health });
        }),
      );
    } catch (error) {
      this.logger.warn(`trunk probes: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
