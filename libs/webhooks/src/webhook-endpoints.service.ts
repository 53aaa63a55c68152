import { Injectable } from '@nestjs/common';
import { decodeCursor, InvalidRequestError, NotFoundError, pageOf, uuidv7 } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { PrismaService, WebhookEndpoint } from '@autocall/database';
import { SecretBox } from '@autocall/secrets';
import { DestinationPolicy, RefusedDestinationError } from './destination-policy';
import { generateWebhookSecret } from './webhook-signature';
import { CreateWebhookEndpoint, UpdateWebhookEndpoint } from './webhook-schemas';

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  /** Until when the previous secret still signs, after a rotation. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const notFound = () => new NotFoundError('not_found', 'No webhook endpoint with this id.');

/**
 * A tenant's webhook endpoints and their signing secrets (shown once, at creation and rotation;
 * stored sealed by the SecretBox, opened only by the worker's outbox to sign).
 */
@Injectable()
export class WebhookEndpointsService {
  private readonly policy: DestinationPolicy;

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
    private readonly box: SecretBox,
  ) {
    this.policy = new DestinationPolicy(config.get('WEBHOOK_ALLOWED_NETWORKS'));
  }

  async create(tenantId: string, input: CreateWebhookEndpoint): Promise<WebhookEndpointView & { secret: string }> {
    await this.checkDestination(input.url);
    const secret = generateWebhookSecret();
    const row = await this.prisma.webhookEndpoint.create({
      data: {
        id: uuidv7(),
        tenantId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: input.eventTypes,
        secret: this.box.seal(secret),
      },
    });
    return { ...view(row), secret };
  }

  async list(tenantId: string, query: { cursor?: string; limit: number }) {
    const after = query.cursor
      ? decodeCursor(query.cursor, (v): v is { after: string } => typeof v.after === 'string').after
      : undefined;
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ after: last.id }));
    return { items: page.map(view), nextCursor };
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointView> {
    return view(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, input: UpdateWebhookEndpoint): Promise<WebhookEndpointView> {
    await this.find(tenantId, id);
    if (input.url !== undefined) await this.checkDestination(input.url);
    const row = await this.prisma.webhookEndpoint.update({
      where: { id },
      data: {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled !== undefined
          ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'by_request' }
          : {}),
        updatedAt: new Date(),
      },
    });
    return view(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { tenantId, id } });
    if (count === 0) throw notFound();
  }

  /** A new secret; the previous one keeps signing alongside it for `previousSecretValidSeconds`. */
  async rotateSecret(
    tenantId: string,
    id: string,
    previousSecretValidSeconds: number,
  ): Promise<WebhookEndpointView & { secret: string }> {
    const current = await this.find(tenantId, id);
    const secret = generateWebhookSecret();
    const row = await this.prisma.webhookEndpoint.update({
      where: { id },
      data: {
        secret: this.box.seal(secret),
        // Sealed as stored (a legacy secret in clear, or one under an older key, sealed anew).
        previousSecret: previousSecretValidSeconds > 0 ? this.box.reseal(current.secret) : null,
        previousSecretExpiresAt:
          previousSecretValidSeconds > 0 ? new Date(Date.now() + previousSecretValidSeconds * 1_000) : null,
        updatedAt: new Date(),
      },
    });
    return { ...view(row), secret };
  }

  private async find(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const row = await this.prisma.webhookEndpoint.findFirst({ where: { tenantId, id } });
    if (!row) throw notFound();
    return row;
  }

  private async checkDestination(url: string): Promise<void> {
    try {
      await this.policy.assertPermitted(new URL(url));
    } catch (error) {
      if (error instanceof RefusedDestinationError) {
        throw InvalidRequestError.field(
          'url',
          'destination_refused',
          'This URL resolves to a private, loopback or link-local address; webhooks are not sent there.',
        );
      }
      throw InvalidRequestError.field('url', 'unresolvable_host', 'The host of this URL does not resolve.');
    }
  }
}

function view(row: WebhookEndpoint): WebhookEndpointView {
  const previousValid = row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    previousSecretExpiresAt: previousValid ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
