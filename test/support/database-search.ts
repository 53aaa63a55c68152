import { Client } from 'pg';

/**
 * Every text, varchar and JSON column (arrays of them too) of every table of the database, as a
 * pg_dump would show them, searched for each needle: the "table.column" that hold one.
 */
export async function columnsHolding(db: Client, needles: string[]): Promise<string[]> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND c.udt_name IN ('text', 'varchar', 'bpchar', 'json', 'jsonb', '_text', '_varchar')`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await db.query(
      `SELECT 1 FROM "${table}" WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) n WHERE strpos("${column}"::text, n) > 0)
       LIMIT 1`,
      [needles],
    );
    if (rows.length) found.push(`${table}.${column}`);
  }
  return found;
}
