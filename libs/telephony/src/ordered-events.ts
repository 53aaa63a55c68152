import type { Logger } from '@nestjs/common';
import type { TelephonyEvent, TelephonyListener } from './telephony.port';

/**
 * Hands a call's event to every listener after the call's earlier events: the events of one call
 * reach listeners in order, one at a time (calls do not wait for each other). A listener that
 * fails is logged; the next event still comes.
 */
export function emitInOrder(
  call: { events: Promise<void> },
  listeners: readonly TelephonyListener[],
  event: TelephonyEvent,
  logger: Logger,
): void {
  call.events = call.events.then(async () => {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (error) {
        logger.error(`listener failed on ${event.type} of ${event.callId}: ${(error as Error).message}`);
      }
    }
  });
}
