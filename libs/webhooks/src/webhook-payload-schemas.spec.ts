import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { WEBHOOK_PAYLOAD_EXAMPLES } from './webhook-payload-examples';
import { WEBHOOK_PAYLOAD_SCHEMAS, webhookPayloadViolation } from './webhook-payload-schemas';

describe('webhook payload schemas', () => {
  it.each(WEBHOOK_EVENT_TYPES)('%s: its example is exactly what the schema describes', (type) => {
    expect(WEBHOOK_PAYLOAD_EXAMPLES[type].type).toBe(type);
    expect(webhookPayloadViolation(WEBHOOK_PAYLOAD_EXAMPLES[type])).toBeNull();
  });

  it('refuse an unknown type, a wrong type, a missing member and an undeclared one', () => {
    const example = WEBHOOK_PAYLOAD_EXAMPLES['autocall.completed'] as { data: Record<string, unknown> };
    expect(webhookPayloadViolation({ ...example, type: 'autocall.finished' })).toMatch(/unknown event type/);
    expect(webhookPayloadViolation(null)).toMatch(/unknown event type/);
    expect(webhookPayloadViolation({ ...example, type: 'callback.due' })).toMatch(/type|data/);
    const { skill: _skill, ...withoutSkill } = example.data;
    expect(webhookPayloadViolation({ ...example, data: withoutSkill })).toMatch(/data\.skill/);
    expect(webhookPayloadViolation({ ...example, data: { ...example.data, extra: 1 } })).toMatch(/data\.extra/);
    expect(webhookPayloadViolation({ ...example, data: { ...example.data, counts: { pending: 1 } } })).toMatch(
      /counts/,
    );
  });

  it('accept instants as PostgreSQL and JavaScript write them', () => {
    const example = WEBHOOK_PAYLOAD_EXAMPLES['agent.session_terminated'] as { data: Record<string, unknown> };
    for (const at of ['2026-12-01T04:13:36.698Z', '2026-12-01T04:13:36.698+00:00', '2026-12-01T04:13:36+09:00'])
      expect(
        webhookPayloadViolation({ ...example, createdAt: at, data: { ...example.data, startedAt: at } }),
      ).toBeNull();
    expect(webhookPayloadViolation({ ...example, createdAt: '2026-12-01 04:13:36.698+00' })).toMatch(/createdAt/);
  });

  it('are closed objects in JSON Schema', () => {
    for (const schema of Object.values(WEBHOOK_PAYLOAD_SCHEMAS)) {
      const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
      expect(json.additionalProperties).toBe(false);
    }
  });
});
