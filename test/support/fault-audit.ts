import type { Cluster } from 'ioredis';
import type Redis from 'ioredis';
import { PrismaService } from '../../libs/database/src';
import { TERMINAL_STATUSES } from '../../libs/dialing/src/target-status';
import { bearer, TestTenant } from './api-harness';
import { EngineHarness } from './engine-harness';
import { waitFor } from './processes';

const TERMINAL = [...TERMINAL_STATUSES];

/**
 * One atomic look at a tenant's bounds in Redis: lines, live contacts, and the agents (reserved
 * ones must be available, but for an agent who asked to be unavailable while a call was being
 * connected to them: the 'bridging' mark; reserved and busy agents never outnumber the logged-in
 * ones). ARGV: the tenant's tag. Returns {capacity, live, reserved, reservedNotAvailable, busy, loggedIn}.
 */
export const BOUNDS_SNAPSHOT = `
local tag = ARGV[1]
local capacity = tonumber(redis.call('HGET', tag .. ':lines', 'capacity') or '-1')
local live = redis.call('ZCARD', tag .. ':contacts')
local reserved, reservedNotAvailable, busy, loggedIn = 0, 0, 0, 0
for _, agent in ipairs(redis.call('SMEMBERS', tag .. ':agents')) do
  local fields = redis.call('HMGET', tag .. ':agent:' .. agent, 'state', 'reservedFor', 'bridging')
  if fields[1] and fields[1] ~= 'logged_out' then loggedIn = loggedIn + 1 end
  if fields[1] == 'on_call' then busy = busy + 1 end
  if fields[2] then
    reserved = reserved + 1
    -- Only an agent whose phone is ringing for that very call may have asked to be unavailable.
    local bridging = fields[1] == 'unavailable' and fields[3] == fields[2]
    if fields[1] ~= 'available' and not bridging then reservedNotAvailable = reservedNotAvailable + 1 end
  end
end
return {capacity, live, reserved, reservedNotAvailable, busy, loggedIn}
`;

/**
 * Samples a tenant's bounds while a fault case runs: GET /v1/lines/usage (what a client sees:
 * inUse.outbound + reserved ≤ capacity) and an atomic snapshot of the agents in Redis. Answers
 * that cannot be had (503 while Redis or PostgreSQL is down) are counted, not judged.
 */
