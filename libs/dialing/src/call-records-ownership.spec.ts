import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * One repository owns every write of the call aggregate: targets, contacts and their event tables
 * are written by CallRecords (libs/dialing/src/call-records.ts) and by the database's own triggers,
 * nowhere else. A write added anywhere else, raw SQL or Prisma, fails this test.
 */
describe('the call aggregate is written by its repository only', () => {
  const root = join(__dirname, '..', '..', '..');
  const owner = 'libs/dialing/src/call-records.ts';
  const RAW = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:targets|contacts|target_events|contact_events)\b/i;
  const PRISMA =
    /\.(?:target|contact|targetEvent|contactEvent)\.(?:create|createMany|update|updateMany|upsert|delete|deleteMany)\(/;

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sources(path);
      return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
    });
  }

  it('finds the writes in CallRecords', () => {
    expect(RAW.test(readFileSync(join(root, owner), 'utf8'))).toBe(true);
  });

  it('finds no write of targets, contacts or their events anywhere else in apps/ and libs/', () => {
    const writers = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))]
      .map((path) => relative(root, path))
      .filter((path) => path !== owner)
      .filter((path) => {
        const text = readFileSync(join(root, path), 'utf8');
        return RAW.test(text) || PRISMA.test(text);
      });
    expect(writers).toEqual([]);
  });
});
