import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@autocall/secrets';
import { SettingsService } from '@autocall/tenancy';

/**
 * The tenant's own call-stop check endpoint (CT-e1 架電止め), asked right before each sequential
 * dial when the AutoCall enables it: POST {phoneNumber, autocallId, reference}, answered with
 * {"allow": true|false}. With a `secret` in the settings, the request carries
 * `autocall-timestamp` and `autocall-signature: v1,<base64 HMAC-SHA256 of "timestamp.body">`.
 * On a timeout, an error status or an answer without "allow", `onError` decides (skip or dial).
 */
@Injectable()
export class CallStopCheck {
  private readonly logger = new Logger(CallStopCheck.name);

  constructor(
    private readonly settings: SettingsService,
    private readonly box: SecretBox,
  ) {}

  async allows(
    tenantId: string,
    phoneNumber: string,
    context: { autocallId: string; reference: string | null },
  ): Promise<boolean> {
    const { callStopCheck } = await this.settings.get(tenantId);
    if (!callStopCheck) return true;
    const body = JSON.stringify({ phoneNumber, autocallId: context.autocallId, reference: context.reference });
    const timestamp = Math.floor(Date.now() / 1000).toString();
    try {
      // Stored sealed: opened here, to sign. One that cannot be opened (its key left SECRETS_KEYS)
      // is an error of the check: never sent unsigned, onError decides.
      const signature = callStopCheck.secret
        ? createHmac('sha256', this.box.open(callStopCheck.secret)).update(`${timestamp}.${body}`).digest('base64')
        : null;
      const response = await fetch(callStopCheck.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'autocall-timestamp': timestamp, 'autocall-signature': `v1,${signature}` } : {}),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(callStopCheck.timeoutMs),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const answer = (await response.json()) as { allow?: unknown };
      if (typeof answer.allow !== 'boolean') throw new Error('answer without a boolean "allow"');
      return answer.allow;
    } catch (error) {
      this.logger.warn(
        `call-stop check of tenant ${tenantId} failed (${(error as Error).message}); onError=${callStopCheck.onError}`,
      );
      return callStopCheck.onError === 'dial';
    }
  }
}
