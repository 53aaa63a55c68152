import { auditEntryOf, AnsweredRequest } from './audit-entry';

const CALLBACK_ID = '01a1fcc3-2f10-7000-8a51-0c2d6f7e0b33';
const request = (over: Partial<AnsweredRequest>): AnsweredRequest => ({
  method: 'POST',
  route: '/v1/callbacks',
  params: {},
  status: 201,
  replayed: false,
  answer: undefined,
  ...over,
});

describe('the audit entry of a request', () => {
  it('names the declared action, its resource type, and the id of the resource created', () => {
    const entry = auditEntryOf(
      request({ action: 'callback.scheduled', answer: { id: CALLBACK_ID, phoneNumber: '+81312345678' } }),
    );
    expect(entry).toEqual({
      action: 'callback.scheduled',
      method: 'POST',
      route: '/v1/callbacks',
      resourceType: 'callback',
      resourceId: CALLBACK_ID,
      status: 201,
    });
  });

  it('takes the id from the path parameter that names one, written as an OpenAPI template', () => {
    const entry = auditEntryOf(
      request({
        route: '/v1/agents/:agentId/session',
        params: { agentId: 'aiko' },
        action: 'agent.logged_in',
        answer: { sessionId: CALLBACK_ID },
      }),
    );
    expect(entry).toMatchObject({ route: '/v1/agents/{agentId}/session', resourceType: 'agent', resourceId: 'aiko' });
  });

  it('never records a phone number: not from the path, not from the answer, not hidden in an id', () => {
    const stop = auditEntryOf(
      request({ method: 'DELETE', route: '/v1/call-stops/:phoneNumber', params: { phoneNumber: '+81312345678' } }),
    );
    expect(stop).toMatchObject({ resourceType: 'call_stop', resourceId: null, route: '/v1/call-stops/{phoneNumber}' });
    expect(auditEntryOf(request({ route: '/v1/call-stops', answer: { phoneNumber: '+81312345678' } }))).toMatchObject({
      resourceId: null,
    });
    const agent = auditEntryOf(
      request({ method: 'PUT', route: '/v1/agents/:agentId', params: { agentId: '81312345678' } }),
    );
    expect(agent?.resourceId).toBeNull();
  });

  it('falls back to the method and route template, and the collection as resource type, for an undeclared route', () => {
    const entry = auditEntryOf(request({ route: '/v1/data-subjects/erase', status: 202, answer: { erased: 3 } }));
    expect(entry).toMatchObject({
      action: 'POST /v1/data-subjects/erase',
      resourceType: 'data_subject',
      resourceId: null,
    });
    expect(
      auditEntryOf(request({ route: '/v1/webhook-deliveries/:id/retry', params: { id: CALLBACK_ID } })),
    ).toMatchObject({
      resourceType: 'webhook_delivery',
      resourceId: CALLBACK_ID,
    });
  });

  it('records nothing for reads, failures, replays, or routes outside /v1', () => {
    expect(auditEntryOf(request({ method: 'GET', status: 200 }))).toBeNull();
    expect(auditEntryOf(request({ status: 409 }))).toBeNull();
    expect(auditEntryOf(request({ replayed: true }))).toBeNull();
    expect(auditEntryOf(request({ route: '/admin/queues/api/queues/pause' }))).toBeNull();
  });
});
