import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { untilAvailable } from '@autocall/common';
import { RedisService } from '@autocall/redis';
import {
  CLAIM_AGENT,
  ENTER_WAITING,
  OWNER_LEASE_MS,
  RELEASE_AGENT,
  REASSERT,
  RELEASE_CONTACT,
  RELEASE_UNDIALED,
  RENEW_OWNER_LEASE,
  RESERVE_AGENT_DIAL,
  RESERVE_DIAL,
  RESERVE_PACED_DIAL,
  RESTORE_CONTACT,
  RETURN_WITHDRAWN,
  SERVE_WAITING,
  WITHDRAW_AGENT,
} from './capacity.scripts';
import { Queues } from './queues';

export interface DialChecks {
  freeLines: { reserve: number } | null;
  freeAgents: { reserve: number } | null;
  callStop: boolean;
}

/**
 * What a next dial of the same pool could find, whatever its AutoCall's reserves, as the
 * reservation's own script saw it: no line (no dial can be reserved), a line but no agent (no dial
 * that checks agents can), or room. Known for reservations with an agent check's script (`reserve`).
 */
export type RoomAfter = 'no_line' | 'no_agent' | 'room';

export type Reservation =
  | { ok: true; agentId: string | null; next?: RoomAfter }
  | {
      ok: false;
      reason: 'no_free_line' | 'no_free_agent' | 'pacing' | 'lines_unknown' | 'callers_waiting';
      next?: RoomAfter;
    };

/** How a dispatcher's reservation is made (RESERVE_DIAL, RESERVE_PACED_DIAL). */
export interface ReserveOptions {
  /** The owner places the dial itself: its line counts as in use at once. */
  placesItself?: boolean;
  /**
   * Refuse ('callers_waiting') while an answered caller of the skill waits and an agent of it is
   * available: the caller is served first (serveWaiting), then the reservation asked again.
   */
  callersFirst?: boolean;
}

/** A release script's answer: 1 when it freed something, then the skills whose pools to wake. */
type Released = [number, ...string[]];

type CapacityRedis = Redis & {
  reserveDial(lines: string, contacts: string, ...args: string[]): Promise<[number, string, RoomAfter]>;
  reservePacedDial(lines: string, contacts: string, ...args: string[]): Promise<[number, string]>;
  reserveAgentDial(lines: string, contacts: string, ...args: string[]): Promise<[number, string]>;
  releaseContact(lines: string, contacts: string, ...args: string[]): Promise<Released>;
  releaseUndialed(lines: string, contacts: string, ...args: string[]): Promise<Released>;
  releaseAgent(contact: string, ...args: string[]): Promise<Released>;
  claimAgent(contact: string, ...args: string[]): Promise<string | null>;
  enterWaiting(contact: string, ...args: string[]): Promise<number>;
  serveWaiting(waiting: string, ...args: string[]): Promise<[string, string] | null>;
  renewOwnerLease(owners: string, ...args: string[]): Promise<number>;
  reassertContact(lines: string, contacts: string, ...args: string[]): Promise<number>;
  restoreContact(contacts: string, lines: string, ...args: string[]): Promise<number>;
  withdrawAgent(agent: string, ...args: string[]): Promise<number>;
  returnWithdrawn(withdrawn: string, ...args: string[]): Promise<number>;
};

/** A call in progress as PostgreSQL knows it, for the rebuild after a Redis loss. */
export interface LiveContactRecord {
  id: string;
  skill: string;
  status: string;
  /** The agent reserved for the dial (or connected to the call). */
  agentId: string | null;
  answeredAt: Date | null;
  predictive: boolean;
  /** The worker PostgreSQL says places the call (contacts.placed_by), if any yet. */
  placedBy?: string | null;
}

/**
 * Lines and agents, reserved atomically in Redis (see capacity.scripts.ts) so that no interleaving
 * of API replicas and workers can dial past `lines − reserve` or reserve more agents than are
 * available.
 */
@Injectable()
export class CapacityService {
  private readonly client: CapacityRedis;

  constructor(
    private readonly redis: RedisService,
    private readonly queues: Queues,
  ) {
    const client = redis.client as CapacityRedis;
    const define = (name: string, lua: string, keys: number) => {
      if (!(name in client)) client.defineCommand(name, { numberOfKeys: keys, lua });
    };
    define('reserveDial', RESERVE_DIAL, 2);
    define('reserveAgentDial', RESERVE_AGENT_DIAL, 2);
    define('reservePacedDial', RESERVE_PACED_DIAL, 2);
    define('releaseContact', RELEASE_CONTACT, 2);
    define('releaseUndialed', RELEASE_UNDIALED, 2);
    // Every script declares a key of its tenant (on a Redis Cluster the script runs on that key's
    // node); every other key it touches carries the same hash tag, so the same slot (see capacity.scripts).
    define('releaseAgent', RELEASE_AGENT, 1);
    define('claimAgent', CLAIM_AGENT, 1);
    define('enterWaiting', ENTER_WAITING, 1);
    define('serveWaiting', SERVE_WAITING, 1);
    define('renewOwnerLease', RENEW_OWNER_LEASE, 1);
    define('reassertContact', REASSERT, 2);
    define('restoreContact', RESTORE_CONTACT, 2);
    define('withdrawAgent', WITHDRAW_AGENT, 1);
    define('returnWithdrawn', RETURN_WITHDRAWN, 1);
    this.client = client;
  }

