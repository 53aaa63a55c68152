import { Injectable } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { CALLBACKS_QUEUE } from '@autocall/callbacks';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import { DIALS_QUEUE, Pool, poolId, Queues, RETRIES_QUEUE } from '@autocall/dialing';
import { ApiKeysService } from '@autocall/tenancy';
import { WEBHOOK_DELIVERIES_QUEUE } from '@autocall/webhooks';

export const BOARD_PATH = '/admin/queues';

type Board = {
  router: (req: Request, res: Response, next: NextFunction) => void;
  addQueue: (q: BullMQAdapter) => void;
  known: Set<string>;
};

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

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

  constructor(
    private readonly queues: Queues,
    private readonly prisma: PrismaService,
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => void this.handle(req, res, next).catch(next);
  }

  private async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const scope = await this.authenticate(req.headers.authorization ?? '');
    if (scope === 'forbidden')
      return this.refuse(res, 403, 'unauthorized', 'Bull Board needs an admin or supervisor key.');
    if (!scope) return this.refuse(res, 401, 'invalid_security_user', 'Bull Board needs credentials.');
    const board = await this.board(scope);
    board.router(req, res, next);
  }

  /** 'operator', a tenant id, 'forbidden', or null (no valid credentials). */
  private async authenticate(header: string): Promise<string | null> {
    let secret: string | null = null;
    let user = '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      [user, secret] = colon < 0 ? ['', decoded] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    } else if (header.startsWith('Bearer ')) {
      secret = header.slice(7);
    }
    if (!secret || secret.length > 200) return null;
    const opsUser = this.config.get('OPS_USERNAME');
    const opsPassword = this.config.get('OPS_PASSWORD');
    if (opsUser && opsPassword && same(user, opsUser) && same(secret, opsPassword)) return 'operator';
    const caller = /^[A-Za-z0-9_-]+$/.test(secret) ? await this.apiKeys.authenticate(secret) : null;
    if (!caller) return null;
    return caller.role === 'admin' || caller.role === 'supervisor' ? caller.tenantId : 'forbidden';
  }

  private refuse(res: Response, status: number, code: string, detail: string): void {
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="AutoCall operations", charset="UTF-8"');
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `urn:autocall:problem:${code}`,
          title: status === 401 ? 'Invalid security user' : 'Unauthorized',
          status,
          code,
          detail,
        }),
      );
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
      board.addQueue(new BullMQAdapter(this.queues.held(pool), await this.describe(pool, scope === 'operator')));
    }
    return board;
  }

  private async describe(pool: Pool, withTenant: boolean) {
    const tenant = withTenant
      ? await this.prisma.tenant.findUnique({ where: { id: pool.tenantId }, select: { name: true } })
      : null;
    return {
      displayName: `Held targets · ${tenant ? `${tenant.name} · ` : ''}${pool.skill}`,
      description: `Targets of sequential AutoCalls waiting for a free line and agent (skill ${pool.skill})`,
      readOnlyMode: true,
    };
  }
}
