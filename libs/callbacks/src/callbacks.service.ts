import { Injectable, Logger } from '@nestjs/common';
import {
  Clock,
  ConflictError,
  decodeCursor,
  FieldError,
  InvalidRequestError,
  NotFoundError,
  pageOf,
  uuidv7,
} from '@autocall/common';
import { Callback, IdempotentRequests, KeyedRequest, Prisma, PrismaService } from '@autocall/database';
import { CallRecords, ErasedNumbers, normalizePhoneNumber } from '@autocall/dialing';
import { SettingsService } from '@autocall/tenancy';
import { CallbackQueue } from './callback-queue';
import { checkScheduledAt, resolveScheduledAt } from './callback-schedule';
import { CreateCallback, ListCallbacks, UpdateCallback } from './callback-schemas';

export const OPEN_CALLBACK_STATUSES = ['scheduled', 'waiting', 'queued'] as const;

const notFound = () => new NotFoundError('not_found', 'No callback with this id.');

/** Scheduled callbacks: the API's side (create, read, reschedule, cancel). */
/** A callback to a number erased on request is refused: it is never called again. */
const ERASED = (field: string): FieldError => ({
  field,
  code: 'number_erased',
  message: 'This number was erased on request and is on the do-not-call list for good.',
});

@Injectable()
export class CallbacksService {
  private readonly logger = new Logger(CallbacksService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: SettingsService,
    private readonly queue: CallbackQueue,
    private readonly clock: Clock,
    private readonly records: CallRecords,
    private readonly idempotency: IdempotentRequests,
    private readonly erasedNumbers: ErasedNumbers,
  ) {}

  /** Schedules a callback; with an Idempotency-Key, the first answer is replayed. */
  async create(tenantId: string, input: CreateCallback, idempotencyKey: string | null = null) {
    const keyed: KeyedRequest | null = idempotencyKey
      ? { tenantId, operation: 'callbacks.create', key: idempotencyKey, body: input }
      : null;
    const earlier = keyed ? await this.idempotency.peek(keyed) : null;
    if (earlier) return { replayed: true, answer: earlier.answer as ReturnType<typeof view> };
    const now = this.clock.now();
    const settings = await this.settings.get(tenantId);
    const errors: FieldError[] = [];
    let phoneNumber: string | null = null;
    if (input.contactId) {
      const contact = await this.prisma.contact.findFirst({ where: { id: input.contactId, tenantId } });
      if (!contact) errors.push({ field: 'contactId', code: 'unknown_contact', message: 'No contact with this id.' });
      else if (contact.phoneNumber === null && input.phoneNumber === undefined) errors.push(ERASED('contactId'));
      else phoneNumber = contact.phoneNumber;
    }
    if (input.phoneNumber !== undefined) {
      const result = normalizePhoneNumber(input.phoneNumber, settings.defaultCountry);
      if (result.ok) phoneNumber = result.e164;
      else errors.push({ field: 'phoneNumber', code: 'invalid_phone_number', message: result.message });
    }
    if (phoneNumber && (await this.erasedNumbers.among(tenantId, [phoneNumber])).size > 0) {
      errors.push(ERASED(input.phoneNumber !== undefined ? 'phoneNumber' : 'contactId'));
      phoneNumber = null;
    }
    errors.push(...(await this.checkSkillAndOwner(tenantId, input.skill, input.ownerAgentId ?? null)));
    const scheduledAt = this.scheduledAt(
      input,
      now,
      !!input.ownerAgentId,
      settings.callbackOwnedMaxAheadSeconds,
      errors,
    );
    if (errors.length || !scheduledAt || !phoneNumber) throw new InvalidRequestError(errors);

    const window = input.ownershipWindowSeconds ?? settings.callbackOwnershipWindowSeconds;
    const stored = await this.prisma.$transaction(async (tx) => {
      const replay = keyed ? await this.idempotency.claim(tx, keyed) : null;
      if (replay) return { replay, created: null };
      if (input.contactId) {
        // One open callback per contact: the contact row serializes concurrent requests.
        await tx.$queryRaw`SELECT id FROM contacts WHERE id = ${input.contactId}::uuid FOR UPDATE`;
        const open = await tx.callback.findFirst({
          where: { tenantId, contactId: input.contactId, status: { in: [...OPEN_CALLBACK_STATUSES] } },
        });
        if (open) throw new ConflictError(`This contact has an open callback already (${open.id}).`);
      }
      const created = await tx.callback.create({
        data: {
          id: uuidv7(),
          tenantId,
          phoneNumber: phoneNumber!,
          contactId: input.contactId ?? null,
          skill: input.skill,
          scheduledAt,
          timeZone: input.timeZone ?? null,
          ownerAgentId: input.ownerAgentId ?? null,
          ownerUntil: input.ownerAgentId ? new Date(scheduledAt.getTime() + window * 1_000) : null,
          callerId: input.callerId ?? null,
          callerName: input.callerName ?? null,
          data: (input.data as Prisma.InputJsonValue) ?? Prisma.JsonNull,
        },
      });
      if (keyed) {
        await this.idempotency.remember(tx, keyed, {
          statusCode: 201,
          answer: view(created),
        });
      }
      return { replay: null, created };
    });
    if (!stored.created) return { replayed: true, answer: stored.replay!.answer as ReturnType<typeof view> };
    await this.hold(stored.created);
    return { replayed: false, answer: view(stored.created) };
  }

