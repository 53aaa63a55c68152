import { Injectable, Logger } from '@nestjs/common';
import {
  ConflictError,
  decodeCursor,
  pageOf,
  FieldError,
  InvalidRequestError,
  NotFoundError,
  uuidv7,
} from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { KeyedRequest, IdempotentRequests, Prisma, PrismaService, StoredAnswer } from '@autocall/database';
import { LinesService } from '@autocall/lines';
import { SettingsService } from '@autocall/tenancy';
import { SubmitAutoCall } from './autocall-schemas';
import { CapacityService, DialChecks } from './capacity.service';
import { targetZonesCode } from './compliance/compliance';
import { ComplianceService, effectiveCompliance } from './compliance/compliance.service';
import { DialRefused } from './dial-bounds';
import { normalizePhoneNumber } from './phone-number';
import { heldJobData, heldQueueName, Queues } from './queues';
import { TargetStatus, TARGET_STATUSES } from './target-status';
import { CallRecords } from './call-records';
import { ErasedNumbers } from './erased-numbers';

export interface SubmittedTarget {
  targetId: string;
  position: number;
  /** Null for a number erased on request: the target is skipped and its number not stored. */
  phoneNumber: string | null;
  reference: string | null;
  status: TargetStatus;
  reason: string | null;
  contactId: string | null;
}

/** The answer to a submission: the AutoCall, and every target as the submission left it. */
export type SubmissionAnswer = AutoCallView & { targets: SubmittedTarget[] };

export interface AutoCallView {
  id: string;
  mode: string;
  skill: string;
  status: string;
  priority: number;
  /** The campaign it counts in: the one given, else its own id. */
  campaign: string;
  checks: DialChecks;
  callerId: string | null;
  ringTimeoutSeconds: number;
  callingWindow: unknown;
  retry: unknown;
  machine: string;
  machineMessage: string | null;
  detectionWaitSeconds: number;
  targetCount: number;
  counts: Record<string, number>;
  createdAt: Date;
  completedAt: Date | null;
  cancelledAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ZERO_COUNTS = () => Object.fromEntries(TARGET_STATUSES.map((s) => [s, 0])) as Record<TargetStatus, number>;

type PlannedTarget = SubmittedTarget & { data: unknown; timeZone: string | null };

/**
 * Submission and control of AutoCalls. A submission is validated whole, stored in one
 * transaction (one INSERT for all its targets), then handed to the engine: immediate mode
 * reserves capacity at once and queues the dials; sequential mode holds the targets in BullMQ.
 */
@Injectable()
export class AutoCallsService {
  private readonly logger = new Logger(AutoCallsService.name);
  /** Identifies this process as the holder of the calls it places (see CapacityService). */
  readonly owner = `api-${process.pid}-${uuidv7().slice(-8)}`;

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: SettingsService,
    private readonly capacity: CapacityService,
    private readonly queues: Queues,
    private readonly records: CallRecords,
    private readonly lines: LinesService,
    private readonly compliance: ComplianceService,
    private readonly idempotency: IdempotentRequests,
    private readonly erasedNumbers: ErasedNumbers,
    private readonly config: AppConfig,
  ) {}

