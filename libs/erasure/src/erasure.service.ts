import { Injectable, Logger } from '@nestjs/common';
import { CallbacksService } from '@autocall/callbacks';
import { InvalidRequestError, ServiceUnavailableError } from '@autocall/common';
import { IdempotentRequests, PrismaService } from '@autocall/database';
import { CallRecords, CallStopsService, ContactsService, ErasedNumbers, normalizePhoneNumber } from '@autocall/dialing';
import { SettingsService } from '@autocall/tenancy';
import { WebhookDeliveriesService } from '@autocall/webhooks';
import { EraseDataSubject, ErasureAnswer } from './erasure-schemas';

/**
 * Erasure on request (GDPR art. 17, UK GDPR, APPI): one person's number removed from every row of
 * the tenant that holds it, in one transaction, and kept only as a keyed hash on the do-not-call
 * list so that it is never dialed again. Each aggregate's repository takes the number out of its
 * own rows; this use case holds the tenant's submissions off meanwhile (see ErasedNumbers), then
 * ends the number's live calls. Safe to repeat: a second erasure finds nothing more to remove.
 * Redis holds no number (only ids), so there is nothing to erase there; logs mask numbers.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: SettingsService,
    private readonly erasedNumbers: ErasedNumbers,
    private readonly records: CallRecords,
    private readonly callbacks: CallbacksService,
    private readonly callStops: CallStopsService,
    private readonly webhooks: WebhookDeliveriesService,
    private readonly idempotency: IdempotentRequests,
    private readonly contacts: ContactsService,
  ) {}

  async erase(tenantId: string, input: EraseDataSubject): Promise<ErasureAnswer> {
    if (!this.erasedNumbers.configured)
      throw new ServiceUnavailableError(
        'Erasure needs ERASURE_HASH_KEY (the key of erased numbers on the do-not-call list); ask the operator to set it.',
      );
    const { defaultCountry } = await this.settings.get(tenantId);
    const normalized = normalizePhoneNumber(input.phoneNumber, defaultCountry);
    if (!normalized.ok)
      throw new InvalidRequestError([
        { field: 'phoneNumber', code: 'invalid_phone_number', message: normalized.message },
      ]);
    const number = normalized.e164;
    const done = await this.prisma.$transaction(
      async (tx) => {
        await this.erasedNumbers.holdSubmissions(tx, tenantId);
        const added = await this.erasedNumbers.add(tx, tenantId, number);
        const calls = await this.records.eraseNumber(tx, tenantId, number);
        const callbacks = await this.callbacks.eraseNumber(tx, tenantId, number);
        const callStops = await this.callStops.eraseNumber(tx, tenantId, number);
        const webhooks = await this.webhooks.eraseNumber(tx, tenantId, number);
        const idempotentAnswers = await this.idempotency.eraseNumber(tx, tenantId, number);
        const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
        return { added, calls, callbacks, callStops, webhooks, idempotentAnswers, now };
      },
      { timeout: 60_000 },
    );
    // After the commit: the intents are durable; these only make them quick.
    await this.callbacks.dropCancelled(done.callbacks.cancelled);
    for (const contactId of done.calls.liveContacts)
      await this.contacts
        .end(tenantId, contactId, 'erased')
        .catch((error: unknown) =>
          this.logger.warn(`ending contact ${contactId} of an erasure: ${(error as Error).message}; its keeper will`),
        );
    return {
      erasedAt: done.now.toISOString(),
      alreadyErased: !done.added,
      targetsSkipped: done.calls.targetsSkipped,
      contactsEnded: done.calls.liveContacts.length,
      callbacksCancelled: done.callbacks.cancelled.length,
      rowsErased: {
        targets: done.calls.targets,
        contacts: done.calls.contacts,
        callbacks: done.callbacks.erased,
        callStops: done.callStops,
        webhookEvents: done.webhooks.webhookEvents,
        webhookDeliveryAttempts: done.webhooks.webhookDeliveryAttempts,
        idempotentAnswers: done.idempotentAnswers,
      },
    };
  }
}
