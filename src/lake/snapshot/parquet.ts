/**
 * Tables as Parquet (hyparquet-writer / hyparquet): a fixed column schema per table, one row
 * group, SNAPPY, no timestamps in the file, so the same rows always give the same bytes.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

export type ColumnType = 'INT32' | 'DOUBLE' | 'STRING' | 'DATE' | 'BOOLEAN';

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

export type Row = Record<string, string | number | boolean | null>;

export interface TableData {
  name: string;
  columns: Column[];
  rows: Row[];
}

const PHYSICAL: Record<ColumnType, { type: 'INT32' | 'DOUBLE' | 'BYTE_ARRAY' | 'BOOLEAN'; converted_type?: 'UTF8' | 'DATE' }> = {
  INT32: { type: 'INT32' },
  DOUBLE: { type: 'DOUBLE' },
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  DATE: { type: 'INT32', converted_type: 'DATE' },
  BOOLEAN: { type: 'BOOLEAN' },
};

function check(table: string, c: Column, v: unknown, row: number): void {
  if (v === null || v === undefined) {
    if (!c.nullable) throw new Error(`${table}.${c.name} row ${row}: null in a required column`);
    return;
  }
  const ok =
    (c.type === 'INT32' && Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31) ||
    (c.type === 'DOUBLE' && typeof v === 'number' && Number.isFinite(v)) ||
    (c.type === 'STRING' && typeof v === 'string') ||
    (c.type === 'DATE' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) ||
    (c.type === 'BOOLEAN' && typeof v === 'boolean');
  if (!ok) throw new Error(`${table}.${c.name} row ${row}: ${JSON.stringify(v)} is not a ${c.type}`);
}

/** Encode a table; values are checked against the schema first. */
export function toParquet(t: TableData): Uint8Array {
  t.rows.forEach((r, i) => {
    for (const c of t.columns) check(t.name, c, r[c.name], i);
  });
  const columnData = t.columns.map((c) => ({
    name: c.name,
    data: t.rows.map((r) => {
      const v = r[c.name] ?? null;
      return c.type === 'DATE' && v !== null ? new Date(`${v as string}T00:00:00Z`) : v;
    }),
  }));
  const schema = [
    { name: 'root', num_children: t.columns.length },
    ...t.columns.map((c) => ({ name: c.name, ...PHYSICAL[c.type], repetition_type: c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const) })),
  ];
  const buf = parquetWriteBuffer({
    columnData,
    schema,
    rowGroupSize: Math.max(1, t.rows.length),
    createdBy: 'time2bet snapshot',
    kvMetadata: [{ key: 'time2bet.table', value: t.name }],
  });
  return new Uint8Array(buf);
}

/** Decode a table written by `toParquet` (DATE back to YYYY-MM-DD strings). */
export async function fromParquet(bytes: Uint8Array, columns: readonly Column[]): Promise<Row[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const md = parquetMetadata(file);
  const names = md.schema.slice(1).map((s) => s.name);
  const want = columns.map((c) => c.name);
  if (names.join(',') !== want.join(',')) throw new Error(`parquet columns ${names.join(', ')} differ from the expected ${want.join(', ')}`);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map((r) => {
    const out: Row = {};
    for (const c of columns) {
      const v = r[c.name];
      out[c.name] =
        v === null || v === undefined ? null : c.type === 'DATE' ? (v as Date).toISOString().slice(0, 10) : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
    }
    return out;
  });
}