  async submit(
    tenantId: string,
    input: SubmitAutoCall,
    idempotencyKey: string | null,
  ): Promise<{ replayed: boolean; answer: SubmissionAnswer }> {
    const requestHash = IdempotentRequests.hashOf(input);
    const keyed: KeyedRequest | null = idempotencyKey
      ? { tenantId, operation: 'autocalls.submit', key: idempotencyKey, body: input }
      : null;
    // A retry of a request that has answered: its answer at once, before any work (the transaction
    // below decides again under the key's lock, for a retry that raced its first request).
    const earlier = keyed ? await this.idempotency.peek(keyed) : null;
    if (earlier) return { replayed: true, answer: earlier.answer as SubmissionAnswer };
    const errors: FieldError[] = [];
    if (input.mode === 'immediate' && input.checks.callStop) {
      errors.push({
        field: 'checks.callStop',
        code: 'not_available',
        message: 'The call-stop check is for sequential mode; the do-not-call list always applies.',
      });
    }
    const skill = await this.prisma.skill.findUnique({ where: { tenantId_name: { tenantId, name: input.skill } } });
    if (!skill)
      errors.push({ field: 'skill', code: 'unknown_skill', message: 'No agent of this tenant has this skill.' });
    const settings = await this.settings.get(tenantId);
    const { defaultCountry } = settings;
    const { minRingSeconds } = effectiveCompliance(settings);
    if (input.ringTimeoutSeconds < minRingSeconds) {
      errors.push({
        field: 'ringTimeoutSeconds',
        code: 'below_minimum_ring_time',
        message: `Unanswered calls must ring at least ${minRingSeconds} s (the tenant's minRingSeconds).`,
      });
    }
    errors.push(...this.machinePolicyErrors(input));
    const numbers: string[] = [];
    input.targets.forEach((target, i) => {
      const result = normalizePhoneNumber(target.phoneNumber, defaultCountry);
      if (result.ok) numbers.push(result.e164);
      else errors.push({ field: `targets[${i}].phoneNumber`, code: 'invalid_phone_number', message: result.message });
    });
    if (errors.length) throw new InvalidRequestError(errors.slice(0, 100));

    const autocallId = uuidv7();
    const stopped = await this.stoppedNumbers(tenantId, numbers);
    const erased = await this.erasedNumbers.among(tenantId, numbers);
    const seen = new Set<string>();
    const planned: PlannedTarget[] = input.targets.map((target, position) => {
      const phoneNumber = numbers[position];
      let status: TargetStatus = 'pending';
      let reason: string | null = null;
      if (seen.has(phoneNumber)) [status, reason] = ['skipped', 'duplicate_in_list'];
      else if (stopped.has(phoneNumber) || erased.has(phoneNumber)) [status, reason] = ['skipped', 'do_not_call'];
      seen.add(phoneNumber);
      // An erased number is not stored again, nor what the list says of its subject.
      const forgotten = erased.has(phoneNumber);
      return {
        targetId: uuidv7(),
        position,
        phoneNumber: forgotten ? null : phoneNumber,
        reference: target.reference ?? null,
        data: forgotten ? null : (target.data ?? null),
        timeZone: target.timeZone ?? null,
        status,
        reason,
        contactId: null,
      };
    });
    if (input.mode === 'immediate') await this.guardImmediate(tenantId, input, planned);

    if (input.mode === 'immediate') await this.lines.ensureLive(tenantId);
    const reserved = input.mode === 'immediate' ? await this.reserveImmediate(tenantId, input, planned) : [];
    try {
      const stored = await this.store(tenantId, autocallId, input, planned, keyed, requestHash);
      if ('replay' in stored) {
        // The key's first request committed meanwhile: its answer, exactly; nothing of this one kept.
        await Promise.all(reserved.map((contactId) => this.capacity.release(tenantId, contactId)));
        return { replayed: true, answer: stored.replay.answer as SubmissionAnswer };
      }
      const { autocall, seq, answer } = stored;
      // Dials PostgreSQL found no line for (Redis's view was stale) were stored not dialed.
      const refused = reserved.filter((contactId) => !planned.some((t) => t.contactId === contactId));
      await Promise.all(refused.map((contactId) => this.capacity.release(tenantId, contactId)));
      if (input.mode === 'immediate') await this.queueDials(tenantId, planned);
      // Held targets are queued after the answer: the AutoCall is accepted once it is stored, and
      // the worker re-queues it if this process dies first (autocalls.queued_at stays null).
      else void this.queueHeld(tenantId, { ...autocall, seq }, input, planned);
      return { replayed: false, answer };
    } catch (error) {
      await Promise.all(reserved.map((contactId) => this.capacity.release(tenantId, contactId)));
      throw error;
    }
  }

