import { PrismaService } from '../../libs/database/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

/**
 * /v1/trunks: a tenant's carriers, admin only; bad input answers problem+json with a field per
 * error; the password is sealed at rest and never answered; a trunk's use shows in the lines'.
 */
describe('trunks', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let other: TestTenant;
  const admin = () => bearer(tenant.adminKey);

  beforeAll(async () => {
    api = await ApiHarness.start('trunks');
    tenant = await api.createTenant('acme', 10);
    other = await api.createTenant('other', 10);
  });
  afterAll(() => api.stop());

  const carrier = {
    name: 'carrier-a',
    target: 'sip.carrier-a.example:5061',
    transport: 'tls',
    username: 'acme',
    password: 'correct horse battery staple',
    channels: 30,
    callsPerSecond: 5,
    priority: 1,
    callerIds: ['+14155550100'],
  };

  it('adds a trunk with its defaults, answers without its password, and stores the password sealed', async () => {
    const created = await api.http().post('/v1/trunks').set(admin()).send(carrier).expect(201);
    const { password: _password, ...shown } = carrier;
    expect(created.body).toEqual({
      ...shown,
      id: expect.any(String),
      hasPassword: true,
      overloadPauseSeconds: 2,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(created.body)).not.toContain(carrier.password);
    const row = await api.app.get(PrismaService).trunk.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.password).toMatch(/^enc:v1:/);
    expect(row.password).not.toContain(carrier.password);

    const minimal = await api
      .http()
      .post('/v1/trunks')
      .set(admin())
      .send({ name: 'carrier-b', target: '192.0.2.10', channels: 10, callsPerSecond: 1 })
      .expect(201);
    expect(minimal.body).toMatchObject({
      transport: 'udp',
      username: null,
      hasPassword: false,
      priority: 0,
      callerIds: [],
    });
    const list = await api.http().get('/v1/trunks').set(admin()).expect(200);
    // By priority: the one dials take first comes first.
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['carrier-b', 'carrier-a']);
  });

  it('refuses bad input with problem+json naming each field, and a second trunk of the same name', async () => {
    const bad = await api
      .http()
      .post('/v1/trunks')
      .set(admin())
      .send({
        name: '',
        target: 'sip:carrier.example;transport=tcp',
        transport: 'sctp',
        channels: -1,
        callsPerSecond: 0,
        callerIds: ['not a caller id'],
      })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['callerIds[0]', 'callsPerSecond', 'channels', 'name', 'target', 'transport'].sort(),
    );
    await api
      .http()
      .post('/v1/trunks')
      .set(admin())
      .send({ ...carrier, extra: 1 })
      .expect(400);
    const taken = await api.http().post('/v1/trunks').set(admin()).send(carrier).expect(409);
    expect(taken.body.code).toBe('conflict');
  });

  it('changes a trunk (a password null removes it), keeps other tenants apart, and deletes it', async () => {
    const [trunk] = (await api.http().get('/v1/trunks').set(admin()).expect(200)).body.items.filter(
      (t: { name: string }) => t.name === 'carrier-a',
    );
    const changed = await api
      .http()
      .patch(`/v1/trunks/${trunk.id}`)
      .set(admin())
      .send({ callsPerSecond: 15, password: null })
      .expect(200);
    expect(changed.body).toMatchObject({ callsPerSecond: 15, hasPassword: false, channels: 30 });
    await api.http().patch(`/v1/trunks/${trunk.id}`).set(admin()).send({ channels: 'many' }).expect(400);

    await api.http().get(`/v1/trunks/${trunk.id}`).set(bearer(other.adminKey)).expect(404);
    await api.http().delete(`/v1/trunks/${trunk.id}`).set(bearer(other.adminKey)).expect(404);
    await api.http().get('/v1/trunks/not-a-uuid').set(admin()).expect(404);

    await api.http().delete(`/v1/trunks/${trunk.id}`).set(admin()).expect(204);
    await api.http().get(`/v1/trunks/${trunk.id}`).set(admin()).expect(404);
  });

  it("shows each trunk's use in the line usage; a tenant on the default trunk shows none", async () => {
    const usage = await api.http().get('/v1/lines/usage').set(admin()).expect(200);
    expect(usage.body.trunks).toEqual([
      {
        id: expect.any(String),
        name: 'carrier-b',
        priority: 0,
        channels: 10,
        channelsInUse: 0,
        callsPerSecond: 1,
        callsLastSecond: 0,
        pausedUntil: null,
        overloads: 0,
      },
    ]);
    const none = await api.http().get('/v1/lines/usage').set(bearer(other.adminKey)).expect(200);
    expect(none.body.trunks).toBeUndefined();
    // The same in the metrics, per tenant and trunk.
    const { text } = await api.http().get('/metrics').expect(200);
    const sample = (kind: string) =>
      new RegExp(
        `^autocall_trunks\\{tenant="${tenant.tenantId}",trunk="${usage.body.trunks[0].id}",kind="${kind}"\\} (\\S+)$`,
        'm',
      ).exec(text)?.[1];
    expect([
      sample('channels'),
      sample('channels_in_use'),
      sample('calls_per_second'),
      sample('paused_seconds'),
    ]).toEqual(['10', '0', '1', '0']);
  });

  it('is for admin keys only', async () => {
    const supervisor = await api.createKey(tenant, 'supervisor');
    await api.http().get('/v1/trunks').set(bearer(supervisor)).expect(403);
    await api.http().post('/v1/trunks').set(bearer(supervisor)).send(carrier).expect(403);
  });

  it('dials at once only what the trunks can start now, for the caller id they allow', async () => {
    const restricted = await api.createTenant('restricted', 10);
    const as = bearer(restricted.adminKey);
    await api
      .http()
      .put('/v1/agents/ann')
      .set(as)
      .send({ name: 'Ann', skills: ['sales'], endpoint: 'sip:ann@pbx.test' })
      .expect(201);
    await api
      .http()
      .post('/v1/trunks')
      .set(as)
      .send({ name: 'only', target: 'carrier.example', channels: 5, callsPerSecond: 2, callerIds: ['+14155550100'] })
      .expect(201);
    const submit = (callerId: string) =>
      api
        .http()
        .post('/v1/autocalls')
        .set(as)
        .send({
          mode: 'immediate',
          skill: 'sales',
          callerId,
          targets: [{ phoneNumber: '+14155550111' }, { phoneNumber: '+14155550112' }, { phoneNumber: '+14155550113' }],
          checks: { freeLines: { reserve: 0 }, freeAgents: null },
        })
        .expect(202);
    // A caller id the only trunk does not allow: nothing can start (no 500, no dial).
    const refused = await submit('+14155550999');
    expect(refused.body.targets.map((t: { status: string; reason: string }) => [t.status, t.reason])).toEqual([
      ['not_dialed', 'no_free_trunk'],
      ['not_dialed', 'no_free_trunk'],
      ['not_dialed', 'no_free_trunk'],
    ]);
    // Its own caller id: two calls a second, the third not dialed.
    const allowed = await submit('+14155550100');
    expect(allowed.body.targets.map((t: { status: string; reason: string | null }) => [t.status, t.reason])).toEqual([
      ['dialing', null],
      ['dialing', null],
      ['not_dialed', 'no_free_trunk'],
    ]);
  });
});