export class BoundsSampler {
  readonly violations: string[] = [];
  /** Answers of GET /v1/lines/usage, and atomic snapshots of Redis, judged. */
  samples = 0;
  snapshots = 0;
  unavailable = 0;
  maxLinesUsed = 0;
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly engine: EngineHarness,
    private readonly tenant: TestTenant,
    private readonly redis: Redis | Cluster,
    options: { capacity: number; agentBound: boolean; intervalMs?: number },
  ) {
    const interval = options.intervalMs ?? 50;
    const tag = `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    const usageLoop = async () => {
      while (this.running) {
        const { status, body } = await this.engine
          .http()
          .get('/v1/lines/usage')
          .set(bearer(this.tenant.adminKey))
          .catch(() => ({ status: 0, body: null }));
        if (status === 200) {
          this.samples++;
          const used = body.inUse.outbound + body.reserved;
          this.maxLinesUsed = Math.max(this.maxLinesUsed, used);
          if (used > options.capacity)
            this.violations.push(
              `lines: outbound ${body.inUse.outbound} + reserved ${body.reserved} > ${options.capacity}`,
            );
        } else this.unavailable++;
        await sleep(interval);
      }
    };
    const agentLoop = async () => {
      while (this.running) {
        try {
          // Declares a key of the tenant (its lines): on a Redis Cluster it runs on that key's node.
          const [, live, reserved, reservedNotAvailable, busy, loggedIn] = (await this.redis.eval(
            BOUNDS_SNAPSHOT,
            1,
            `${tag}:lines`,
            tag,
          )) as number[];
          this.snapshots++;
          if (live > options.capacity) this.violations.push(`redis: ${live} live contacts > ${options.capacity} lines`);
          if (options.agentBound) {
            if (reservedNotAvailable > 0)
              this.violations.push(`${reservedNotAvailable} reserved agent(s) not available`);
            if (reserved + busy > loggedIn)
              this.violations.push(`agents: reserved ${reserved} + on call ${busy} > logged in ${loggedIn}`);
          }
        } catch {
          // Redis down: nothing to judge.
        }
        await sleep(interval);
      }
    };
    this.loops = [usageLoop(), agentLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/**
 * Pairs of calls one agent was connected to at the same time (overlapping connected intervals),
 * with what each call's target went through: which agent, which calls, when.
 */
export async function agentOverlaps(prisma: PrismaService, tenantId: string): Promise<unknown[]> {
  return prisma.$queryRaw<unknown[]>`
    SELECT a.agent_id, a.id AS a_id, a.status AS a_status, a.cause AS a_cause, a.answered_at AS a_ans, a.connected_at AS a_con, a.ended_at AS a_end,
           b.id AS b_id, b.cause AS b_cause, b.answered_at AS b_ans, b.connected_at AS b_con, b.ended_at AS b_end,
           (SELECT string_agg(te.to_status || ':' || coalesce(te.reason, ''), ',') FROM target_events te WHERE te.contact_id = a.id) AS a_ev,
           (SELECT string_agg(te.to_status || ':' || coalesce(te.reason, ''), ',') FROM target_events te WHERE te.contact_id = b.id) AS b_ev
    FROM contacts a JOIN contacts b ON a.agent_id = b.agent_id AND a.id < b.id AND a.tenant_id = b.tenant_id
    WHERE a.tenant_id = ${tenantId}::uuid AND a.connected_at IS NOT NULL AND b.connected_at IS NOT NULL
      AND a.connected_at < b.ended_at AND b.connected_at < a.ended_at`;
}

/**
 * The audit every fault case ends with, from PostgreSQL (the truth) and the live view: every
 * target terminal, with exactly one move into a terminal status; no contact open; never more
 * overlapping calls than lines (over the whole recorded history) and no agent on two calls at
 * once; lines and agents free again; every webhook delivery delivered or failed.
 */
export async function auditTenant(
  engine: EngineHarness,
  tenant: TestTenant,
  options: { lines: number; webhooks: boolean; settleMs?: number },
): Promise<void> {
  const prisma = engine.api.app.get(PrismaService);
  const tenantId = tenant.tenantId;
  const settle = options.settleMs ?? 45_000;

  const [{ notTerminal, notOnce, open }] = await prisma.$queryRaw<
    { notTerminal: number; notOnce: number; open: number }[]
  >`
    SELECT
      (SELECT count(*)::int FROM targets WHERE tenant_id = ${tenantId}::uuid
         AND NOT (status::text = ANY(${TERMINAL}::text[]))) AS "notTerminal",
      (SELECT count(*)::int FROM targets t WHERE t.tenant_id = ${tenantId}::uuid
         AND (SELECT count(*) FROM target_events e WHERE e.target_id = t.id
                AND e.to_status::text = ANY(${TERMINAL}::text[])) <> 1) AS "notOnce",
      (SELECT count(*)::int FROM contacts WHERE tenant_id = ${tenantId}::uuid AND status <> 'ended') AS open`;
  expect({ notTerminal, notOnce, open }).toEqual({ notTerminal: 0, notOnce: 0, open: 0 });

  // Over the whole history: never more overlapping contacts than lines.
  const [{ peak }] = await prisma.$queryRaw<{ peak: number }[]>`
    WITH edges AS (
      SELECT created_at AS at, 1 AS delta FROM contacts WHERE tenant_id = ${tenantId}::uuid
      UNION ALL
      SELECT ended_at, -1 FROM contacts WHERE tenant_id = ${tenantId}::uuid)
    SELECT COALESCE(MAX(running), 0)::int AS peak FROM (
      SELECT SUM(delta) OVER (ORDER BY at, delta) AS running FROM edges) r`;
  expect(peak).toBeLessThanOrEqual(options.lines);
  // An agent is never connected to two calls at once (the pairs themselves in the failure message).
  expect(await agentOverlaps(prisma, tenantId)).toEqual([]);

  // Lines back to zero.
  const admin = bearer(tenant.adminKey);
  let usage: { inUse: { outbound: number }; reserved: number; capacity: number } | undefined;
  try {
    usage = await waitFor(
      'lines to be free',
      async () => {
        const { status, body } = await engine.http().get('/v1/lines/usage').set(admin);
        return status === 200 && body.inUse.outbound === 0 && body.reserved === 0 ? body : undefined;
      },
      settle,
    );
  } finally {
    if (!usage) {
      const { body } = await engine.http().get('/v1/lines/usage').set(admin);
      expect(body).toMatchObject({ inUse: { outbound: 0 }, reserved: 0 });
    }
  }

  // Agents back: none on a call or in wrap-up, none reserved, every available one dialable again.
  const redis = engine.api.redis;
  const tag = `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenantId}}`;
  const agentsState = async () => {
    const rows = await prisma.agent.findMany({ where: { tenantId }, select: { id: true, state: true, skills: true } });
    const busy = rows.filter((a) => a.state === 'on_call' || a.state === 'wrap_up').map((a) => `${a.id}:${a.state}`);
    const problems: string[] = [...busy];
    for (const agent of rows) {
      const live = await redis.hmget(`${tag}:agent:${agent.id}`, 'state', 'reservedFor');
      if (live[1]) problems.push(`${agent.id}: reserved for ${live[1]}`);
      if (agent.state !== 'logged_out' && live[0] !== agent.state)
        problems.push(`${agent.id}: ${agent.state} in PostgreSQL, ${live[0]} in Redis`);
      if (agent.state === 'available') {
        for (const skill of agent.skills) {
          if ((await redis.zscore(`${tag}:available:${skill}`, agent.id)) === null)
            problems.push(`${agent.id}: available but not in available:${skill}`);
        }
      }
    }
    return problems;
  };
  let agentProblems: string[] = [];
  await waitFor(
    'agents back to available and unreserved',
    async () => {
      agentProblems = await agentsState();
      return agentProblems.length === 0;
    },
    settle,
    200,
  ).catch(() => undefined);
  expect(agentProblems).toEqual([]);

  if (options.webhooks) {
    let pending: { id: string; type: string; status: string }[] = [];
    await waitFor(
      'every webhook delivery delivered or failed',
      async () => {
        const rows = await prisma.webhookDelivery.findMany({
          where: { tenantId, status: 'pending' },
          select: { id: true, status: true, event: { select: { type: true } } },
        });
        pending = rows.map((r) => ({ id: r.id, type: r.event.type, status: r.status }));
        return pending.length === 0;
      },
      settle,
      200,
    ).catch(() => undefined);
    expect(pending).toEqual([]);
  }
}

/**
 * Nothing dialed twice: with no retry policy, at most one contact per target (and never two of one
 * attempt), and no number called more often than its targets allow.
 */
export async function expectNoDoubleDial(engine: EngineHarness, tenant: TestTenant): Promise<void> {
  const prisma = engine.api.app.get(PrismaService);
  const tenantId = tenant.tenantId;
  const twice = await prisma.$queryRaw<{ target_id: string; n: number }[]>`
    SELECT target_id, count(*)::int AS n FROM contacts WHERE tenant_id = ${tenantId}::uuid
    GROUP BY target_id HAVING count(*) > 1`;
  expect(twice).toEqual([]);
  const perNumber = await prisma.$queryRaw<{ phone_number: string; contacts: number; targets: number }[]>`
    SELECT c.phone_number, count(*)::int AS contacts,
           (SELECT count(*)::int FROM targets t WHERE t.tenant_id = ${tenantId}::uuid
              AND t.phone_number = c.phone_number) AS targets
    FROM contacts c WHERE c.tenant_id = ${tenantId}::uuid GROUP BY c.phone_number`;
  expect(perNumber.filter((n) => n.contacts > n.targets)).toEqual([]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A counter of a worker's /metrics for a tenant (0 when absent). */
export async function workerCounter(baseUrl: string, metric: string, tenantId: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && l.includes(`tenant="${tenantId}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Installs test-only fault injection (sequences, trigger functions, triggers), one statement at a
 * time: a script whose statements each begin with CREATE.
 */
export async function injectFaults(prisma: PrismaService, sql: string): Promise<void> {
  for (const statement of sql.split(/;\n(?=\s*CREATE)/)) await prisma.$executeRawUnsafe(statement);
}