  /**
   * A number erased after this submission looked its numbers up, before it stored them: with
   * erasures of the tenant held off until this transaction ends (an erasure under way is waited
   * for), its targets are skipped and stored without it, as if it had been erased before.
   */
  private async forgetErasedMeanwhile(tx: Prisma.TransactionClient, tenantId: string, planned: PlannedTarget[]) {
    if (!this.erasedNumbers.configured) return;
    await this.erasedNumbers.holdErasures(tx, tenantId);
    const kept = planned.filter((t): t is PlannedTarget & { phoneNumber: string } => t.phoneNumber !== null);
    const erased = await this.erasedNumbers.among(
      tenantId,
      kept.map((t) => t.phoneNumber),
      tx,
    );
    for (const target of kept.filter((t) => erased.has(t.phoneNumber)))
      Object.assign(target, {
        status: 'skipped',
        reason: 'do_not_call',
        phoneNumber: null,
        data: null,
        contactId: null,
      });
  }

  /**
   * Immediate mode cannot hold a target: one that a compliance guard refuses now (outside its
   * calling window, locked after an abandoned call, out of attempts today) is not dialed, and
   * says which guard refused it.
   */
  private async guardImmediate(tenantId: string, input: SubmitAutoCall, planned: PlannedTarget[]): Promise<void> {
    // Pending targets all have their number (an erased one is skipped).
    const pending = planned.filter(
      (t): t is PlannedTarget & { phoneNumber: string } => t.status === 'pending' && t.phoneNumber !== null,
    );
    const verdicts = await this.compliance.checkMany(tenantId, pending, input.callingWindow ?? null);
    pending.forEach((target, i) => {
      const verdict = verdicts[i];
      if (!verdict.allowed) Object.assign(target, { status: 'not_dialed', reason: verdict.guard });
    });
  }

  /** Immediate mode: one dial per free line and free agent, in list order; the rest not dialed. */
  private async reserveImmediate(tenantId: string, input: SubmitAutoCall, planned: PlannedTarget[]): Promise<string[]> {
    const reserved: string[] = [];
    let refusal: string | null = null;
    for (const target of planned) {
      if (target.status !== 'pending') continue;
      if (!refusal) {
        const contactId = uuidv7();
        const reservation = await this.capacity.reserve(tenantId, contactId, input.skill, input.checks, this.owner);
        if (reservation.ok) {
          reserved.push(contactId);
          Object.assign(target, { status: 'dialing', contactId });
          continue;
        }
        // Lines Redis lost since ensureLive looked a moment ago are, for this submission, lines not free.
        refusal = reservation.reason === 'lines_unknown' ? 'no_free_line' : reservation.reason;
      }
      Object.assign(target, { status: 'not_dialed', reason: refusal });
    }
    return reserved;
  }

  /**
   * One transaction: the key claimed (a replay found instead ends it with nothing written), the
   * AutoCall, its lines and its targets stored, and the answer remembered for the key.
   */
  private async store(
    tenantId: string,
    autocallId: string,
    input: SubmitAutoCall,
    planned: PlannedTarget[],
    keyed: KeyedRequest | null,
    requestHash: string,
    link?: (tx: Prisma.TransactionClient, autocallId: string, targetId: string) => Promise<void>,
  ): Promise<{ replay: StoredAnswer } | { autocall: AutoCallView; seq: bigint; answer: SubmissionAnswer }> {
    return this.prisma.$transaction(
      async (tx) => {
        const replay = keyed ? await this.idempotency.claim(tx, keyed) : null;
        if (replay) return { replay };
        await this.forgetErasedMeanwhile(tx, tenantId, planned);
        const { seq } = await tx.autoCall.create({
          select: { seq: true },
          data: {
            id: autocallId,
            tenantId,
            mode: input.mode,
            skill: input.skill,
            priority: input.priority,
            campaign: input.campaign ?? null,
            checks: input.checks,
            callerId: input.callerId ?? null,
            ringTimeoutSeconds: input.ringTimeoutSeconds,
            callingWindow: input.callingWindow ?? Prisma.DbNull,
            retry: input.retry,
            machine: input.machine,
            machineMessage: input.machineMessage ?? null,
            detectionWaitSeconds: input.detectionWaitSeconds,
            idempotencyKey: keyed?.key ?? null,
            requestHash,
            targetCount: planned.length,
            queuedAt: input.mode === 'immediate' ? new Date() : null,
          },
        });
        await this.takeLines(tx, tenantId, input, planned, link ? 'refuse' : 'not_dial');
        await this.records.insertList(tx, {
          tenantId,
          autocallId,
          skill: input.skill,
          callerId: input.callerId ?? null,
          targets: planned,
        });
        if (link) await link(tx, autocallId, planned[0].targetId);
        const autocall = await this.view(tx, tenantId, autocallId);
        const answer: SubmissionAnswer = {
          ...autocall,
          targets: planned.map(({ data: _data, timeZone: _zone, ...t }) => t),
        };
        if (keyed) await this.idempotency.remember(tx, keyed, { statusCode: 202, answer });
        return { autocall, seq, answer };
      },
      { timeout: 30_000 },
    );
  }

