import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@autocall/config';
import { ApiKeysService } from '@autocall/tenancy';

/** Who opened an operator page: its scope, and the API key it was opened with (none for the operator). */
export interface OpsViewer {
  /** 'operator' or a tenant id. */
  scope: string;
  keyId: string | null;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Who may open the operator pages (Bull Board, the live dashboard): an admin or supervisor API key
 * (HTTP Basic with the key as password, or Bearer) sees its own tenant; OPS_USERNAME and
 * OPS_PASSWORD, when set, see every tenant. 401 with a Basic challenge without credentials.
 */
@Injectable()
export class OpsAccess {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  /** 'operator' or a tenant id; otherwise the refusal is sent and null returned. */
  async scopeOf(req: Request, res: Response, page: string): Promise<string | null> {
    return (await this.viewerOf(req, res, page))?.scope ?? null;
  }

  /** The viewer; otherwise the refusal is sent and null returned. */
  async viewerOf(req: Request, res: Response, page: string): Promise<OpsViewer | null> {
    const viewer = await this.authenticate(req.headers.authorization ?? '');
    if (viewer === 'forbidden') {
      this.refuse(res, 403, 'unauthorized', `${page} needs an admin or supervisor key.`);
      return null;
    }
    if (!viewer) {
      this.refuse(res, 401, 'invalid_security_user', `${page} needs credentials.`);
      return null;
    }
    return viewer;
  }

  /** The viewer, 'forbidden', or null (no valid credentials). */
  private async authenticate(header: string): Promise<OpsViewer | 'forbidden' | null> {
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
    if (opsUser && opsPassword && same(user, opsUser) && same(secret, opsPassword)) {
      return { scope: 'operator', keyId: null };
    }
    const caller = /^[A-Za-z0-9_-]+$/.test(secret) ? await this.apiKeys.authenticate(secret) : null;
    if (!caller) return null;
    if (caller.role !== 'admin' && caller.role !== 'supervisor') return 'forbidden';
    return { scope: caller.tenantId, keyId: caller.keyId };
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
}
