import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import { CallRecords, effectiveCompliance } from '@autocall/dialing';
import { SettingsService, TenantSettings } from '@autocall/tenancy';
import { retentionRemovedTotal } from './retention-metrics';
import { effectiveRetentionDays, noneRemoved, RemovedCounts, RetentionKind } from './retention-policy';
import { RetentionSession, RetentionStore } from './retention-store';

/** The period a tenant's pass applies: its retentionDays, or its compliance windows' minimum if longer. */
export function retentionDaysOf(settings: TenantSettings): number {
  return effectiveRetentionDays(settings.retentionDays, effectiveCompliance(settings));
}

export interface RetentionPassResult {
  /** Rows removed by kind, every tenant together. */
  removed: RemovedCounts;
  /** By tenant: the period applied and what was removed. */
  tenants: { tenantId: string; days: number; removed: RemovedCounts }[];
}

/**
 * Retention: removes, tenant by tenant, what is past the tenant's period by PostgreSQL's clock.
 * Each removal is one short statement of at most RETENTION_BATCH_SIZE rows that skips the rows
 * another statement holds, with a pause between batches, on a connection of its own: dialing keeps
 * its connections and its locks. Each statement decides from the rows themselves, so a pass cut
 * short (a crash, a restart, a lock timeout) leaves nothing half done, and the next one goes on.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private stopping = false;
  private readonly removedTotal = retentionRemovedTotal();

  constructor(
    private readonly store: RetentionStore,
    private readonly records: CallRecords,
    private readonly settings: SettingsService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** One pass now, after any pass in progress elsewhere (operators, tests). */
  async runPass(): Promise<RetentionPassResult> {
    const session = (await this.store.open('wait'))!;
    try {
      return await this.pass(session);
    } finally {
      await this.store.close(session);
    }
  }

  /**
   * The scheduled pass: runs when no pass finished within RETENTION_INTERVAL_MINUTES and no other
   * worker is running one; null when it did not run.
   */
  async runIfDue(): Promise<RetentionPassResult | null> {
    const session = await this.store.open('try');
    if (!session) return null;
    try {
      if (!(await session.due(this.config.get('RETENTION_INTERVAL_MINUTES')))) return null;
      return await this.pass(session);
    } finally {
      await this.store.close(session);
    }
  }

  /** A pass in progress stops after its current batch (shutdown). */
  stop(): void {
    this.stopping = true;
  }

  private async pass(session: RetentionSession): Promise<RetentionPassResult> {
    const passId = await session.begin();
    const result: RetentionPassResult = { removed: noneRemoved(), tenants: [] };
    const tenants = await this.prisma.tenant.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    for (const { id: tenantId } of tenants) {
      if (this.stopping) break;
      const days = retentionDaysOf(await this.settings.get(tenantId));
      const removed = await this.passOfTenant(session, tenantId, days);
      result.tenants.push({ tenantId, days, removed });
      for (const [kind, count] of Object.entries(removed) as [RetentionKind, number][]) {
        result.removed[kind] += count;
        if (count) this.removedTotal.inc({ tenant: tenantId, kind }, count);
      }
      if (Object.values(removed).some(Boolean))
        this.logger.log(`retention (${days} days) of tenant ${tenantId}: removed ${JSON.stringify(removed)}`);
    }
    if (!this.stopping) await session.finish(passId, result.removed);
    return result;
  }

  private async passOfTenant(session: RetentionSession, tenantId: string, days: number): Promise<RemovedCounts> {
    const removed = noneRemoved();
    const batch = this.config.get('RETENTION_BATCH_SIZE');
    removed.contacts = await this.drain(() => this.records.removeEndedContacts(session.db, tenantId, days, batch));
    for (const autocallId of await session.finishedAutoCalls(tenantId, days)) {
      if (this.stopping) break;
      removed.targets += await this.drain(() =>
        this.records.anonymiseCompletedTargets(session.db, autocallId, days, batch),
      );
      await this.records.markAnonymised(session.db, autocallId, days);
    }
    removed.callbacks = await this.drain(() => session.anonymiseEndedCallbacks(tenantId, days, batch));
    removed.webhook_events = await this.drain(() => session.removeSettledWebhookEvents(tenantId, days, batch));
    removed.webhook_responses = await this.drain(() => session.removeWebhookResponses(tenantId, days, batch));
    removed.idempotent_answers = await this.drain(() => session.removeIdempotentAnswers(tenantId, days, batch));
    return removed;
  }

  /** Runs a batch until one comes back short, pausing after each batch that removed something. */
  private async drain(batch: () => Promise<number>): Promise<number> {
    const size = this.config.get('RETENTION_BATCH_SIZE');
    let total = 0;
    while (!this.stopping) {
      const removed = await batch();
      total += removed;
      if (removed > 0) await sleep(this.config.get('RETENTION_BATCH_PAUSE_MS'));
      if (removed < size) break;
    }
    return total;
  }
}
