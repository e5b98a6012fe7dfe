// Schema history. Append new migrations at the end; never edit one that has shipped,
// because files made by older versions are upgraded by replaying only what they lack.

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'tickets, events and import history',
		sql: `
CREATE TABLE imports (
	id INTEGER PRIMARY KEY,
	source VARCHAR NOT NULL,          -- cli, upload or demo
	format VARCHAR NOT NULL,
	tickets_file VARCHAR NOT NULL,
	tickets_sha256 VARCHAR NOT NULL,
	events_file VARCHAR,
	events_sha256 VARCHAR,
	started_at TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ NOT NULL,
	status VARCHAR NOT NULL,          -- committed, or committed_with_rejects
	tickets_read INTEGER NOT NULL,
	tickets_inserted INTEGER NOT NULL,
	tickets_updated INTEGER NOT NULL,
	tickets_unchanged INTEGER NOT NULL,
	tickets_rejected INTEGER NOT NULL,
	events_read INTEGER NOT NULL,
	events_inserted INTEGER NOT NULL,
	events_updated INTEGER NOT NULL,
	events_unchanged INTEGER NOT NULL,
	events_rejected INTEGER NOT NULL,
	warnings INTEGER NOT NULL
);
CREATE TABLE tickets (
	ticket_id VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	first_response_at TIMESTAMPTZ,
	resolved_at TIMESTAMPTZ,
	status VARCHAR,
	priority VARCHAR NOT NULL,
	channel VARCHAR,
	category VARCHAR NOT NULL,
	customer_id VARCHAR,
	vip BOOLEAN NOT NULL,
	team VARCHAR,
	assignee VARCHAR,
	csat_score TINYINT,
	subject VARCHAR,
	description VARCHAR,
	extra VARCHAR,                    -- unknown columns as JSON text; never read by KPIs
	import_id INTEGER NOT NULL,       -- the import that last changed the row
	line INTEGER NOT NULL
);
CREATE TABLE events (
	event_key VARCHAR NOT NULL,       -- event_id, or a digest of the identifying tuple
	event_id VARCHAR,
	ticket_id VARCHAR NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	type VARCHAR NOT NULL,
	from_tier TINYINT,
	to_tier TINYINT,
	kind VARCHAR,
	trigger VARCHAR,
	actor VARCHAR,
	team VARCHAR,
	note VARCHAR,
	extra VARCHAR,
	import_id INTEGER NOT NULL,       -- with line, the file order that breaks ties in time
	line INTEGER NOT NULL
);
CREATE TABLE import_rejects (
	import_id INTEGER NOT NULL,
	severity VARCHAR NOT NULL,        -- error (row rejected) or warning (row kept)
	file VARCHAR NOT NULL,
	line INTEGER NOT NULL,
	field VARCHAR NOT NULL,
	reason VARCHAR NOT NULL,
	record_id VARCHAR
);
`
	},
	{
		version: 2,
		name: 'application settings',
		sql: `CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);`
	}
];