  /**
   * The callback a `callback` disposition schedules, in the disposition's transaction (which holds
   * the contact's lock); validated by the caller. Held in its queue by `holdById` after the commit
   * (the worker's sweep holds a scheduled callback whose job is missing).
   */
  async scheduleFromDisposition(
    tx: Prisma.TransactionClient,
    plan: {
      tenantId: string;
      contactId: string;
      phoneNumber: string;
      skill: string;
      scheduledAt: Date;
      timeZone: string | null;
      ownerAgentId: string | null;
      ownerUntil: Date | null;
    },
  ): Promise<Callback> {
    return tx.callback.create({ data: { id: uuidv7(), ...plan } });
  }

  async holdById(id: string): Promise<void> {
    const row = await this.prisma.callback.findUnique({ where: { id } });
    if (row) await this.hold(row);
  }

  async list(tenantId: string, query: ListCallbacks) {
    const after = query.cursor
      ? decodeCursor(
          query.cursor,
          (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string',
        )
      : undefined;
    const rows = await this.prisma.callback.findMany({
      where: {
        tenantId,
        ...(query.status ? { status: { in: query.status } } : {}),
        ...(query.ownerAgentId ? { ownerAgentId: query.ownerAgentId } : {}),
        AND: [
          query.dueFrom ? { scheduledAt: { gte: query.dueFrom } } : {},
          query.dueTo ? { scheduledAt: { lt: query.dueTo } } : {},
          after
            ? {
                OR: [
                  { scheduledAt: { gt: new Date(after.at) } },
                  { scheduledAt: new Date(after.at), id: { gt: after.id } },
                ],
              }
            : {},
        ],
      },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({
      at: last.scheduledAt.toISOString(),
      id: last.id,
    }));
    return { items: page.map(view), nextCursor };
  }

  async get(tenantId: string, id: string) {
    return view(await this.find(tenantId, id));
  }

  /** Reschedule, change or remove the owner: while the callback is not dialed yet. */
  async update(tenantId: string, id: string, input: UpdateCallback) {
    const now = this.clock.now();
    const settings = await this.settings.get(tenantId);
    const current = await this.find(tenantId, id);
    const ownerAgentId = input.ownerAgentId !== undefined ? input.ownerAgentId : current.ownerAgentId;
    const errors: FieldError[] = [];
    if (input.ownerAgentId)
      errors.push(...(await this.checkSkillAndOwner(tenantId, current.skill, input.ownerAgentId)));
    const scheduledAt =
      input.scheduledAt !== undefined
        ? this.scheduledAt(
            { scheduledAt: input.scheduledAt, timeZone: input.timeZone ?? undefined },
            now,
            !!ownerAgentId,
            settings.callbackOwnedMaxAheadSeconds,
            errors,
          )
        : current.scheduledAt;
    if (input.scheduledAt === undefined && ownerAgentId && !current.ownerAgentId) {
      errors.push(
        ...checkScheduledAt(current.scheduledAt, now, true, {
          ownedMaxAheadSeconds: settings.callbackOwnedMaxAheadSeconds,
        }),
      );
    }
    if (errors.length || !scheduledAt) throw new InvalidRequestError(errors);
    const window =
      input.ownershipWindowSeconds ??
      (current.ownerUntil && current.ownerAgentId
        ? Math.round((current.ownerUntil.getTime() - current.scheduledAt.getTime()) / 1_000)
        : settings.callbackOwnershipWindowSeconds);

    const updated = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string; version: number }[]>`
        SELECT status::text AS status, version FROM callbacks WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.status !== 'scheduled' && locked.status !== 'waiting') {
        throw new ConflictError(`This callback is ${locked.status}; only a scheduled callback can be changed.`);
      }
      return tx.callback.update({
        where: { id },
        data: {
          status: 'scheduled',
          version: locked.version + 1,
          scheduledAt,
          ...(input.timeZone !== undefined || input.scheduledAt !== undefined
            ? { timeZone: input.timeZone ?? (input.scheduledAt !== undefined ? null : current.timeZone) }
            : {}),
          ownerAgentId,
          ownerUntil: ownerAgentId ? new Date(scheduledAt.getTime() + window * 1_000) : null,
          ...(input.callerId !== undefined ? { callerId: input.callerId } : {}),
          ...(input.callerName !== undefined ? { callerName: input.callerName } : {}),
          ...(input.data !== undefined ? { data: (input.data as Prisma.InputJsonValue) ?? Prisma.JsonNull } : {}),
          dueAt: null,
          updatedAt: new Date(),
        },
      });
    });
    await this.queue.drop(id, updated.version - 1);
    await this.hold(updated);
    return view(updated);
  }

  /**
   * Cancels a callback that is not dialed yet: scheduled, waiting for its owner, or held in the
   * skill's queue (its target is cancelled in the same transaction, locked against the dispatcher,
   * so a successful cancel is never followed by a dial). 409 once its call is placed or it ended.
   */
  async cancel(tenantId: string, id: string) {
    const row = await this.find(tenantId, id);
    await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string; version: number; target_id: string | null }[]>`
        SELECT status::text AS status, version, target_id FROM callbacks WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.status === 'scheduled' || locked.status === 'waiting') {
        await tx.callback.update({
          where: { id },
          data: { status: 'cancelled', version: locked.version + 1, endedAt: new Date(), updatedAt: new Date() },
        });
        return;
      }
      if (locked.status === 'queued' && locked.target_id) {
        // Cancelled with its AutoCall, unless the dispatcher took it meanwhile (see cancelCallbackTarget).
        if (await this.records.cancelCallbackTarget(tx, locked.target_id)) return;
      }
      throw new ConflictError(
        locked.status === 'queued'
          ? 'This callback is being dialed; end its contact instead.'
          : `This callback is ${locked.status} already.`,
      );
    });
    await this.queue.drop(id, row.version);
    return this.get(tenantId, id);
  }

  private async find(tenantId: string, id: string): Promise<Callback> {
    const row = await this.prisma.callback.findFirst({ where: { tenantId, id } });
    if (!row) throw notFound();
    return row;
  }

  private async hold(row: Callback): Promise<void> {
    try {
      await this.queue.hold({ tenantId: row.tenantId, callbackId: row.id, version: row.version }, row.scheduledAt);
    } catch (error) {
      // Stored is scheduled: the worker's sweep holds it from PostgreSQL.
      this.logger.warn(`holding callback ${row.id} failed; the worker will: ${(error as Error).message}`);
    }
  }

  private scheduledAt(
    input: { scheduledAt?: string; timeZone?: string },
    now: Date,
    owned: boolean,
    ownedMaxAheadSeconds: number,
    errors: FieldError[],
  ): Date | null {
    const resolved = resolveScheduledAt(input, now);
    if (!resolved.ok) {
      errors.push({ field: resolved.field, code: resolved.code, message: resolved.message });
      return null;
    }
    errors.push(...checkScheduledAt(resolved.at, now, owned, { ownedMaxAheadSeconds }));
    return resolved.at;
  }

  private async checkSkillAndOwner(
    tenantId: string,
    skill: string,
    ownerAgentId: string | null,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const known = await this.prisma.skill.findUnique({ where: { tenantId_name: { tenantId, name: skill } } });
    if (!known)
      errors.push({ field: 'skill', code: 'unknown_skill', message: 'No agent of this tenant has this skill.' });
    if (ownerAgentId) {
      const agent = await this.prisma.agent.findUnique({ where: { tenantId_id: { tenantId, id: ownerAgentId } } });
      if (!agent) errors.push({ field: 'ownerAgentId', code: 'unknown_agent', message: 'No agent with this id.' });
      else if (!agent.skills.includes(skill)) {
        errors.push({ field: 'ownerAgentId', code: 'lacks_skill', message: 'This agent does not have the skill.' });
      }
    }
    return errors;
  }

  /**
   * Erasure on request, in the erasure's transaction: the number's callbacks not due yet or waiting
   * for their owner are cancelled, and every callback of the tenant loses the number and its data
   * (a queued one's target is skipped by CallRecords.eraseNumber, and the callback follows it).
   * Returns the cancelled ones with their new version, whose held jobs the caller drops after commit.
   */
  async eraseNumber(
    tx: Prisma.TransactionClient,
    tenantId: string,
    phoneNumber: string,
  ): Promise<{ cancelled: { id: string; version: number }[]; erased: number }> {
    const cancelled = await tx.$queryRaw<{ id: string; version: number }[]>`
      UPDATE callbacks SET status = 'cancelled', version = version + 1, ended_at = now(), updated_at = now(),
                           phone_number = NULL, data = NULL
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber} AND status IN ('scheduled', 'waiting')
      RETURNING id, version`;
    const rest = await tx.$executeRaw`
      UPDATE callbacks SET phone_number = NULL, data = NULL
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber}`;
    const mentions = await tx.$executeRaw`
      UPDATE callbacks SET data = erase_number_in(data::text, ${phoneNumber})::jsonb
      WHERE tenant_id = ${tenantId}::uuid AND data::text LIKE ${`%${phoneNumber.slice(1)}%`}`;
    return { cancelled, erased: cancelled.length + rest + mentions };
  }

  /** Drops the held jobs of callbacks an erasure cancelled (a stale job would find them cancelled anyway). */
  async dropCancelled(cancelled: { id: string; version: number }[]): Promise<void> {
    await Promise.all(cancelled.map((c) => this.queue.drop(c.id, c.version - 1)));
  }
}

export function view(row: Callback) {
  return {
    id: row.id,
    status: row.status,
    phoneNumber: row.phoneNumber,
    contactId: row.contactId,
    skill: row.skill,
    scheduledAt: row.scheduledAt,
    timeZone: row.timeZone,
    ownerAgentId: row.ownerAgentId,
    ownerUntil: row.ownerUntil,
    callerId: row.callerId,
    callerName: row.callerName,
    data: row.data,
    autocallId: row.autocallId,
    targetId: row.targetId,
    outcome: row.outcome,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    dueAt: row.dueAt,
    endedAt: row.endedAt,
  };
}
