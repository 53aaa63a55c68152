import { Injectable } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { CALLBACKS_QUEUE } from '@autocall/callbacks';
import { PrismaService } from '@autocall/database';
import {
  DIALS_QUEUE,
  autocallOfHeldKey,
  heldAutocallKey,
  heldJobData,
  HeldTargetJob,
  heldTargetId,
  Pool,
  poolId,
  Queues,
  RETRIES_QUEUE,
} from '@autocall/dialing';
import { WEBHOOK_DELIVERIES_QUEUE } from '@autocall/webhooks';
import { OpsAccess } from './ops-access';

export const BOARD_PATH = '/admin/queues';

type Board = {
  router: (req: Request, res: Response, next: NextFunction) => void;
  addQueue: (q: BullMQAdapter) => void;
  known: Set<string>;
};

/**
 * Bull Board for operators, at /admin/queues, behind authentication (401 without it):
 * - an admin or supervisor API key (HTTP Basic with the key as password, or Bearer) opens its
 *   tenant's board: the held targets of its pools;
 * - OPS_USERNAME / OPS_PASSWORD, when set, open the service operator's board: every queue.
 * Job data carries ids only, never phone numbers.
 */
@Injectable()
export class QueueBoard {
  private readonly boards = new Map<string, Board>();
  /** Each scope's active AutoCalls by the key their held jobs name them by (heldAutocallKey). */
  private readonly autocallIds = new Map<string, Map<string, string>>();

  constructor(
    private readonly queues: Queues,
    private readonly prisma: PrismaService,
    private readonly access: OpsAccess,
  ) {}

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => void this.handle(req, res, next).catch(next);
  }

  private async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const scope = await this.access.scopeOf(req, res, 'Bull Board');
    if (!scope) return;
    const board = await this.board(scope);
    // The board asks for jobs through its API: the AutoCalls they name are looked up first (a
    // job's formatter cannot wait on PostgreSQL).
    if (req.path.startsWith('/api/')) await this.learnAutocalls(scope);
    board.router(req, res, next);
  }

  /** The board of a scope, with the queues that exist now (pools appear as AutoCalls arrive). */
  private async board(scope: string): Promise<Board> {
    let board = this.boards.get(scope);
    if (!board) {
      const serverAdapter = new ExpressAdapter();
      serverAdapter.setBasePath(BOARD_PATH);
      const { addQueue } = createBullBoard({
        queues: [],
        serverAdapter,
        options: { uiConfig: { boardTitle: scope === 'operator' ? 'AutoCall · all tenants' : 'AutoCall' } },
      });
      board = { router: serverAdapter.getRouter(), addQueue, known: new Set() };
      this.boards.set(scope, board);
      if (scope === 'operator') {
        addQueue(new BullMQAdapter(this.queues.dials(), { displayName: 'Dials being placed', readOnlyMode: true }));
        addQueue(
          new BullMQAdapter(this.queues.retries(), {
            displayName: 'Retries waiting for their time',
            readOnlyMode: true,
          }),
        );
        addQueue(
          new BullMQAdapter(this.queues.queue(WEBHOOK_DELIVERIES_QUEUE), {
            displayName: 'Webhook deliveries (attempts due and retries)',
            readOnlyMode: true,
          }),
        );
        addQueue(
          new BullMQAdapter(this.queues.queue(CALLBACKS_QUEUE), {
            displayName: 'Scheduled callbacks (until due, or waiting for their owner)',
            readOnlyMode: true,
          }),
        );
        board.known.add(DIALS_QUEUE).add(RETRIES_QUEUE).add(WEBHOOK_DELIVERIES_QUEUE).add(CALLBACKS_QUEUE);
      }
    }
    const pools = (await this.queues.pools()).filter((p) => scope === 'operator' || p.tenantId === scope);
    for (const pool of pools) {
      if (board.known.has(poolId(pool))) continue;
      board.known.add(poolId(pool));
      const adapter = new BullMQAdapter(this.queues.held(pool), await this.describe(pool, scope === 'operator'));
      // A held job names its AutoCall by its submission number and its target in its id
      // (Queues.holdTargets): the board shows them as the API names them.
      adapter.setFormatter('data', (data: HeldTargetJob) => {
        const key = heldAutocallKey(data);
        const named = autocallOfHeldKey(key);
        const autocallId = 'id' in named ? named.id : this.autocallIds.get(scope)?.get(key);
        return autocallId
          ? { tenantId: pool.tenantId, autocallId }
          : { tenantId: pool.tenantId, autocallSeq: String((named as { seq: bigint }).seq) };
      });
      adapter.setFormatter('name', (job: { id?: string }) => (job.id ? `target ${heldTargetId(job.id)}` : 'target'));
      board.addQueue(adapter);
    }
    return board;
  }

  /** The scope's active AutoCalls, by the key their held jobs name them by. */
  private async learnAutocalls(scope: string): Promise<void> {
    const rows = await this.prisma.autoCall.findMany({
      where: { status: 'active', ...(scope === 'operator' ? {} : { tenantId: scope }) },
      select: { id: true, seq: true },
    });
    this.autocallIds.set(scope, new Map(rows.map((row) => [heldJobData(row.seq), row.id])));
  }

  private async describe(pool: Pool, withTenant: boolean) {
    const tenant = withTenant
      ? await this.prisma.tenant.findUnique({ where: { id: pool.tenantId }, select: { name: true } })
      : null;
    return {
      displayName: `Held targets · ${tenant ? `${tenant.name} · ` : ''}${pool.skill}`,
      // Every tenant's pool of a skill has the same queue name: the board tells them apart by tenant.
      prefix: `${pool.tenantId}:`,
      description: `Targets of sequential AutoCalls waiting for a free line and agent (skill ${pool.skill})`,
      readOnlyMode: true,
    };
  }
}
