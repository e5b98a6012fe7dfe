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
	},
	{
		version: 3,
		name: 'reviews, findings, actions and the audit log',
		// Step contents are JSON text validated by src/lib/reviews/schema.ts on the way in and out.
		sql: `
CREATE SEQUENCE review_id_seq;
CREATE TABLE reviews (
	id INTEGER PRIMARY KEY DEFAULT nextval('review_id_seq'),
	title VARCHAR NOT NULL,
	status VARCHAR NOT NULL,          -- draft, in_review, published
	version INTEGER NOT NULL,         -- optimistic concurrency: every save names the version it edited
	scope VARCHAR NOT NULL,           -- JSON: source, period, filters, drill-down or spike
	facts VARCHAR NOT NULL,           -- JSON: the summary's numbers when the review was started
	summary VARCHAR NOT NULL,         -- JSON: step 1
	analysis VARCHAR NOT NULL,        -- JSON: step 3
	checklist VARCHAR NOT NULL,       -- JSON: step 5
	signed_off_by VARCHAR,
	step INTEGER NOT NULL,            -- the furthest step saved, for resuming
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	published_at TIMESTAMPTZ
);
CREATE TABLE review_tickets (
	review_id INTEGER NOT NULL,
	ticket_id VARCHAR NOT NULL,
	PRIMARY KEY (review_id, ticket_id)
);
CREATE SEQUENCE review_item_seq;
CREATE TABLE review_moments (
	id INTEGER PRIMARY KEY DEFAULT nextval('review_item_seq'),
	review_id INTEGER NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	kind VARCHAR NOT NULL,            -- detection, diagnosis, repair, key_decision
	note VARCHAR NOT NULL,
	ticket_id VARCHAR,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE review_findings (
	id INTEGER PRIMARY KEY DEFAULT nextval('review_item_seq'),
	review_id INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	detail VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE review_actions (
	id INTEGER PRIMARY KEY DEFAULT nextval('review_item_seq'),
	review_id INTEGER NOT NULL,
	finding_id INTEGER,
	title VARCHAR NOT NULL,
	type VARCHAR NOT NULL,            -- prevent, mitigate, detect, process, training, knowledge_base
	owner VARCHAR NOT NULL,
	due_date DATE NOT NULL,
	status VARCHAR NOT NULL,          -- open, in_progress, done, wont_do
	target VARCHAR,                   -- JSON: the metric to watch and its filters
	completed_at TIMESTAMPTZ,         -- when it was last marked done
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE SEQUENCE audit_seq;
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY DEFAULT nextval('audit_seq'),
	changed_at TIMESTAMPTZ NOT NULL,
	actor VARCHAR NOT NULL,           -- the signed-in user; 'local' on an open loopback server, 'cli' for the command line
	entity VARCHAR NOT NULL,          -- review, moment, finding, action
	entity_id INTEGER NOT NULL,
	review_id INTEGER,
	change VARCHAR NOT NULL,          -- created, updated, deleted, conflict
	detail VARCHAR NOT NULL           -- JSON: what was saved (and, for a conflict, the unsaved edit)
);
`
	},
	{
		version: 4,
		name: 'helpdesk exports: value mappings, kept raw exports, saved column mappings',
		sql: `
CREATE TABLE value_mappings (
	kind VARCHAR NOT NULL,            -- group_tier, status, priority, csat
	value VARCHAR NOT NULL,           -- as the export writes it
	target VARCHAR NOT NULL,          -- a tier number, a canonical status, priority or CSAT score
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (kind, value)
);
CREATE TABLE raw_exports (
	sha256 VARCHAR PRIMARY KEY,       -- the file, kept under <database>.exports/<sha256>
	adapter VARCHAR NOT NULL,         -- zendesk, freshdesk, jsm, servicenow, servicenow-audit, generic:<name>
	file_name VARCHAR NOT NULL,
	options VARCHAR NOT NULL,         -- JSON: date order and time zone it was read with
	import_id INTEGER NOT NULL,       -- the import that last read it
	imported_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE column_mappings (
	name VARCHAR PRIMARY KEY,
	spec VARCHAR NOT NULL,            -- JSON: which export column is which canonical field
	updated_at TIMESTAMPTZ NOT NULL
);
`
	},
	{
		version: 5,
		name: 'accounts: users with roles, sign-in sessions, who ran each import',
		sql: `
CREATE TABLE users (
	username VARCHAR PRIMARY KEY,     -- the sign-in name, lower case
	display_name VARCHAR NOT NULL,
	role VARCHAR NOT NULL,            -- viewer, reviewer, admin
	password_hash VARCHAR NOT NULL,   -- scrypt$N$r$p$salt$hash (base64url)
	created_at TIMESTAMPTZ NOT NULL,
	created_by VARCHAR NOT NULL,
	password_changed_at TIMESTAMPTZ NOT NULL,
	last_sign_in TIMESTAMPTZ
);
CREATE TABLE sessions (
	token_hash VARCHAR PRIMARY KEY,   -- sha256 of the cookie value; the value itself is never stored
	username VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	user_agent VARCHAR
);
ALTER TABLE imports ADD COLUMN imported_by VARCHAR;
ALTER TABLE audit_log ALTER COLUMN entity_id DROP NOT NULL; -- accounts and settings have no number
`
	}
];
