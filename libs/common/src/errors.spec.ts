import { isStorageUnavailable, sqlStateOf } from './errors';

/** The shapes PostgreSQL errors arrive in, as seen from pg, Prisma's driver adapter and raw queries. */
const fromPg = (code: string) => Object.assign(new Error('injected'), { code });
const fromPrismaModel = (code: string) =>
  Object.assign(new Error('Invalid `tx.agent.update()` invocation'), {
    code: 'P2039',
    meta: { driverAdapterError: { cause: { originalCode: code, kind: 'postgres' } } },
  });
const fromPrismaRaw = (code: string) =>
  Object.assign(new Error(`Raw query failed. Code: \`${code}\`. Message: \`injected\``), { code: 'P2010' });

describe('storage errors', () => {
  it.each([fromPg, fromPrismaModel, fromPrismaRaw])('find the SQLSTATE however it is wrapped (%#)', (make) => {
    expect(sqlStateOf(make('57P01'))).toBe('57P01');
  });

  it.each(['08006', '08003', '57P01', '57P03', '57014', '53300', '53200', '40001', '40P01'])(
    'take %s for "try again soon"',
    (code) => {
      for (const make of [fromPg, fromPrismaModel, fromPrismaRaw]) expect(isStorageUnavailable(make(code))).toBe(true);
    },
  );

  it('do not take a refused statement for an outage', () => {
    for (const code of ['23505', '23503', '22P02', 'P0001'])
      for (const make of [fromPg, fromPrismaModel, fromPrismaRaw]) expect(isStorageUnavailable(make(code))).toBe(false);
    expect(isStorageUnavailable(new Error('The agent is not available.'))).toBe(false);
  });

  it('take Redis\'s failover, loading and memory answers for "try again soon", not its refusals', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    for (const message of [
      "READONLY You can't write against a read only replica.",
      'LOADING Redis is loading the dataset in memory',
      "OOM command not allowed when used memory > 'maxmemory'.",
      'BUSY Redis is busy running a script.',
      'MASTERDOWN Link with MASTER is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'CLUSTERDOWN The cluster is down',
    ])
      expect([message, isStorageUnavailable(reply(message))]).toEqual([message, true]);
    expect(isStorageUnavailable(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(
      false,
    );
    expect(isStorageUnavailable(reply('ERR Error running script'))).toBe(false);
  });

  it('take lost connections by their message too', () => {
    expect(isStorageUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageUnavailable(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
  });
});
