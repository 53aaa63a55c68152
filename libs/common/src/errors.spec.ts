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

  it.each(['08006', '08003', '57P01', '57P03', '53300', '40001', '40P01'])('take %s for "try again soon"', (code) => {
    for (const make of [fromPg, fromPrismaModel, fromPrismaRaw]) expect(isStorageUnavailable(make(code))).toBe(true);
  });

  it('do not take a refused statement for an outage', () => {
    for (const code of ['23505', '23503', '22P02', 'P0001'])
      for (const make of [fromPg, fromPrismaModel, fromPrismaRaw]) expect(isStorageUnavailable(make(code))).toBe(false);
    expect(isStorageUnavailable(new Error('The agent is not available.'))).toBe(false);
  });

  it('take lost connections by their message too', () => {
    expect(isStorageUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageUnavailable(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
  });
});