  private tag(tenantId: string) {
    return this.redis.keys.tenantTag(tenantId);
  }
  private lines(tenantId: string) {
    return this.redis.keys.lines(tenantId);
  }
  private contact(tenantId: string, contactId: string) {
    return `${this.tag(tenantId)}:contact:${contactId}`;
  }
  private contacts(tenantId: string) {
    return `${this.tag(tenantId)}:contacts`;
  }

  async reserve(
    tenantId: string,
    contactId: string,
    skill: string,
    checks: DialChecks,
    owner: string,
    { placesItself = false, callersFirst = false }: ReserveOptions = {},
  ): Promise<Reservation> {
    const [ok, value, next] = await this.client.reserveDial(
      this.lines(tenantId),
      this.contacts(tenantId),
      this.tag(tenantId),
      contactId,
      skill,
      String(checks.freeLines?.reserve ?? 0),
      checks.freeAgents ? '1' : '0',
      String(checks.freeAgents?.reserve ?? 0),
      String(Date.now()),
      owner,
      placesItself ? '1' : '0',
      callersFirst ? '1' : '0',
    );
    if (ok === 1) return { ok: true, agentId: value || null, next };
    return { ok: false, reason: value as Extract<Reservation, { ok: false }>['reason'], next };
  }

  /** A line for a predictive dial, within the budget the pool's pacing leader set. */
  async reservePaced(
    tenantId: string,
    contactId: string,
    skill: string,
    checks: DialChecks,
    owner: string,
    { placesItself = false, callersFirst = false }: ReserveOptions = {},
  ) {
    const [ok, value] = await this.client.reservePacedDial(
      this.lines(tenantId),
      this.contacts(tenantId),
      this.tag(tenantId),
      contactId,
      skill,
      String(checks.freeLines?.reserve ?? 0),
      String(Date.now()),
      owner,
      placesItself ? '1' : '0',
      callersFirst ? '1' : '0',
    );
    if (ok === 1) return { ok: true, agentId: null } as const;
    return { ok: false, reason: value as 'no_free_line' | 'pacing' | 'lines_unknown' | 'callers_waiting' } as const;
  }

  /** A line and this agent only (an owned callback), or the reason why not. */
  async reserveAgent(
    tenantId: string,
    contactId: string,
    skill: string,
    agentId: string,
    owner: string,
  ): Promise<{ ok: true; agentId: string } | { ok: false; reason: 'no_free_line' | 'agent_unavailable' }> {
    const [ok, value] = await this.client.reserveAgentDial(
      this.lines(tenantId),
      this.contacts(tenantId),
      this.tag(tenantId),
      contactId,
      skill,
      '0',
      agentId,
      String(Date.now()),
      owner,
    );
    if (ok === 1) return { ok: true, agentId: value };
    return { ok: false, reason: value as 'no_free_line' | 'agent_unavailable' };
  }

  /** Frees the contact's line, agent reservation and waiting place; true only the first time. */
  async release(tenantId: string, contactId: string): Promise<boolean> {
    return this.releaseWith(this.client.releaseContact.bind(this.client), tenantId, contactId);
  }

  /**
   * A reservation that did not become a dial: released, and a predictive one's unit of budget given
   * back if the budget it came from still stands (RELEASE_UNDIALED).
   */
  async releaseUndialed(tenantId: string, contactId: string): Promise<boolean> {
    return this.releaseWith(this.client.releaseUndialed.bind(this.client), tenantId, contactId);
  }

  private async releaseWith(
    script: (lines: string, contacts: string, ...args: string[]) => Promise<Released>,
    tenantId: string,
    contactId: string,
  ): Promise<boolean> {
    return this.wakeFreed(
      tenantId,
      await script(this.lines(tenantId), this.contacts(tenantId), this.tag(tenantId), contactId),
    );
  }

  async releaseAgent(tenantId: string, contactId: string): Promise<boolean> {
    return this.wakeFreed(
      tenantId,
      await this.client.releaseAgent(this.contact(tenantId, contactId), this.tag(tenantId), contactId),
    );
  }

  /**
   * A blended agent freed by a release is free for their other skills too: those pools are woken
   * by the releaser itself (no worker need lead for it). A wake-up lost here (Redis lost between
   * the two commands) is made up by the leader's sweep; the release stands either way.
   */
  private async wakeFreed(tenantId: string, [freed, ...skills]: Released): Promise<boolean> {
    if (skills.length) await this.queues.wakePools(skills.map((skill) => ({ tenantId, skill }))).catch(() => undefined);
    return freed === 1;
  }

