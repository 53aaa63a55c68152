import { PrismaService } from '@autocall/database';
import { SecretBox } from '@autocall/secrets';

export interface RotationCounts {
  /** Secrets looked at. */
  examined: number;
  /** Already sealed under the current key: left as they are. */
  current: number;
  /** Sealed under an older key, sealed again under the current one. */
  resealed: number;
  /** Stored in clear (before secrets were encrypted at rest), now sealed. */
  encrypted: number;
  /** Changed by someone else between the read and the write (rotated, removed): left to them. */
  changedMeanwhile: number;
}

const zero = (): RotationCounts => ({ examined: 0, current: 0, resealed: 0, encrypted: 0, changedMeanwhile: 0 });

/**
 * `secrets:rotate`: every stored secret under the current key of SECRETS_KEYS, in batches (a short
 * statement per row, no long lock). Idempotent: a second run finds every secret current. Each
 * write is conditional on the value read, so a secret rotated through the API meanwhile is not
 * overwritten with its older value. Opening needs every key that sealed something: a secret under
 * a key no longer in the ring stops the run with an error naming the key id.
 */
export async function rotateSecrets(
  prisma: PrismaService,
  box: SecretBox,
  batchSize: number,
): Promise<{ webhookEndpoints: RotationCounts; callStopChecks: RotationCounts }> {
  const tally = (counts: RotationCounts, stored: string | null): string | null => {
    if (stored === null) return null;
    counts.examined++;
    if (box.isCurrent(stored)) {
      counts.current++;
      return null;
    }
    counts[SecretBox.isSealed(stored) ? 'resealed' : 'encrypted']++;
    return box.reseal(stored);
  };

  const webhookEndpoints = zero();
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const rows = await prisma.$queryRaw<{ id: string; secret: string; previous_secret: string | null }[]>`
      SELECT id, secret, previous_secret FROM webhook_endpoints
      WHERE id > ${after}::uuid ORDER BY id LIMIT ${batchSize}`;
    for (const row of rows) {
      const before = { ...webhookEndpoints };
      const secret = tally(webhookEndpoints, row.secret);
      const previous = tally(webhookEndpoints, row.previous_secret);
      if (secret === null && previous === null) continue;
      const updated = await prisma.$executeRaw`
        UPDATE webhook_endpoints
        SET secret = ${secret ?? row.secret}, previous_secret = ${previous ?? row.previous_secret}
        WHERE id = ${row.id}::uuid AND secret = ${row.secret}
          AND previous_secret IS NOT DISTINCT FROM ${row.previous_secret}`;
      if (updated === 0) {
        // Not written: count it as left to whoever changed it, not as resealed or encrypted.
        Object.assign(webhookEndpoints, before, { examined: webhookEndpoints.examined });
        webhookEndpoints.changedMeanwhile++;
      }
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].id;
  }

  const callStopChecks = zero();
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const rows = await prisma.$queryRaw<{ tenant_id: string; secret: string }[]>`
      SELECT tenant_id, settings #>> '{callStopCheck,secret}' AS secret FROM tenant_settings
      WHERE tenant_id > ${after}::uuid AND settings #>> '{callStopCheck,secret}' IS NOT NULL
      ORDER BY tenant_id LIMIT ${batchSize}`;
    for (const row of rows) {
      const before = { ...callStopChecks };
      const secret = tally(callStopChecks, row.secret);
      if (secret === null) continue;
      const updated = await prisma.$executeRaw`
        UPDATE tenant_settings SET settings = jsonb_set(settings, '{callStopCheck,secret}', to_jsonb(${secret}::text))
        WHERE tenant_id = ${row.tenant_id}::uuid AND settings #>> '{callStopCheck,secret}' = ${row.secret}`;
      if (updated === 0) {
        Object.assign(callStopChecks, before, { examined: callStopChecks.examined });
        callStopChecks.changedMeanwhile++;
      }
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].tenant_id;
  }
  return { webhookEndpoints, callStopChecks };
}