  /**
   * The dials of this submission take their lines in PostgreSQL, which decides (the contacts'
   * trigger refuses a contact without a free line): under the row lock of the tenant's lines, as
   * many as fit, in list order; the rest are not dialed (no_free_line), or, for a callback, the
   * whole submission is refused so that it is tried again later.
   */
  private async takeLines(
    tx: Prisma.TransactionClient,
    tenantId: string,
    input: SubmitAutoCall,
    planned: PlannedTarget[],
    overflow: 'not_dial' | 'refuse',
  ): Promise<void> {
    const dialing = planned.filter((t) => t.status === 'dialing');
    if (!dialing.length) return;
    const [lines] = await tx.$queryRaw<{ free: number }[]>`
      SELECT (capacity
              - (outbound_taken - COALESCE((SELECT sum(f.outbound_freed) FROM line_frees f WHERE f.tenant_id = l.tenant_id), 0))
              - CASE WHEN inbound_until > now() THEN inbound_in_use ELSE 0 END)::int AS free
      FROM line_settings l
      WHERE l.tenant_id = ${tenantId}::uuid FOR UPDATE OF l`;
    const free = Math.max(0, (lines?.free ?? 0) - (input.checks.freeLines?.reserve ?? 0));
    // The tenant's trunks, under their row locks: how many dials with this caller id they can start
    // now (channels, call-rate tokens, pauses); null for a tenant on the default trunk (the line
    // bound only).
    const [trunks] = await tx.$queryRaw<{ room: number | null }[]>`
      SELECT trunk_room(${tenantId}::uuid, ${input.callerId ?? null}::varchar) AS room`;
    const room = trunks?.room ?? null;
    const startable = room === null ? free : Math.min(free, room);
    if (dialing.length <= startable) return;
    const reason = startable < free ? 'no_free_trunk' : 'no_free_line';
    if (overflow === 'refuse') throw new DialRefused(reason);
    for (const target of dialing.slice(startable))
      Object.assign(target, { status: 'not_dialed', reason, contactId: null });
  }

  /**
   * A due callback becomes a one-target sequential AutoCall. With `reservedContact` (a line and the
   * callback's owner, reserved by the caller) its target dials at once, to that agent; without, it
   * is held in the skill's queue like any sequential target. `link` runs in the same transaction
   * (the callback records its AutoCall, or throws when it was cancelled or moved meanwhile, and
   * then nothing is stored and the reservation is released).
   */
  async submitForCallback(
    tenantId: string,
    input: SubmitAutoCall,
    reservedContact: string | null,
    link: (tx: Prisma.TransactionClient, autocallId: string, targetId: string) => Promise<void>,
  ): Promise<AutoCallView> {
    const target = input.targets[0];
    const planned: PlannedTarget[] = [
      {
        targetId: uuidv7(),
        position: 0,
        phoneNumber: target.phoneNumber,
        reference: target.reference ?? null,
        data: target.data ?? null,
        timeZone: target.timeZone ?? null,
        status: reservedContact ? 'dialing' : 'pending',
        reason: null,
        contactId: reservedContact,
      },
    ];
    const requestHash = IdempotentRequests.hashOf(input);
    try {
      const stored = await this.store(tenantId, uuidv7(), input, planned, null, requestHash, link);
      if ('replay' in stored) throw new Error('an AutoCall without an Idempotency-Key cannot be a replay');
      const { autocall, seq } = stored;
      if (reservedContact) {
        await this.queueDials(tenantId, planned);
        // Nothing to hold: it is queued as it is (the janitor must not take it for unqueued).
        await this.prisma.autoCall.update({ where: { id: autocall.id }, data: { queuedAt: new Date() } });
      } else await this.queueHeld(tenantId, { ...autocall, seq }, input, planned);
      return autocall;
    } catch (error) {
      if (reservedContact) await this.capacity.release(tenantId, reservedContact);
      throw error;
    }
  }

