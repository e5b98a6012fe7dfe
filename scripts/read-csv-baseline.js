// The benchmark's baseline: DuckDB loading the same CSV files into plain tables, nothing else.
import { DuckDBInstance } from '@duckdb/node-api';

const [db, tickets, events] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
await conn.run('CREATE TABLE tickets AS SELECT * FROM read_csv($1)', [tickets]);
await conn.run('CREATE TABLE events AS SELECT * FROM read_csv($1)', [events]);
await conn.run('CHECKPOINT');
conn.closeSync();
instance.closeSync();
