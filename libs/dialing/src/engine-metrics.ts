import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { AgentLiveView } from '@autocall/agents';
import { PrismaService } from '@autocall/database';
import { LinesService } from '@autocall/lines';
import { RedisService } from '@autocall/redis';
import { ContactRates, RATE_WINDOWS, RateWindow } from './contact-rates';
import { DIALS_QUEUE, Queues, RETRIES_QUEUE } from './queues';

/** Counted by the worker as calls happen. Labels are bounded: tenant ids and fixed words only. */
export const dialsTotal = new Counter({ name: 'autocall_dials_total', help: 'Calls placed', labelNames: ['tenant'] });
export const dialsRefusedTotal = new Counter({
  name: 'autocall_dials_refused_total',
  help: "Dials Redis's view admitted and PostgreSQL refused (no free line, agent not free): the view was stale",
  labelNames: ['tenant', 'reason'],
});
export const contactsEndedTotal = new Counter({
  name: 'autocall_contacts_ended_total',
  help: 'Contacts ended, by the outcome of their attempt',
  labelNames: ['tenant', 'outcome'],
});

/**
 * Gauges read from the live view when Prometheus scrapes: lines per tenant, agents by state per
 * skill, held targets per pool. Both apps expose them at /metrics.
 */
@Injectable()
export class EngineMetrics implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lines: LinesService,
    private readonly agents: AgentLiveView,
    private readonly queues: Queues,
    private readonly redis: RedisService,
    private readonly rates: ContactRates,
  ) {}

  onModuleInit(): void {
    if (register.getSingleMetric('autocall_lines')) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'autocall_lines',
      help: 'Lines per tenant: capacity, in use (outbound, inbound), reserved for dials being placed, free',
      labelNames: ['tenant', 'kind'],
      async collect() {
        this.reset();
        for (const { id } of await self.prisma.tenant.findMany({ select: { id: true } })) {
          const usage = await self.lines.usage(id);
          this.set({ tenant: id, kind: 'capacity' }, usage.capacity);
          this.set({ tenant: id, kind: 'outbound' }, usage.inUse.outbound);
          this.set({ tenant: id, kind: 'inbound' }, usage.inUse.inbound);
          this.set({ tenant: id, kind: 'reserved' }, usage.reserved);
          this.set({ tenant: id, kind: 'free' }, usage.free);
        }
      },
    });
    new Gauge({
      name: 'autocall_agents',
      help: 'Logged-in agents by skill and state (reserved: available but held for a dial)',
      labelNames: ['tenant', 'skill', 'state'],
      async collect() {
        this.reset();
        for (const { id } of await self.prisma.tenant.findMany({ select: { id: true } })) {
          for (const agentId of await self.redis.client.smembers(self.redis.keys.agents(id))) {
            const [state, skills, reservedFor] = await self.redis.client.hmget(
              self.redis.keys.agent(id, agentId),
              'state',
              'skills',
              'reservedFor',
            );
            if (!state || state === 'logged_out') continue;
            for (const skill of (skills ?? '').split(',').filter(Boolean)) {
              this.inc({ tenant: id, skill, state: reservedFor ? 'reserved' : state });
            }
          }
        }
      },
    });
    const rateGauge = (
      name: string,
      help: string,
      pick: (r: Awaited<ReturnType<ContactRates['of']>>[RateWindow]) => number | null,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['tenant', 'window'],
        async collect() {
          this.reset();
          for (const { id } of await self.prisma.tenant.findMany({ select: { id: true } })) {
            const rates = await self.rates.of(id);
            for (const window of Object.keys(RATE_WINDOWS) as RateWindow[]) {
              const value = pick(rates[window]);
              if (value !== null) this.set({ tenant: id, window }, value);
            }
          }
        },
      });
    rateGauge(
      'autocall_answer_rate',
      'Share of dials answered by a person, over the last 1m, 1h and 24h',
      (r) => r.answerRate,
    );
    rateGauge(
      'autocall_abandon_rate',
      'Share of answered calls abandoned (no agent in time), over the last 1m, 1h and 24h',
      (r) => r.abandonRate,
    );
    new Gauge({
      name: 'autocall_held_targets',
      help: 'Targets of sequential AutoCalls waiting for capacity, per pool',
      labelNames: ['tenant', 'skill'],
      async collect() {
        this.reset();
        for (const pool of await self.queues.pools()) {
          const counts = await self.queues.held(pool).getJobCounts('prioritized', 'waiting', 'delayed');
          this.set(
            { tenant: pool.tenantId, skill: pool.skill },
            (counts.prioritized ?? 0) + (counts.waiting ?? 0) + (counts.delayed ?? 0),
          );
        }
      },
    });
    new Gauge({
      name: 'autocall_queue_jobs',
      help: 'Jobs of the shared BullMQ queues by state (held targets: autocall_held_targets)',
      labelNames: ['queue', 'state'],
      async collect() {
        this.reset();
        for (const name of SHARED_QUEUES) {
          const counts = await self.queues.queue(name).getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
    void this.agents;
  }
}

/** The queues every tenant shares (names fixed here: labels stay bounded). */
const SHARED_QUEUES = [DIALS_QUEUE, RETRIES_QUEUE, 'webhook-deliveries', 'callbacks'];
const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;