  private async queueDials(tenantId: string, planned: PlannedTarget[]): Promise<void> {
    const dials = planned.filter((t) => t.status === 'dialing');
    try {
      await this.queues.dials().addBulk(
        dials.map((t) => ({
          name: 'dial',
          data: { tenantId, contactId: t.contactId! },
          opts: { jobId: t.contactId! },
        })),
      );
    } catch (error) {
      // The worker's janitor queues reserved, unplaced dials again.
      this.logger.warn(`queueing the dials of tenant ${tenantId} failed: ${(error as Error).message}`);
    }
  }

  private async queueHeld(
    tenantId: string,
    autocall: { id: string; seq: bigint },
    input: SubmitAutoCall,
    planned: PlannedTarget[],
  ) {
    try {
      const pool = { tenantId, skill: input.skill };
      const held = planned
        .filter((t) => t.status === 'pending')
        .map((t) => ({
          id: t.targetId,
          attempts: 0,
          data: heldJobData(autocall.seq, t.phoneNumber === null ? null : targetZonesCode(t.phoneNumber, t.timeZone)),
        }));
      await this.queues.holdTargets(pool, input.priority, held);
      await this.prisma.autoCall.update({ where: { id: autocall.id }, data: { queuedAt: new Date() } });
      await this.queues.announcePool(pool);
    } catch (error) {
      this.logger.warn(
        `queueing AutoCall ${autocall.id} in ${heldQueueName({ tenantId, skill: input.skill })} failed; the worker will: ${(error as Error).message}`,
      );
    }
  }

  /**
   * A message for answering machines needs somewhere to play it: over SIP, the announcement server
   * (SIP_ANNOUNCEMENT_URI). Refused at submission rather than silently hung up on.
   */
  private machinePolicyErrors(input: SubmitAutoCall): FieldError[] {
    const errors: FieldError[] = [];
    if (
      input.machine === 'message' &&
      this.config.get('TELEPHONY') === 'sip' &&
      !this.config.get('SIP_ANNOUNCEMENT_URI')
    ) {
      errors.push({
        field: 'machine',
        code: 'announcement_not_configured',
        message: 'No announcement server is configured (SIP_ANNOUNCEMENT_URI): machines can only be hung up on.',
      });
    }
    if (input.machineMessage !== undefined && input.machine !== 'message') {
      errors.push({
        field: 'machineMessage',
        code: 'machine_message_unused',
        message: "A machine message is played only with machine: 'message'.",
      });
    }
    return errors;
  }

  private async stoppedNumbers(tenantId: string, numbers: string[]): Promise<Set<string>> {
    const rows = await this.prisma.$queryRaw<{ phone_number: string }[]>`
      SELECT phone_number FROM call_stops
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ANY(${numbers}::varchar[])
        AND (expires_at IS NULL OR expires_at > now())`;
    return new Set(rows.map((r) => r.phone_number));
  }

  async view(db: Prisma.TransactionClient, tenantId: string, autocallId: string): Promise<AutoCallView> {
    const row = await db.autoCall.findFirst({ where: { id: autocallId, tenantId } });
    if (!row) throw new NotFoundError('not_found', 'No AutoCall with this id.');
    const grouped = await db.target.groupBy({ by: ['status'], where: { autocallId }, _count: { _all: true } });
    const counts = ZERO_COUNTS();
    for (const g of grouped) counts[g.status as TargetStatus] = g._count._all;
    return {
      id: row.id,
      mode: row.mode,
      skill: row.skill,
      status: row.status,
      priority: row.priority,
      campaign: row.campaign ?? row.id,
      checks: row.checks as unknown as DialChecks,
      callerId: row.callerId,
      ringTimeoutSeconds: row.ringTimeoutSeconds,
      callingWindow: row.callingWindow ?? null,
      retry: row.retry,
      machine: row.machine,
      machineMessage: row.machineMessage,
      detectionWaitSeconds: row.detectionWaitSeconds,
      targetCount: row.targetCount,
      counts,
      createdAt: row.createdAt,
      completedAt: row.completedAt,
      cancelledAt: row.cancelledAt,
    };
  }

