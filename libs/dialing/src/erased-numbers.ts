import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { Prisma, PrismaService } from '@autocall/database';

/** A statement runner: the service's own connection, or a transaction a check joins. */
type Db = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

/**
 * The part of a tenant's do-not-call list that no one can read back: numbers erased on request,
 * kept only as HMAC-SHA256 hashes under ERASURE_HASH_KEY (its own key, never rotated, so the same
 * number always has the same hash). A submission looks its numbers up here and stores a match
 * without its number.
 */
@Injectable()
export class ErasedNumbers {
  private readonly key: Buffer | undefined;

  constructor(
    config: AppConfig,
    private readonly prisma: PrismaService,
  ) {
    this.key = config.get('ERASURE_HASH_KEY');
  }

  /** Whether numbers can be erased here (ERASURE_HASH_KEY is set). */
  get configured(): boolean {
    return this.key !== undefined;
  }

  /** The number's keyed hash (lowercase hex); null without a key. */
  hashOf(phoneNumber: string): string | null {
    return this.key ? createHmac('sha256', this.key).update(phoneNumber).digest('hex') : null;
  }

  /**
   * The numbers among `numbers` (E.164) erased by the tenant. Without a key none can have been:
   * every hash is made with it.
   */
  async among(tenantId: string, numbers: readonly string[], db: Db = this.prisma): Promise<Set<string>> {
    if (!this.key || numbers.length === 0) return new Set();
    const byHash = new Map<string, string>();
    for (const number of numbers) byHash.set(this.hashOf(number)!, number);
    const rows = await db.$queryRaw<{ number_hash: string }[]>`
      SELECT number_hash FROM erased_numbers
      WHERE tenant_id = ${tenantId}::uuid AND number_hash = ANY(${[...byHash.keys()]}::char(64)[])`;
    return new Set(rows.map((row) => byHash.get(row.number_hash)!));
  }

  /** Keeps the number's hash on the list; false when it was there already. */
  async add(db: Db, tenantId: string, phoneNumber: string): Promise<boolean> {
    const hash = this.hashOf(phoneNumber);
    if (!hash) throw new Error('ERASURE_HASH_KEY is not set');
    const added = await db.$executeRaw`
      INSERT INTO erased_numbers (tenant_id, number_hash) VALUES (${tenantId}::uuid, ${hash})
      ON CONFLICT DO NOTHING`;
    return added > 0;
  }

  /**
   * Holds erasures of the tenant off until the transaction `db` ends (a submission's): an erasure
   * waits for the submissions under way and they for it, so a number erased meanwhile is either
   * seen by the submission or found by the erasure, never stored in clear after it.
   */
  async holdErasures(db: Db, tenantId: string): Promise<void> {
    await db.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId}::uuid FOR SHARE`;
  }

  /** An erasure waits for the tenant's submissions under way and holds new ones off (see holdErasures). */
  async holdSubmissions(db: Db, tenantId: string): Promise<void> {
    await db.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId}::uuid FOR NO KEY UPDATE`;
  }
}
