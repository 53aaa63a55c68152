import { readFileSync } from 'node:fs';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';

/**
 * The shape of a PostgreSQL schema, in a form where "what schema.prisma describes" and "what the
 * migrated database holds" can be compared with one toEqual: tables, columns (type, nullability,
 * whether a default exists), primary keys, unique and plain indexes, foreign keys, enums.
 */
export interface SchemaShape {
  enums: Record<string, string[]>;
  columns: string[];
  primaryKeys: string[];
  uniqueIndexes: string[];
  indexes: string[];
  foreignKeys: string[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  hasDefaultValue: boolean;
  default?: { name?: string } | unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
  uniqueFields: string[][];
}

const NATIVE: Record<string, (args: string[]) => string> = {
  VarChar: (a) => `character varying(${a[0]})`,
  Char: (a) => `character(${a[0]})`,
  Uuid: () => 'uuid',
  Timestamptz: (a) => `timestamp(${a[0] ?? 6}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 6}) without time zone`,
  Text: () => 'text',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  SmallInt: () => 'smallint',
  JsonB: () => 'jsonb',
  Json: () => 'json',
};
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};
// Defaults Prisma fills in the client, not in the database.
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);
const ON_DELETE: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

export function expectedSchema(schemaPath = path.resolve(__dirname, '../../prisma/schema.prisma')): SchemaShape {
  const source = readFileSync(schemaPath, 'utf8');
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[schemaPath, source]] }))).datamodel as {
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    models: DmmfModel[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal'; fields: { name: string }[] }[];
  };
  const enumNames = new Map(dmmf.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const models = new Map(dmmf.models.map((m) => [m.name, m]));
  const table = (m: DmmfModel) => m.dbName ?? m.name;
  const column = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };
  const cols = (m: DmmfModel, fields: string[]) => `${table(m)}(${fields.map((f) => column(m, f)).join(',')})`;

  const shape: SchemaShape = {
    enums: {},
    columns: [],
    primaryKeys: [],
    uniqueIndexes: [],
    indexes: [],
    foreignKeys: [],
  };
  for (const e of dmmf.enums) shape.enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);
  for (const m of dmmf.models) {
    for (const f of m.fields) {
      if (f.kind === 'object') {
        if (f.relationFromFields?.length) {
          const target = models.get(f.type)!;
          shape.foreignKeys.push(
            `${cols(m, f.relationFromFields)} -> ${cols(target, f.relationToFields!)} ON DELETE ${ON_DELETE[f.relationOnDelete ?? 'NoAction'] ?? f.relationOnDelete}`,
          );
        }
        continue;
      }
      let type =
        f.kind === 'enum'
          ? enumNames.get(f.type)!
          : f.nativeType
            ? NATIVE[f.nativeType[0]](f.nativeType[1])
            : DEFAULT_TYPES[f.type];
      if (f.isList) type += '[]';
      const nullable = !f.isRequired || f.isList;
      const defaultName = (f.default as { name?: string } | undefined)?.name;
      const hasDefault = f.hasDefaultValue && !CLIENT_SIDE_DEFAULTS.has(defaultName ?? '');
      shape.columns.push(
        `${table(m)}.${f.dbName ?? f.name} ${type}${nullable ? ' NULL' : ' NOT NULL'}${hasDefault ? ' DEFAULT' : ''}`,
      );
    }
  }
  for (const index of dmmf.indexes) {
    const m = models.get(index.model)!;
    const entry = cols(
      m,
      index.fields.map((f) => f.name),
    );
    if (index.type === 'id') shape.primaryKeys.push(entry);
    else if (index.type === 'unique') shape.uniqueIndexes.push(entry);
    else shape.indexes.push(entry);
  }
  return sortShape(shape);
}

export async function actualSchema(databaseUrl: string): Promise<SchemaShape> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const shape: SchemaShape = {
      enums: {},
      columns: [],
      primaryKeys: [],
      uniqueIndexes: [],
      indexes: [],
      foreignKeys: [],
    };
    const enums = await client.query(`
      SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`);
    for (const row of enums.rows) (shape.enums[row.typname] ??= []).push(row.enumlabel);

    const columns = await client.query(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS not_null, a.atthasdef AS has_default
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'`);
    for (const r of columns.rows) {
      shape.columns.push(
        `${r.table}.${r.column} ${r.type.replace(/"/g, '')}${r.not_null ? ' NOT NULL' : ' NULL'}${r.has_default ? ' DEFAULT' : ''}`,
      );
    }

    const indexes = await client.query(`
      SELECT t.relname AS table, ix.indisprimary AS is_primary, ix.indisunique AS is_unique,
             array_agg(a.attname::text ORDER BY k.ordinality) AS columns
      FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ordinality)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
        -- Key columns only: schema.prisma cannot say INCLUDE (columns an index carries, not keys).
        AND k.ordinality <= ix.indnkeyatts
      GROUP BY ix.indexrelid, t.relname, ix.indisprimary, ix.indisunique`);
    for (const r of indexes.rows) {
      const entry = `${r.table}(${r.columns.join(',')})`;
      if (r.is_primary) shape.primaryKeys.push(entry);
      else if (r.is_unique) shape.uniqueIndexes.push(entry);
      else shape.indexes.push(entry);
    }

    const fks = await client.query(`
      SELECT src.relname AS table, dst.relname AS target, con.confdeltype AS on_delete,
        (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
        (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS target_columns
      FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = src.relnamespace WHERE con.contype = 'f' AND n.nspname = 'public'`);
    const actions: Record<string, string> = {
      c: 'CASCADE',
      r: 'RESTRICT',
      a: 'NO ACTION',
      n: 'SET NULL',
      d: 'SET DEFAULT',
    };
    for (const r of fks.rows) {
      shape.foreignKeys.push(
        `${r.table}(${r.columns.join(',')}) -> ${r.target}(${r.target_columns.join(',')}) ON DELETE ${actions[r.on_delete]}`,
      );
    }
    return sortShape(shape);
  } finally {
    await client.end();
  }
}

function sortShape(shape: SchemaShape): SchemaShape {
  return {
    enums: Object.fromEntries(Object.entries(shape.enums).sort(([a], [b]) => a.localeCompare(b))),
    columns: [...shape.columns].sort(),
    primaryKeys: [...shape.primaryKeys].sort(),
    uniqueIndexes: [...shape.uniqueIndexes].sort(),
    indexes: [...shape.indexes].sort(),
    foreignKeys: [...shape.foreignKeys].sort(),
  };
}