  /** The AutoCall's targets by disposition code (those that have one). */
  async dispositionCounts(autocallId: string): Promise<Record<string, number>> {
    const grouped = await this.prisma.target.groupBy({
      by: ['disposition'],
      where: { autocallId, disposition: { not: null } },
      _count: { _all: true },
    });
    return Object.fromEntries(grouped.map((g) => [g.disposition as string, g._count._all]));
  }

  async get(tenantId: string, autocallId: string): Promise<AutoCallView> {
    return this.view(this.prisma, tenantId, autocallId);
  }

  async list(
    tenantId: string,
    query: { status?: 'active' | 'completed' | 'cancelled'; campaign?: string; cursor?: string; limit: number },
  ) {
    const before = query.cursor
      ? decodeCursor(query.cursor, (v): v is { id: string } => typeof v.id === 'string').id
      : null;
    const rows = await this.prisma.autoCall.findMany({
      where: {
        tenantId,
        ...(query.status ? { status: query.status } : {}),
        // A campaign by name; an AutoCall's own id names its own campaign when it has no name.
        ...(query.campaign
          ? {
              OR: [
                { campaign: query.campaign },
                ...(UUID.test(query.campaign) ? [{ campaign: null, id: query.campaign }] : []),
              ],
            }
          : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
      select: { id: true },
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return {
      items: await Promise.all(page.map((r) => this.view(this.prisma, tenantId, r.id))),
      nextCursor,
    };
  }

  async targetsOf(tenantId: string, autocallId: string, query: { status?: string; cursor?: string; limit: number }) {
    await this.view(this.prisma, tenantId, autocallId);
    const statuses = query.status ? query.status.split(',') : null;
    if (statuses?.some((s) => !(TARGET_STATUSES as readonly string[]).includes(s))) {
      throw InvalidRequestError.field(
        'query.status',
        'invalid_status',
        `must be one or more of ${TARGET_STATUSES.join(', ')}`,
      );
    }
    const after = query.cursor
      ? decodeCursor(query.cursor, (v): v is { position: number } => typeof v.position === 'number').position
      : -1;
    const rows = await this.prisma.target.findMany({
      where: {
        autocallId,
        position: { gt: after },
        ...(statuses ? { status: { in: statuses as TargetStatus[] } } : {}),
      },
      orderBy: { position: 'asc' },
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ position: last.position }));
    return {
      items: page.map((t) => ({
        targetId: t.id,
        position: t.position,
        phoneNumber: t.phoneNumber,
        reference: t.reference,
        data: t.data,
        status: t.status,
        reason: t.reason,
        disposition: t.disposition,
        attempts: t.attempts,
        lastContactId: t.lastContactId,
        nextAttemptAt: t.nextAttemptAt,
        updatedAt: t.updatedAt,
        completedAt: t.completedAt,
      })),
      nextCursor,
    };
  }

  /** Held targets → cancelled at once; live contacts keep going unless `hangUp` (issue: contacts API). */
  async cancel(tenantId: string, autocallId: string): Promise<AutoCallView> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.autoCall.findFirst({ where: { id: autocallId, tenantId } });
      if (!row) throw new NotFoundError('not_found', 'No AutoCall with this id.');
      if (row.status !== 'active') throw new ConflictError(`This AutoCall is ${row.status} already.`);
      await tx.$executeRaw`UPDATE autocalls SET status = 'cancelled', cancelled_at = now() WHERE id = ${autocallId}::uuid`;
      await this.records.cancelHeld(tx, autocallId);
    });
    const view = await this.get(tenantId, autocallId);
    await this.queues.announcePool({ tenantId, skill: view.skill }).catch(() => undefined);
    return view;
  }
}