  /** PostgreSQL refused this agent: no longer offered until found free there (see WITHDRAW_AGENT). */
  async withdrawAgent(tenantId: string, agentId: string): Promise<void> {
    await this.client.withdrawAgent(this.redis.keys.agent(tenantId, agentId), this.tag(tenantId), agentId);
  }

  /** Agents withdrawn from the available sets, for the keeper to check in PostgreSQL. */
  async withdrawnAgents(tenantId: string): Promise<string[]> {
    return this.client.smembers(`${this.tag(tenantId)}:withdrawn`);
  }

  /** Withdrawn agents that PostgreSQL says are free go back to the available sets (RETURN_WITHDRAWN). */
  async returnWithdrawn(tenantId: string, agents: { id: string; free: boolean }[]): Promise<number> {
    if (!agents.length) return 0;
    return this.client.returnWithdrawn(
      `${this.tag(tenantId)}:withdrawn`,
      this.tag(tenantId),
      ...agents.flatMap((a) => [a.id, a.free ? '1' : '0']),
    );
  }

  async claimAgent(tenantId: string, contactId: string, skill: string): Promise<string | null> {
    return (
      (await this.client.claimAgent(this.contact(tenantId, contactId), this.tag(tenantId), contactId, skill)) || null
    );
  }

  /** The contact waits for an agent; `owner`, the worker holding it, takes its lease (see OWNER_LEASE_MS). */
  async enterWaiting(
    tenantId: string,
    contactId: string,
    skill: string,
    answeredAt: Date,
    owner: string,
  ): Promise<void> {
    await this.client.enterWaiting(
      this.contact(tenantId, contactId),
      this.tag(tenantId),
      contactId,
      skill,
      String(answeredAt.getTime()),
      owner,
      String(OWNER_LEASE_MS),
    );
  }

  /** A worker holding waiting callers in the tenant says it is still alive (see OWNER_LEASE_MS). */
  async renewOwnerLease(tenantId: string, owner: string): Promise<void> {
    await this.client.renewOwnerLease(
      `${this.tag(tenantId)}:owners`,
      this.tag(tenantId),
      owner,
      String(OWNER_LEASE_MS),
    );
  }

  /** The contact stops waiting for an agent (it is being abandoned). */
  async leaveWaiting(tenantId: string, contactId: string, skill: string): Promise<void> {
    await this.client.zrem(`${this.tag(tenantId)}:waiting:${skill}`, contactId);
  }

  /**
   * The oldest waiting caller of this worker gets a free agent; or, when another live worker holds
   * the oldest caller and an agent is free, `holder` names that worker (it is woken to serve them).
   */
  async serveWaiting(
    tenantId: string,
    skill: string,
    owner: string,
  ): Promise<{ contactId: string; agentId: string } | { holder: string } | null> {
    const served = await this.client.serveWaiting(
      `${this.tag(tenantId)}:waiting:${skill}`,
      this.tag(tenantId),
      skill,
      owner,
    );
    if (!served) return null;
    return served[0] === '' ? { holder: served[1] } : { contactId: served[0], agentId: served[1] };
  }

  async liveContacts(tenantId: string): Promise<string[]> {
    return this.client.zrange(this.contacts(tenantId), '0', '-1');
  }

  /** Redis's clock, in milliseconds (what reservation times are written in). */
  async redisNow(): Promise<number> {
    const [seconds, micros] = await this.client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async reservationScore(tenantId: string, contactId: string): Promise<number | null> {
    const score = await this.client.zscore(this.contacts(tenantId), contactId);
    return score === null ? null : Number(score);
  }

  async contactInfo(tenantId: string, contactId: string): Promise<Record<string, string>> {
    return this.client.hgetall(`${this.tag(tenantId)}:contact:${contactId}`);
  }

  /**
   * Rebuild after a Redis loss: a live contact found in PostgreSQL takes its line again, with the
   * agent reserved for its dial, or its place in the waiting queue (see RESTORE_CONTACT). Its owner
   * is unknown until the worker holding the call re-asserts it (see reassert).
   */
  async restore(tenantId: string, contact: LiveContactRecord): Promise<boolean> {
    const restored = await this.client.restoreContact(
      this.contacts(tenantId),
      this.lines(tenantId),
      this.tag(tenantId),
      contact.id,
      contact.skill,
      contact.status,
      contact.agentId ?? '',
      contact.answeredAt ? String(contact.answeredAt.getTime()) : '',
      contact.predictive ? '1' : '0',
      String(Date.now()),
      contact.placedBy ?? '',
    );
    return restored === 1;
  }

  /**
   * The worker holding a call says so, and that its line is in use (see REASSERT); false when the
   * contact is gone. Waits out a Redis outage: it is a step of placing a call.
   */
  async reassert(tenantId: string, contactId: string, owner: string): Promise<boolean> {
    const reasserted = await untilAvailable(() =>
      this.client.reassertContact(this.lines(tenantId), this.contacts(tenantId), this.tag(tenantId), contactId, owner),
    );
    return reasserted === 1;
  }
}
