// Seeded demo data in the canonical import format (SPEC.md) with the shape of a real support
// desk: tiers, escalations, bounces, reopens, SLA breaches, CSAT, one incident-driven spike.
// Streamed in chunks, so memory stays flat (~140 MB RSS in total for the 1M-ticket benchmark set).
import { Buffer } from 'node:buffer';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';

export interface DemoOptions {
	tickets: number;
	seed: number;
	/** Exclusive end; default: the Monday 00:00 UTC of the current week. */
	end?: Date;
	/** Default 20. */
	weeks?: number;
	/** Starts every ticket and event id (default DEMO); another prefix makes tickets new to a database that holds a demo set. */
	idPrefix?: string;
}

export interface DemoFiles {
	ticketsPath: string;
	eventsPath: string;
	tickets: number;
	events: number;
}

const TICKET_FIELDS = [
	'ticket_id', 'created_at', 'first_response_at', 'resolved_at', 'status', 'priority', 'channel',
	'category', 'customer_id', 'vip', 'team', 'assignee', 'csat_score', 'subject', 'description'
] as const;
const EVENT_FIELDS = [
	'event_id', 'ticket_id', 'occurred_at', 'type', 'from_tier', 'to_tier', 'kind', 'trigger',
	'actor', 'team', 'note'
] as const;

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;
/** Bytes per write (~800 ticket or ~2,500 event rows): amortises stream overhead, keeps memory flat. */
const CHUNK_BYTES = 256 * 1024;

// SPEC default SLA targets (calendar hours), indexed by tier.
const RESPONSE_TARGET = [0, 1 * HOUR, 4 * HOUR, 0.5 * HOUR];
const RESOLUTION_TARGET = [0, 24 * HOUR, 72 * HOUR, 8 * HOUR];

// ---------------------------------------------------------------------------------------------
// Seeded randomness: mulberry32 is tiny, fast and good enough for synthetic data, and unlike
// Math.random it makes the same options produce byte-identical files.

class Rng {
	private s: number;
	constructor(seed: number) {
		this.s = seed >>> 0;
	}
	next(): number {
		let t = (this.s = (this.s + 0x6d2b79f5) | 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)] as T;
	}
	normal(): number {
		const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
	}
	/** Durations in support data are right-skewed; a log-normal around a median fits them well. */
	logNormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}
	/** Index into a cumulative weight table whose last entry is the total. */
	weighted(cumulative: readonly number[]): number {
		const x = this.next() * (cumulative[cumulative.length - 1] as number);
		for (let i = 0; i < cumulative.length; i++) if (x < (cumulative[i] as number)) return i;
		return cumulative.length - 1;
	}
}

/** FNV-1a over the decimal text, so any finite number (negative, fractional, huge) is a valid seed. */
function hashSeed(seed: number, salt: number): number {
	let h = 2166136261 ^ salt;
	const s = String(seed);
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 16777619);
	}
	return h >>> 0;
}

function cumulate(weights: readonly number[]): number[] {
	let sum = 0;
	return weights.map((w) => (sum += w));
}

// ---------------------------------------------------------------------------------------------
// The desk: teams, agents, categories and their vocabulary.

type Tier = 1 | 2 | 3;
type Tpl = (r: Rng) => string;

interface Team {
	name: string;
	tier: Tier;
	agents: readonly string[];
}

const EMEA = 0;
const AMERICAS = 1;
const BILLING_TEAM = 2;
const TECH_TEAM = 3;
const API_TEAM = 4;
const PLATFORM_TEAM = 5;

const TEAMS: readonly Team[] = [
	{ name: 'Frontline EMEA', tier: 1, agents: ['Sofia Lindqvist', 'Tomasz Nowak', 'Amara Okafor', 'Lukas Becker', 'Chloé Martin', 'Priya Raman', 'Jonas Andersen', 'Elena Rossi'] },
	{ name: 'Frontline Americas', tier: 1, agents: ['Marcus Johnson', 'Camila Torres', 'Ethan Walker', 'Hannah Kim', 'Diego Ramirez', 'Olivia Brooks', 'Jamal Carter', 'Grace Liu'] },
	{ name: 'Billing & Accounts', tier: 2, agents: ['Rachel Cohen', 'Daniel Murphy', 'Aisha Rahman', 'Peter Novak'] },
	{ name: 'Technical Support', tier: 2, agents: ['Kenji Watanabe', 'Laura Schmidt', 'Samuel Osei', 'Nina Petrova'] },
	{ name: 'API & Integrations', tier: 2, agents: ['Ravi Patel', 'Isabel Fernández', 'Owen Hughes', 'Mei Chen'] },
	{ name: 'Platform Engineering', tier: 3, agents: ['Alex Morgan', 'Fatima Zahra', 'Viktor Hansen'] }
];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const PLANS = ['Starter', 'Team', 'Business', 'Enterprise'];
const DEVICES = ['iPhone 15', 'iPhone 13', 'Pixel 8', 'Galaxy S23', 'iPad Air', 'OnePlus 12'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge'];
const IDPS = ['Okta', 'Azure AD', 'Google Workspace', 'OneLogin'];
const CRMS = ['Salesforce', 'HubSpot', 'Pipedrive', 'Zoho CRM'];
const TOOLS = ['Slack', 'Jira', 'Zapier', 'Shopify', 'Microsoft Teams'];
const HTTP_ERRORS = ['500', '502', '503', '504', '401', '403'];

const money = (r: Rng): string => `$${49 + r.int(1950)}.${r.chance(0.7) ? '00' : String(10 + r.int(90))}`;
const invoice = (r: Rng): string => `INV-${20000 + r.int(80000)}`;
const version = (r: Rng): string => `${4 + r.int(3)}.${r.int(20)}.${r.int(10)}`;
const requestId = (r: Rng): string => `req_${(r.int(0x7fffffff) + 0x10000000).toString(16)}`;

interface Category {
	name: string;
	/** Share of ticket volume. */
	share: number;
	/** Base probability that a ticket of this category escalates at all. */
	escalation: number;
	/** Probability that tier 2 needs tier 3 (engineering). */
	toTier3: number;
	tier2Team: number;
	subjects: readonly Tpl[];
	bodies: readonly Tpl[];
}

const CATEGORIES: readonly Category[] = [
	{
		name: 'billing', share: 0.18, escalation: 0.15, toTier3: 0.05, tier2Team: BILLING_TEAM,
		subjects: [
			(r) => `Charged twice for my ${r.pick(MONTHS)} invoice`,
			(r) => `Refund request for invoice ${invoice(r)}`,
			() => 'Invoice shows the wrong company address',
			(r) => `Card declined when upgrading to the ${r.pick(PLANS)} plan`,
			() => 'Question about proration after changing plans',
			(r) => `Need a copy of invoice ${invoice(r)}`,
			() => 'VAT number missing on our invoices',
			(r) => `Unexpected charge of ${money(r)}`
		],
		bodies: [
			(r) => `We were charged ${money(r)} twice this month for the same subscription. Can you refund the duplicate charge? The second one shows up as ${invoice(r)} in our account.`,
			(r) => `I upgraded from ${r.pick(PLANS)} to ${r.pick(PLANS)} on ${r.pick(WEEKDAYS)}, but the invoice still lists the old price, so our finance team cannot approve it.`,
			(r) => `Our accounting department needs the invoices for ${r.pick(MONTHS)} and ${r.pick(MONTHS)} with our VAT number on them. Where can I add it?`,
			() => 'When I try to update the credit card the page says "Payment method could not be saved" and nothing else happens.',
			() => 'Please explain the proration on our last invoice, it is higher than what the pricing page says for our seat count.',
			(r) => `We cancelled two seats last week but were still billed for them. The difference is ${money(r)}.`
		]
	},
	{
		name: 'login', share: 0.16, escalation: 0.11, toTier3: 0.08, tier2Team: TECH_TEAM,
		subjects: [
			() => 'Cannot log in after password reset',
			() => 'Two-factor code not accepted',
			() => 'Locked out of my account',
			(r) => `SSO login fails with ${r.pick(IDPS)}`,
			() => 'Password reset email never arrives',
			() => 'Session expires every few minutes'
		],
		bodies: [
			(r) => `Since ${r.pick(WEEKDAYS)} I cannot log in. I reset my password twice, but the login page keeps saying "Invalid credentials".`,
			() => 'The 2FA code from my authenticator app is rejected every time, even though the clock on my phone is correct.',
			(r) => `Our team uses ${r.pick(IDPS)} for SSO and since this morning several people get "SAML response invalid" when signing in.`,
			() => 'I never receive the password reset email. I checked the spam folder, and the address on the account is correct.',
			() => 'I get logged out every few minutes while working, which makes the product very hard to use for our agents.',
			(r) => `My account got locked after a few attempts and the unlock link in the email has expired. Username: user${100 + r.int(9000)}.`
		]
	},
	{
		name: 'api', share: 0.1, escalation: 0.38, toTier3: 0.22, tier2Team: API_TEAM,
		subjects: [
			(r) => `API returns ${r.pick(HTTP_ERRORS)} on /v2/orders`,
			() => 'Rate limit hit much earlier than documented',
			() => 'Webhook payloads missing fields',
			() => 'Pagination returns duplicate records',
			() => 'Old API key still works after rotation',
			() => 'Timeouts on the bulk endpoint'
		],
		bodies: [
			(r) => `Calls to /v2/orders started returning HTTP ${r.pick(HTTP_ERRORS)} around ${String(r.int(24)).padStart(2, '0')}:00 UTC. Request ID ${requestId(r)}. Nothing changed on our side.`,
			(r) => `We are getting 429 responses at about ${20 + r.int(80)} requests per minute, far below the limit in your docs.`,
			() => 'The order.updated webhook no longer includes the "customer_email" field, which breaks our integration.',
			(r) => `Paging through /v2/contacts with a cursor returns the same records on page ${2 + r.int(20)} and the page after it.`,
			(r) => `Bulk import requests time out after 30 seconds for files over ${5 + r.int(45)} MB, smaller files work fine.`,
			() => 'We rotated our API key yesterday, but requests signed with the old key are still accepted. Is that expected?'
		]
	},
	{
		name: 'data-export', share: 0.08, escalation: 0.24, toTier3: 0.12, tier2Team: API_TEAM,
		subjects: [
			() => 'CSV export is empty',
			() => 'Scheduled export did not run',
			() => 'Export is missing custom fields',
			() => 'Dates in the export are in the wrong time zone',
			(r) => `Export stuck at ${10 + r.int(85)}%`
		],
		bodies: [
			(r) => `The CSV export for ${r.pick(MONTHS)} downloads, but it only contains the header row. The report in the app shows ${100 + r.int(5000)} rows.`,
			() => 'Our nightly scheduled export did not run last night, and we did not get an error email either.',
			() => 'Custom fields like "Region" and "Contract value" are missing from the export, although they are selected.',
			() => 'All timestamps in the export are in UTC, but our account is set to Europe/Berlin. Our reports are off by an hour.',
			(r) => `The export has been stuck at ${10 + r.int(85)}% for two hours. We need the data for a board meeting tomorrow.`
		]
	},
	{
		name: 'integrations', share: 0.11, escalation: 0.34, toTier3: 0.15, tier2Team: API_TEAM,
		subjects: [
			(r) => `${r.pick(CRMS)} sync stopped`,
			(r) => `${r.pick(TOOLS)} notifications not arriving`,
			(r) => `Contacts duplicated in ${r.pick(CRMS)}`,
			(r) => `${r.pick(TOOLS)} integration shows "unauthorized"`,
			() => 'Orders not importing from our shop'
		],
		bodies: [
			(r) => `The ${r.pick(CRMS)} sync has not run since ${r.pick(WEEKDAYS)}. The integration page says "Last sync failed" without any details.`,
			(r) => `We stopped getting ${r.pick(TOOLS)} notifications for new tickets, although the integration is still connected.`,
			(r) => `Every contact that syncs to ${r.pick(CRMS)} is created twice, so our sales team sees duplicates everywhere.`,
			(r) => `Reconnecting the ${r.pick(TOOLS)} integration fails with "unauthorized", even with an admin account.`,
			(r) => `About ${5 + r.int(60)} orders from yesterday never showed up, the rest imported fine.`
		]
	},
	{
		name: 'performance', share: 0.09, escalation: 0.32, toTier3: 0.25, tier2Team: TECH_TEAM,
		subjects: [
			() => 'Dashboard takes over a minute to load',
			() => 'Reports time out',
			() => 'Search is very slow since the last update',
			() => 'App freezes when opening large projects',
			() => 'Slow page loads in the EU region'
		],
		bodies: [
			(r) => `The main dashboard takes ${40 + r.int(120)} seconds to load for everyone in our team. It used to be instant.`,
			() => 'Any report with more than a month of data times out with "Request took too long". Smaller ranges work.',
			(r) => `Search became very slow after the update on ${r.pick(WEEKDAYS)}, typing a name takes several seconds to show results.`,
			(r) => `Opening a project with more than ${500 + r.int(5000)} items freezes the browser tab (${r.pick(BROWSERS)}, latest version).`,
			() => 'Pages load slowly from our office in Frankfurt, colleagues in the US do not see the problem.'
		]
	},
	{
		name: 'mobile-app', share: 0.12, escalation: 0.2, toTier3: 0.1, tier2Team: TECH_TEAM,
		subjects: [
			(r) => `App crashes on startup (${r.pick(DEVICES)})`,
			() => 'Push notifications not working',
			() => 'Cannot upload photos from the app',
			() => 'Offline mode loses my changes',
			(r) => `Login loop in app version ${version(r)}`
		],
		bodies: [
			(r) => `Since updating to version ${version(r)} the app crashes right after the splash screen on my ${r.pick(DEVICES)}.`,
			() => 'I do not get push notifications anymore, although they are enabled in the app and in the phone settings.',
			() => 'Uploading a photo from the app shows "Upload failed, try again" every time. Wi-Fi or mobile data makes no difference.',
			() => 'I worked offline on the train and when I reconnected, all my changes from the last hour were gone.',
			(r) => `After logging in, the app sends me straight back to the login screen. Device: ${r.pick(DEVICES)}, app ${version(r)}.`
		]
	},
	{
		name: 'account-management', share: 0.16, escalation: 0.09, toTier3: 0.02, tier2Team: BILLING_TEAM,
		subjects: [
			() => 'Add a new admin to our workspace',
			() => 'Change the account owner',
			() => 'Delete my account and data',
			() => 'Merge two workspaces',
			() => 'Update the billing contact email',
			() => 'Remove a former employee'
		],
		bodies: [
			() => 'Please make our new operations manager an admin. I do not see the option in the settings.',
			() => 'The account owner left the company, how do we transfer ownership to me? I am already an admin.',
			() => 'Please delete my account and all personal data, as required under GDPR.',
			(r) => `We ended up with two workspaces after an acquisition and would like to merge them, around ${20 + r.int(300)} users in total.`,
			() => 'Invoices should go to accounts@ instead of our old finance contact. Can you update that?',
			() => 'A former employee still has access, but I cannot remove him because he "owns" several projects.'
		]
	}
];

const CATEGORY_CUMULATIVE = cumulate(CATEGORIES.map((c) => c.share));

/** The one incident in the data: drives the category spike the dashboard should detect. */
interface Incident {
	category: string;
	name: string;
	subjects: readonly Tpl[];
	bodies: readonly Tpl[];
}

const INCIDENTS: readonly Incident[] = [
	{
		category: 'billing', name: 'payment provider outage',
		subjects: [
			() => 'Payment failed at checkout',
			() => 'Card payments failing for all our customers',
			() => 'Subscription renewal payment keeps failing',
			() => 'Error "payment_provider_unavailable" when paying'
		],
		bodies: [
			() => 'Since this morning every card payment fails with "Payment provider unavailable, please try again later". Our renewal is due today.',
			() => 'None of our customers can pay at checkout, the payment form spins and then shows an error. We are losing orders every hour.',
			() => 'I tried three different cards and all of them were declined, my bank says no payment attempt ever reached them.'
		]
	},
	{
		category: 'login', name: 'identity provider outage',
		subjects: [
			() => 'Nobody on our team can sign in',
			() => 'SSO login broken since this morning',
			() => '"Authentication service unavailable" on login'
		],
		bodies: [
			() => 'Since about 9am nobody in our company can log in, the page says "Authentication service unavailable".',
			() => 'SSO redirects back to your login page in a loop for all of our users. Our support team is completely blocked.',
			() => 'Login fails for every user with a timeout. Password login and SSO both fail, so this is not on our side.'
		]
	},
	{
		category: 'integrations', name: 'CRM partner API change',
		subjects: [
			(r) => `${r.pick(CRMS)} sync failing since yesterday`,
			() => 'All CRM syncs show "401 invalid_grant"',
			() => 'Integration disconnected by itself'
		],
		bodies: [
			(r) => `Every ${r.pick(CRMS)} sync has failed since yesterday with "401 invalid_grant". Reconnecting does not help.`,
			() => 'Our CRM integration disconnected by itself and no data has synced since. Several colleagues report the same.',
			() => 'The sync log is full of "unsupported API version" errors. We did not change anything.'
		]
	}
];

/** ~10% of customers sound like this; the product's frustration signal looks for such phrases. */
const FRUSTRATION = [
	'This is the third time I am contacting you about this.',
	'It is still not working.',
	'I am extremely frustrated.',
	'Honestly, this is unacceptable.',
	'If this is not fixed soon I will cancel my subscription.',
	'I have been waiting for days for an answer.',
	'Nobody is answering my emails.',
	'This keeps happening and it is costing us customers.',
	'I already explained all of this to your colleague.'
];
const GREETINGS = ['Hi,', 'Hello,', 'Hi team,', 'Hello support,', 'Good morning,'];
const CUSTOMER_NAMES = ['Anna', 'Mark', 'Julia', 'Tom', 'Sara', 'Ben', 'Lea', 'Omar', 'Yuki', 'Carlos', 'Emma', 'Ivan'];

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];
const PRIORITY_CUMULATIVE = cumulate([0.2, 0.56, 0.18, 0.06]);
// Urgent work gets picked up and finished faster; low priority waits.
const PRIORITY_SPEED = [1.4, 1, 0.7, 0.45];
const PRIORITY_ESCALATION = [0.6, 1, 1.35, 1.8];

const CHANNELS = ['email', 'chat', 'phone', 'web', 'social', 'api'] as const;
type Channel = (typeof CHANNELS)[number];
const CHANNEL_CUMULATIVE = cumulate([0.36, 0.24, 0.09, 0.19, 0.04, 0.08]);

// Inbound volume by UTC hour (EMEA morning plus Americas afternoon) for weekdays; weekends are flatter.
const WEEKDAY_HOURS = [0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.6, 2.6, 4.0, 5.2, 5.8, 5.6, 5.0, 5.3, 5.8, 5.9, 5.6, 5.0, 4.2, 3.4, 2.6, 1.9, 1.4, 1.0];
const WEEKDAY_FACTOR = [0.32, 1.15, 1.1, 1.05, 1.0, 0.9, 0.36]; // by getUTCDay(), Sunday first
const HOLIDAYS: Readonly<Record<string, number>> = { '12-24': 0.6, '12-25': 0.3, '12-26': 0.5, '12-31': 0.6, '01-01': 0.35 };

// Per-ticket probabilities. Together with the rates the product needs to show (escalation,
// bounces, reassignment, reopens, SLA breaches) they average ~3.5 events per ticket.
const P_NO_REPLY = 0.08; // spam, duplicates, "never mind, found it"
const P_TRIAGE_ASSIGN = 0.03; // only email/web land in a general queue first
const P_ROUTED_BEFORE_REPLY = 0.3; // triage sends obviously technical tickets straight up
const P_TIER_REPLY = 0.15; // tier 2/3 often work internally and let tier 1 talk to the customer
const P_BOUNCE = 0.1;
const P_PING_PONG = 0.35;
const P_REASSIGN = 0.08;
const P_RESOLVE_AGAIN = 0.75;
const P_NOTE = 0.008;
const P_CSAT = 0.4;
// Time a tier needs once it owns the ticket (log-normal median and spread, by tier).
const RESOLUTION_MEDIAN = [0, 2 * HOUR, 20 * HOUR, 6 * HOUR];
const RESOLUTION_SIGMA = [0, 1.1, 0.8, 0.9];
const SPIKE_FACTOR = 2.3; // the incident week's target relative to the previous 4-week mean

// ---------------------------------------------------------------------------------------------
// Per-ticket event model.

type EventType =
	| 'created' | 'assigned' | 'reassigned' | 'responded' | 'escalated' | 'de_escalated'
	| 'resolved' | 'reopened' | 'sla_breached' | 'note';

interface Ev {
	t: number;
	type: EventType;
	from: number;
	to: number;
	kind: string;
	trigger: string;
	actor: string;
	team: number;
	note: string;
	/** Ticket state after this event: what the tickets row shows if the export is cut here. */
	tier: Tier;
	owner: string;
}

/** Mutable state of the ticket being simulated; one instance is reused for every ticket. */
interface Lifecycle {
	ev: Ev[];
	n: number;
	/** Time of the latest lifecycle step. */
	t: number;
	tier: Tier;
	team: number;
	owner: string;
	prio: number;
	speed: number;
	replied: boolean;
	escalated: boolean;
	bounced: boolean;
}

type Kind = 'functional' | 'hierarchical' | '';
type Trigger = 'technical_complexity' | 'sla_breach' | 'customer_sentiment' | 'high_value_impact' | 'customer_request' | 'other' | '';

const FUNCTIONAL_TRIGGERS: readonly Trigger[] = ['technical_complexity', 'customer_request', 'sla_breach', 'high_value_impact', 'customer_sentiment', 'other'];
const FUNCTIONAL_TRIGGER_CUMULATIVE = cumulate([0.74, 0.05, 0.05, 0.04, 0.04, 0.08]);
const HIERARCHICAL_TRIGGERS: readonly Trigger[] = ['customer_sentiment', 'sla_breach', 'high_value_impact', 'customer_request', 'other'];
const INCIDENT_TRIGGERS: readonly Trigger[] = ['technical_complexity', 'technical_complexity', 'high_value_impact', 'customer_sentiment', 'sla_breach'];
const HIERARCHICAL_TRIGGER_CUMULATIVE = cumulate([0.3, 0.22, 0.2, 0.18, 0.1]);

const ESCALATION_NOTES: Readonly<Record<string, readonly string[]>> = {
	technical_complexity: ['Needs log access, beyond frontline tools', 'Reproduced, looks like a bug', 'Requires a config change on our side', 'Customer-specific setup, needs an expert'],
	sla_breach: ['About to breach SLA, no capacity in tier 1', 'SLA at risk'],
	customer_sentiment: ['Customer is upset, asked for someone senior', 'Angry customer, handle with care'],
	high_value_impact: ['VIP account, revenue impact', 'Key account, CSM informed'],
	customer_request: ['Customer asked for a manager', 'Customer requested a call with an engineer'],
	other: ['See internal notes', 'Escalating per runbook'],
	'': ['']
};
const BOUNCE_NOTES = ['Needs more information from the customer first', 'Known issue, frontline macro covers it', 'Not a bug, configuration question'];
const HAND_BACK_NOTES = ['Fix deployed, tier 2 to confirm with the customer', 'Workaround provided, handing back'];
const REASSIGN_NOTES = ['Shift handover', 'Agent out of office', 'Rebalancing the queue', 'Customer prefers German', 'Moved to the agent who handled the last ticket'];
const INTERNAL_NOTES = ['Asked the customer for a HAR file', 'Checked the logs, nothing obvious', 'Linked to an existing bug report', 'Waiting for the customer to confirm', 'Sent the troubleshooting macro, "clear cache" step included'];
const NO_REPLY_NOTES = ['Closed without reply: duplicate', 'Closed without reply: spam', 'Customer solved it themselves'];

// ---------------------------------------------------------------------------------------------
// Output helpers.

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

function csvField(s: string): string {
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

/**
 * Streams rows through fixed-size chunks. Rows are encoded straight into an off-heap Buffer,
 * so a chunk being built never survives a young-generation GC (building it as a string made
 * garbage collection the single largest cost at a million tickets).
 */
class ChunkedFile {
	private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
	private used = 0;
	private failure: Error | undefined;
	private readonly stream: WriteStream;

	constructor(path: string) {
		this.stream = createWriteStream(path);
		// Without a listener an I/O error would crash the process instead of rejecting the call.
		this.stream.on('error', (e) => (this.failure = e));
	}
	line(s: string): void {
		// UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the newline.
		if (this.used + 3 * s.length + 1 > this.chunk.length) {
			this.send();
			if (3 * s.length + 1 > this.chunk.length) this.chunk = Buffer.allocUnsafe(3 * s.length + 1);
		}
		this.used += this.chunk.write(s, this.used, 'utf8');
		this.chunk[this.used++] = 0x0a;
	}
	/** Hands the chunk to the stream; a fresh one is needed because the stream keeps a reference. */
	private send(): void {
		if (this.used === 0) return;
		this.stream.write(this.chunk.subarray(0, this.used));
		this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
		this.used = 0;
	}
	/** True when the caller should stop producing until `drain()` resolves. */
	get blocked(): boolean {
		return this.stream.writableNeedDrain || this.failure !== undefined;
	}
	async drain(): Promise<void> {
		if (this.failure) throw this.failure;
		// Asked of the stream itself, not remembered from write(): while the caller awaited the
		// other file, this one may already have drained, and 'drain' would then never come again.
		if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
	}
	async close(): Promise<void> {
		this.send();
		await this.drain();
		this.stream.end();
		await finished(this.stream);
	}
	destroy(): void {
		this.stream.destroy();
	}
}

// ---------------------------------------------------------------------------------------------

interface Settings {
	tickets: number;
	seed: number;
	endSec: number;
	weeks: number;
	idPrefix: string;
}

function mondayOfCurrentWeekUtc(): Date {
	const now = new Date(Date.now());
	const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	return new Date(midnight - ((now.getUTCDay() + 6) % 7) * DAY * 1000);
}

function settings(opts: DemoOptions): Settings {
	if (!Number.isInteger(opts.tickets) || opts.tickets < 0) throw new RangeError(`tickets must be a non-negative integer, got ${opts.tickets}`);
	if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
	const weeks = opts.weeks ?? 20;
	if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError(`weeks must be a positive integer, got ${weeks}`);
	const end = opts.end ?? mondayOfCurrentWeekUtc();
	if (Number.isNaN(end.getTime())) throw new RangeError('end is not a valid date');
	const idPrefix = opts.idPrefix ?? 'DEMO';
	if (!/^[A-Z][A-Z0-9]*$/.test(idPrefix)) throw new RangeError(`idPrefix must be capital letters and digits, got ${JSON.stringify(idPrefix)}`);
	// Whole seconds: every timestamp is written with second precision and must stay before end.
	return { tickets: opts.tickets, seed: opts.seed, endSec: Math.floor(end.getTime() / 1000), weeks, idPrefix };
}

/** Generates the desk in creation order, one ticket (and its events) at a time. */
class DemoDesk {
	private readonly rng: Rng;
	private readonly timeRng: Rng;
	private readonly startSec: number;
	private readonly days: number;
	private readonly slotWeights: Float64Array;
	private readonly dayCounts: Int32Array;
	private readonly dayCache = new Map<number, Float64Array>();
	private readonly isoBase: number;

	private readonly incident: Incident;
	private readonly incidentCategory: Category;
	private readonly incidentId: string;
	private readonly spikeWeek: number;
	private readonly windowStart: number;
	private readonly windowEnd: number;
	/** Escalated events per ISO week of the incident's category; steers the spike. */
	private readonly spikeCategoryWeeks: Int32Array;
	private spikeTarget = -1;
	private windowRemaining = 0;

	private readonly customers: number;
	private readonly vipCustomers: number;
	private readonly isoDays: string[] = [];
	private readonly isoDayBase: number;
	private eventSeq = 0;
	private readonly lc: Lifecycle = {
		ev: [], n: 0, t: 0, tier: 1, team: 0, owner: '', prio: 1, speed: 1, replied: false, escalated: false, bounced: false
	};

	constructor(private readonly s: Settings) {
		this.rng = new Rng(hashSeed(s.seed, 0x5eed));
		this.timeRng = new Rng(hashSeed(s.seed, 0x7143));
		this.startSec = s.endSec - s.weeks * WEEK;
		this.days = s.weeks * 7;
		this.isoDayBase = Math.floor(this.startSec / DAY);
		const startWeekday = (new Date(this.startSec * 1000).getUTCDay() + 6) % 7; // Monday = 0
		this.isoBase = Math.floor(this.startSec / DAY) * DAY - startWeekday * DAY;

		this.incident = this.rng.pick(INCIDENTS);
		this.incidentCategory = CATEGORIES.find((c) => c.name === this.incident.category) as Category;
		this.incidentId = `INC-${1000 + this.rng.int(9000)}`;
		// Around three quarters into the range (week 15 of 20), with 4 full weeks of history
		// before it so the spike rule can judge it, and wholly before end.
		const lastFullWeek = Math.floor((s.endSec - this.isoBase) / WEEK) - 1;
		const firstJudgeable = this.startSec > this.isoBase ? 5 : 4;
		this.spikeWeek = Math.max(0, Math.min(lastFullWeek, Math.max(firstJudgeable, Math.round(s.weeks * 0.72))));
		const spikeMonday = this.isoBase + this.spikeWeek * WEEK;
		this.windowStart = spikeMonday + DAY + 9 * HOUR; // Tuesday 09:00
		this.windowEnd = spikeMonday + 3 * DAY + 15 * HOUR; // Thursday 15:00: provider fixed
		this.spikeCategoryWeeks = new Int32Array(Math.floor((s.endSec - this.isoBase) / WEEK) + 2);

		// A customer opens ~6 tickets over the range; 4% of customers are VIPs who open 20% of them.
		this.customers = Math.max(50, Math.round(s.tickets / 6));
		this.vipCustomers = Math.max(2, Math.floor(this.customers / 25));

		this.slotWeights = new Float64Array(this.days * 24);
		this.dayCounts = new Int32Array(this.days);
		this.planVolume();
	}

	/** Spreads the ticket count over days and hours: weekly rhythm, growth, holidays, incident. */
	private planVolume(): void {
		const dayTotals = new Float64Array(this.days);
		let total = 0;
		for (let d = 0; d < this.days; d++) {
			const noise = Math.exp(0.07 * this.timeRng.normal());
			for (let h = 0; h < 24; h++) {
				const t = this.startSec + d * DAY + h * HOUR;
				const date = new Date(t * 1000);
				const weekday = date.getUTCDay();
				const hour = date.getUTCHours();
				const hourly = weekday === 0 || weekday === 6 ? 0.5 * (WEEKDAY_HOURS[hour] as number) + 1.6 : (WEEKDAY_HOURS[hour] as number);
				const progress = (t - this.startSec) / (this.s.endSec - this.startSec);
				const growth = 1 + 0.25 * progress + 0.05 * Math.sin((2 * Math.PI * (t - this.startSec)) / (28 * DAY));
				const key = `${TWO_DIGITS[date.getUTCMonth() + 1]}-${TWO_DIGITS[date.getUTCDate()]}`;
				const holiday = HOLIDAYS[key] ?? 1;
				const incident = t >= this.windowStart && t < this.windowEnd ? 1.3 : 1;
				const w = hourly * (WEEKDAY_FACTOR[weekday] as number) * growth * holiday * incident * noise;
				this.slotWeights[d * 24 + h] = w;
				dayTotals[d] = (dayTotals[d] as number) + w;
			}
			total += dayTotals[d] as number;
		}
		// Cumulative rounding: day counts sum to exactly the requested number of tickets.
		let acc = 0;
		let assigned = 0;
		for (let d = 0; d < this.days; d++) {
			acc += dayTotals[d] as number;
			const upTo = d === this.days - 1 ? this.s.tickets : Math.round((this.s.tickets * acc) / total);
			this.dayCounts[d] = upTo - assigned;
			assigned = upTo;
		}
	}

	/** Sorted creation times of one day; memoised because the incident needs to look ahead. */
	private dayTimes(d: number): Float64Array {
		const cached = this.dayCache.get(d);
		if (cached) return cached;
		const n = this.dayCounts[d] as number;
		const cumulative: number[] = [];
		let sum = 0;
		for (let h = 0; h < 24; h++) cumulative.push((sum += this.slotWeights[d * 24 + h] as number));
		const times = new Float64Array(n);
		const dayStart = this.startSec + d * DAY;
		for (let i = 0; i < n; i++) times[i] = dayStart + this.timeRng.weighted(cumulative) * HOUR + this.timeRng.int(HOUR);
		times.sort();
		this.dayCache.set(d, times);
		return times;
	}

	async run(tickets: ChunkedFile, events: ChunkedFile): Promise<number> {
		let seq = 0;
		for (let d = 0; d < this.days; d++) {
			const times = this.dayTimes(d);
			for (let i = 0; i < times.length; i++) {
				seq++;
				this.ticket(seq, times[i] as number, tickets, events);
				if (tickets.blocked) await tickets.drain();
				if (events.blocked) await events.drain();
			}
			this.dayCache.delete(d);
		}
		return this.eventSeq;
	}

	private iso(t: number): string {
		const day = Math.floor(t / DAY);
		const idx = day - this.isoDayBase;
		let prefix = this.isoDays[idx];
		if (prefix === undefined) {
			prefix = new Date(day * DAY * 1000).toISOString().slice(0, 11);
			if (idx >= 0) this.isoDays[idx] = prefix;
		}
		let rest = t - day * DAY;
		const h = Math.floor(rest / HOUR);
		rest -= h * HOUR;
		const m = Math.floor(rest / MIN);
		return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[rest - m * MIN]}Z`;
	}

	private week(t: number): number {
		return Math.floor((t - this.isoBase) / WEEK);
	}

	/**
	 * Decides whether this ticket is one of the incident's. The number of incident tickets
	 * adapts to the escalations already counted, so the spike clears the SPEC rule (>= 2x
	 * the previous 4 weeks and >= 5) for any seed and any ticket count, yet stays about 2.5-3x.
	 */
	private isIncidentTicket(t0: number): boolean {
		if (t0 < this.windowStart || t0 >= this.windowEnd) return false;
		if (this.spikeTarget < 0) {
			let previous = 0;
			for (let w = this.spikeWeek - 4; w < this.spikeWeek; w++) if (w >= 0) previous += this.spikeCategoryWeeks[w] as number;
			this.spikeTarget = Math.max(5, Math.ceil(SPIKE_FACTOR * (previous / 4)));
			// This is the window's first ticket, so counting the whole window counts what is left.
			const lastDay = Math.min(this.days - 1, Math.floor((this.windowEnd - 1 - this.startSec) / DAY));
			for (let d = Math.floor((t0 - this.startSec) / DAY); d <= lastDay; d++) {
				for (const t of this.dayTimes(d)) if (t >= this.windowStart && t < this.windowEnd) this.windowRemaining++;
			}
		}
		const remaining = this.windowRemaining--;
		const needed = this.spikeTarget - (this.spikeCategoryWeeks[this.spikeWeek] as number);
		if (needed <= 0) return false;
		if (needed >= remaining) return true;
		// Front-loaded like a real outage: most tickets arrive when it starts.
		const shape = 1.6 - 1.2 * ((t0 - this.windowStart) / (this.windowEnd - this.windowStart));
		return this.rng.chance((needed / remaining) * shape);
	}

	private pickAgent(team: number, not = ''): string {
		const agents = (TEAMS[team] as Team).agents;
		// Skewed: a few agents carry more of the queue, as in any real team.
		let agent = agents[Math.floor(agents.length * Math.pow(this.rng.next(), 1.3))] as string;
		if (agent === not) agent = agents[(agents.indexOf(agent) + 1) % agents.length] as string;
		return agent;
	}

	private pickTrigger(kind: Kind, vip: boolean, frustrated: boolean, lateReply: boolean): Trigger {
		const r = this.rng;
		if (r.chance(0.04)) return ''; // helpdesk exports often lack the reason
		// The context a frontline agent sees wins often enough to make the mix meaningful.
		if (frustrated && r.chance(0.45)) return 'customer_sentiment';
		if (vip && r.chance(0.3)) return 'high_value_impact';
		if (lateReply && r.chance(0.35)) return 'sla_breach';
		return kind === 'hierarchical'
			? (HIERARCHICAL_TRIGGERS[r.weighted(HIERARCHICAL_TRIGGER_CUMULATIVE)] as Trigger)
			: (FUNCTIONAL_TRIGGERS[r.weighted(FUNCTIONAL_TRIGGER_CUMULATIVE)] as Trigger);
	}

	private pickKind(functionalShare: number): Kind {
		const x = this.rng.next();
		if (x < 0.04) return '';
		return x < 0.04 + 0.96 * functionalShare ? 'functional' : 'hierarchical';
	}

	private description(cat: Category, incident: boolean, frustrated: boolean, channel: Channel): string {
		const r = this.rng;
		let text = r.pick(incident ? this.incident.bodies : cat.bodies)(r);
		if (frustrated) {
			const phrase = r.pick(FRUSTRATION);
			text = r.chance(0.3) ? `${phrase} ${text}` : `${text} ${phrase}`;
		}
		if (channel === 'email' || channel === 'web') {
			// Emails keep their line breaks; that is what exercises multi-line CSV fields.
			if (r.chance(0.45)) text = `${r.pick(GREETINGS)}${r.chance(0.12) ? '\n' : ' '}${text}`;
			if (r.chance(0.4)) text += r.chance(0.1) ? `\nThanks,\n${r.pick(CUSTOMER_NAMES)}` : ` Thanks, ${r.pick(CUSTOMER_NAMES)}`;
		}
		return text;
	}

	private ticket(seq: number, t0: number, ticketsOut: ChunkedFile, eventsOut: ChunkedFile): void {
		const r = this.rng;
		const end = this.s.endSec;
		const incident = this.isIncidentTicket(t0);
		const cat = incident
			? this.incidentCategory
			: (CATEGORIES[r.weighted(CATEGORY_CUMULATIVE)] as Category);

		const vip = r.chance(0.2);
		let customer: number;
		if (vip) customer = r.int(this.vipCustomers) * 25 + 1;
		else {
			customer = Math.floor(this.customers * Math.pow(r.next(), 1.6));
			if (customer % 25 === 1) customer++; // that number belongs to a VIP
		}
		let prio = r.weighted(PRIORITY_CUMULATIVE);
		if (incident) prio = Math.max(prio, 2);
		else if ((vip || cat.name === 'performance' || cat.name === 'api') && prio < 3 && r.chance(0.2)) prio++;
		const priority = PRIORITIES[prio] as Priority;
		let channel = CHANNELS[r.weighted(CHANNEL_CUMULATIVE)] as Channel;
		if ((cat.name === 'api' || cat.name === 'integrations') && r.chance(0.25)) channel = 'api';
		const frustrated = r.chance(incident ? 0.3 : vip ? 0.12 : 0.085);
		const subject = r.pick(incident ? this.incident.subjects : cat.subjects)(r);
		const description = this.description(cat, incident, frustrated, channel);

		const created = new Date(t0 * 1000);
		const weekday = created.getUTCDay();
		const hour = created.getUTCHours();
		const offHours = weekday === 0 || weekday === 6 || hour < 7 || hour >= 20;
		// -- lifecycle, simulated to completion; the export cut at `end` is applied afterwards.
		const lc = this.lc;
		lc.n = 0;
		lc.tier = 1 as Tier; // widened: the helper methods move it, which narrowing cannot see
		lc.team = hour >= 6 && hour < 14 && weekday !== 0 && weekday !== 6 ? EMEA : AMERICAS;
		lc.owner = '';
		lc.prio = prio;
		lc.speed = PRIORITY_SPEED[prio] as number;
		lc.replied = false;
		lc.escalated = false;
		lc.bounced = false;
		const frontline = this.pickAgent(lc.team);
		this.push(t0, 'created', '');

		if ((channel === 'email' || channel === 'web') && r.chance(P_TRIAGE_ASSIGN)) {
			lc.owner = frontline;
			this.push(lc.t + Math.max(MIN, r.logNormal(20 * MIN, 0.8) * (offHours ? 2 : 1)), 'assigned', frontline, 'Routed from the general queue');
		}

		let pEscalate = 0.87 * cat.escalation * (PRIORITY_ESCALATION[prio] as number) * (vip ? 1.3 : 1) * (frustrated ? 1.6 : 1);
		if (channel === 'social') pEscalate *= 1.2;
		const escalates = incident || r.chance(Math.min(0.9, pEscalate));
		const noReply = !escalates && r.chance(P_NO_REPLY);
		const routed = escalates && !incident && r.chance(P_ROUTED_BEFORE_REPLY);
		const live = channel === 'chat' || channel === 'phone';

		let lateReply = false;
		if (!noReply && !routed) {
			const delay = Math.max(20, r.logNormal(live ? 90 : 13 * MIN, live ? 0.8 : 0.9) * (offHours ? 1.4 : 1) * lc.speed * (vip ? 0.7 : 1));
			lateReply = delay > (RESPONSE_TARGET[1] as number);
			lc.owner = frontline;
			this.push(Math.max(lc.t, t0 + delay), 'responded', frontline);
		}

		if (escalates) {
			const frontTeam = lc.team;
			if (incident) {
				const kind = r.chance(0.8) ? 'functional' : 'hierarchical';
				const trigger = r.pick(INCIDENT_TRIGGERS);
				const at = Math.max(lc.t + 5 * MIN, t0 + Math.min(6 * HOUR, Math.max(12 * MIN, r.logNormal(1.2 * HOUR, 0.8))));
				this.escalate(at, 2, cat, kind, trigger, `Linked to ${this.incidentId} (${this.incident.name})`, frontline);
				this.tierReply();
			} else {
				const direct = prio === 3 && r.chance(0.12);
				const kind = routed ? this.pickKind(0.92) : direct ? this.pickKind(0.3) : this.pickKind(frustrated || vip ? 0.45 : 0.68);
				const trigger = this.pickTrigger(kind, vip, frustrated, lateReply);
				const wait = routed ? r.logNormal(25 * MIN, 0.7) : r.logNormal(2 * HOUR, 1.0) * lc.speed;
				this.escalate(lc.t + Math.max(2 * MIN, wait), direct ? 3 : 2, cat, kind, trigger, this.noteFor(trigger), frontline);
				this.tierReply();
				if (r.chance(P_BOUNCE)) {
					const left = lc.tier === 3 ? 'tier 3' : 'tier 2';
					this.deEscalate(this.work(lc.t, Math.max(10 * MIN, r.logNormal(3 * HOUR, 0.9))), 1, r.pick(BOUNCE_NOTES), frontline, frontTeam);
					if (r.chance(P_PING_PONG)) {
						const again = this.pickTrigger('functional', vip, frustrated, lateReply);
						this.escalate(lc.t + Math.max(20 * MIN, r.logNormal(6 * HOUR, 0.9)), 2, cat, 'functional', again, `Back to ${left}: customer provided the details`, frontline);
						this.tierReply();
					}
				} else if (lc.tier === 2 && r.chance(cat.toTier3 * (prio >= 2 ? 1.4 : 1))) {
					const tier2Team = lc.team;
					const tier2Owner = lc.owner;
					const k = this.pickKind(0.88);
					const trig = r.chance(0.8) ? 'technical_complexity' : this.pickTrigger(k, vip, frustrated, false);
					const note = r.chance(0.5) ? 'Needs an engineer, opened a bug' : this.noteFor(trig);
					this.escalate(this.work(lc.t, Math.max(30 * MIN, r.logNormal(12 * HOUR, 0.8))), 3, cat, k, trig, note, frontline);
					this.tierReply();
					if (r.chance(0.12)) this.deEscalate(this.work(lc.t, Math.max(30 * MIN, r.logNormal(5 * HOUR, 0.8))), 2, r.pick(HAND_BACK_NOTES), tier2Owner, tier2Team);
				}
			}
		}
		if (!lc.owner) lc.owner = frontline;

		// Final segment: optional hand-over inside the tier, then resolution.
		let resolveAt = noReply
			? t0 + Math.max(5 * MIN, r.logNormal(3 * HOUR, 1.2))
			: this.work(lc.t, Math.max(3 * MIN, r.logNormal((RESOLUTION_MEDIAN[lc.tier] as number) * lc.speed, RESOLUTION_SIGMA[lc.tier] as number)));
		if (incident) resolveAt = Math.max(lc.t + 20 * MIN, this.windowEnd + r.logNormal(1.5 * HOUR, 0.7));
		if (!noReply && r.chance(P_REASSIGN)) {
			lc.owner = this.pickAgent(lc.team, lc.owner);
			this.push(lc.t + (resolveAt - lc.t) * (0.15 + 0.6 * r.next()), 'reassigned', lc.owner, r.pick(REASSIGN_NOTES));
		}
		this.push(Math.max(resolveAt, lc.t + MIN), 'resolved', lc.owner, noReply ? r.pick(NO_REPLY_NOTES) : '');

		const pReopen = 0.045 + (lc.escalated ? 0.03 : 0) + (lc.bounced ? 0.05 : 0) + (frustrated ? 0.04 : 0) + (lateReply ? 0.02 : 0);
		if (r.chance(pReopen)) {
			// Strictly later than the resolution (the SPEC needs that to undo it), usually a day or two.
			this.push(lc.t + Math.max(HOUR, r.logNormal(30 * HOUR, 0.9)), 'reopened', 'system', 'Customer replied: the problem is back');
			if (r.chance(P_RESOLVE_AGAIN)) this.push(lc.t + Math.max(10 * MIN, r.logNormal(8 * HOUR * lc.speed, 1.1)), 'resolved', lc.owner);
		}

		if (r.chance(P_NOTE)) {
			// Placed before the breach alerts are appended, while the steps are still in time order.
			const first = lc.ev[0] as Ev;
			const at = first.t + Math.floor(((lc.ev[lc.n - 1] as Ev).t - first.t) * r.next());
			let holder = first;
			for (let i = 0; i < lc.n; i++) if ((lc.ev[i] as Ev).t <= at) holder = lc.ev[i] as Ev;
			lc.tier = holder.tier;
			lc.team = holder.team;
			lc.owner = holder.owner;
			this.add(at, 'note', holder.owner || frontline, r.pick(INTERNAL_NOTES), 0, 0, '', '');
		}
		this.addSlaBreaches(noReply);
		const ev = lc.ev;
		sortByTime(ev, lc.n);

		// -- the export's snapshot at `end`.
		let kept = lc.n;
		while (kept > 0 && (ev[kept - 1] as Ev).t >= end) kept--;
		let firstResponse = -1;
		let resolvedAt = -1;
		let reopened = false;
		let breached = false;
		let escalatedSeen = false;
		let bouncedSeen = false;
		let lastResolver = '';
		for (let i = 0; i < kept; i++) {
			const e = ev[i] as Ev;
			if (e.type === 'responded' && firstResponse < 0) firstResponse = e.t;
			else if (e.type === 'resolved') {
				resolvedAt = e.t;
				lastResolver = e.actor;
			} else if (e.type === 'reopened') {
				resolvedAt = -1;
				reopened = true;
			} else if (e.type === 'sla_breached') breached = true;
			else if (e.type === 'escalated') {
				escalatedSeen = true;
				if (cat === this.incidentCategory) {
					const w = this.week(e.t);
					if (w >= 0 && w < this.spikeCategoryWeeks.length) this.spikeCategoryWeeks[w] = (this.spikeCategoryWeeks[w] as number) + 1;
				}
			} else if (e.type === 'de_escalated') bouncedSeen = true;
		}
		// Breach alerts carry no owner; the ticket's state is that of the last real step.
		let last = kept - 1;
		while (last > 0 && (ev[last] as Ev).type === 'sla_breached') last--;
		const state = ev[Math.max(0, last)] as Ev;

		let status: string;
		let assignee: string;
		let csat = '';
		if (resolvedAt >= 0) {
			status = resolvedAt <= end - 4 * DAY ? 'closed' : 'solved'; // helpdesks auto-close after 4 days
			assignee = lastResolver;
			if (r.chance(P_CSAT)) {
				const fast = resolvedAt - t0 < 4 * HOUR;
				const latent = 4.35 - (escalatedSeen ? 0.6 : 0) - (bouncedSeen ? 0.35 : 0) - (reopened ? 1.2 : 0) - (frustrated ? 0.5 : 0) - (breached ? 0.35 : 0) + (fast ? 0.25 : 0) + 0.95 * r.normal();
				csat = String(Math.min(5, Math.max(1, Math.round(latent))));
			}
		} else {
			assignee = state.owner;
			if (reopened) status = r.chance(0.45) ? 'pending' : 'open';
			else if (!state.owner) status = 'new';
			else if (state.tier > 1) status = r.chance(0.5) ? 'on_hold' : 'open';
			else status = r.chance(0.4) ? 'pending' : 'open';
		}

		const id = `${this.s.idPrefix}-${pad(seq, 6)}`;
		ticketsOut.line(
			`${id},${this.iso(t0)},${firstResponse >= 0 ? this.iso(firstResponse) : ''},${resolvedAt >= 0 ? this.iso(resolvedAt) : ''},${status},${priority},${channel},${cat.name},CUST-${pad(customer, 5)},${vip},${csvField((TEAMS[state.team] as Team).name)},${csvField(assignee)},${csat},${csvField(subject)},${csvField(description)}`
		);
		for (let i = 0; i < kept; i++) {
			const e = ev[i] as Ev;
			eventsOut.line(
				`${this.s.idPrefix}-E-${pad(++this.eventSeq, 7)},${id},${this.iso(e.t)},${e.type},${e.from || ''},${e.to || ''},${e.kind},${e.trigger},${csvField(e.actor)},${csvField((TEAMS[e.team] as Team).name)},${csvField(e.note)}`
			);
		}
	}

	/** Appends an event (reusing pooled objects: a million tickets would otherwise churn the GC). */
	private add(t: number, type: EventType, actor: string, note: string, from: number, to: number, kind: string, trigger: string): void {
		const lc = this.lc;
		let e = lc.ev[lc.n];
		if (e === undefined) {
			e = { t: 0, type: 'created', from: 0, to: 0, kind: '', trigger: '', actor: '', team: 0, note: '', tier: 1, owner: '' };
			lc.ev.push(e);
		}
		e.t = t;
		e.type = type;
		e.from = from;
		e.to = to;
		e.kind = kind;
		e.trigger = trigger;
		e.actor = actor;
		e.team = lc.team;
		e.note = note;
		e.tier = lc.tier;
		e.owner = lc.owner;
		lc.n++;
	}

	/** Lifecycle steps are strictly increasing in time, so replaying them never depends on file order. */
	private push(t: number, type: EventType, actor: string, note = '', from = 0, to = 0, kind = '', trigger = ''): void {
		const lc = this.lc;
		const at = lc.n === 0 ? Math.round(t) : Math.max(Math.round(t), lc.t + 1);
		this.add(at, type, actor, note, from, to, kind, trigger);
		lc.t = at;
		if (type === 'responded') lc.replied = true;
	}

	private escalate(at: number, to: Tier, cat: Category, kind: Kind, trigger: Trigger, note: string, frontline: string): void {
		const lc = this.lc;
		const from = lc.tier;
		const actor = lc.owner || frontline;
		lc.tier = to;
		lc.team = to === 3 ? PLATFORM_TEAM : to === 2 ? cat.tier2Team : lc.team;
		lc.owner = this.pickAgent(lc.team); // routing assigns the receiving tier's agent right away
		lc.escalated = true;
		this.push(at, 'escalated', actor, note, from, to, kind, trigger);
	}

	private deEscalate(at: number, to: Tier, note: string, backTo: string, backTeam: number): void {
		const lc = this.lc;
		const from = lc.tier;
		const actor = lc.owner;
		lc.tier = to;
		lc.team = backTeam;
		lc.owner = backTo;
		lc.bounced = true;
		this.push(at, 'de_escalated', actor, note, from, to);
	}

	private tierReply(): void {
		const lc = this.lc;
		// A ticket routed before any reply almost always gets its first answer from the new tier.
		if (this.rng.chance(lc.replied ? P_TIER_REPLY : 0.9)) {
			const median = lc.tier === 3 ? 25 * MIN : 90 * MIN;
			this.push(this.work(lc.t, Math.max(MIN, this.rng.logNormal(median * lc.speed, 0.9))), 'responded', lc.owner);
		}
	}

	/**
	 * Tiers 2 and 3 do not staff weekends (urgent tickets page the on-call) and tier 1 runs a
	 * skeleton crew: that is what leaves a realistic Monday-morning backlog.
	 */
	private work(from: number, d: number): number {
		const lc = this.lc;
		if (lc.prio === 3) return from + d;
		if (lc.tier === 1) return from + d * (isWeekend(from) ? 2 : 1);
		return addWeekdayTime(from, d);
	}

	private noteFor(trigger: Trigger): string {
		return this.rng.chance(0.6) ? this.rng.pick(ESCALATION_NOTES[trigger] ?? ['']) : '';
	}

	/**
	 * One `sla_breached` per missed target, stamped at the moment the target passed: tier 1's
	 * first reply and every tier's resolution clock, which stops when its segment ends.
	 */
	private breach(t: number, tier: Tier, team: number, note: string): void {
		const lc = this.lc;
		lc.tier = tier;
		lc.team = team;
		lc.owner = '';
		this.add(t, 'sla_breached', 'system', note, 0, 0, '', '');
	}

	private addSlaBreaches(noReply: boolean): void {
		const lc = this.lc;
		const ev = lc.ev;
		const n = lc.n;
		let segStart = (ev[0] as Ev).t;
		let segTier: Tier = 1;
		let segTeam = (ev[0] as Ev).team;
		let first = true;
		let reply = -1;
		for (let i = 1; i <= n; i++) {
			const e = i < n ? ev[i] : undefined;
			const closes = e === undefined || e.type === 'escalated' || e.type === 'de_escalated' || e.type === 'resolved';
			if (e !== undefined && e.type === 'responded' && reply < 0) reply = e.t;
			if (!closes) continue;
			const segEnd = e === undefined ? Infinity : e.t;
			if (first && !noReply) {
				const due = segStart + (RESPONSE_TARGET[1] as number);
				if ((reply < 0 ? segEnd : reply) > due && segEnd > due) this.breach(due, segTier, segTeam, 'First response target (1h) missed');
			}
			const target = RESOLUTION_TARGET[segTier] as number;
			if (segEnd > segStart + target) this.breach(segStart + target, segTier, segTeam, `Tier ${segTier} resolution target (${target / HOUR}h) missed`);
			if (e === undefined || e.type === 'resolved') break;
			segStart = e.t;
			segTier = e.tier;
			segTeam = e.team;
			first = false;
			reply = -1;
		}
	}
}

function isWeekend(t: number): boolean {
	const weekday = (Math.floor(t / DAY) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday like getUTCDay()
	return weekday === 6 || weekday === 0;
}

/** Adds `d` seconds counting only Monday-Friday (UTC). */
function addWeekdayTime(from: number, d: number): number {
	let t = from;
	let left = d;
	while (left > 0) {
		const day = Math.floor(t / DAY);
		if (isWeekend(t)) {
			t = (day + ((day + 4) % 7 === 6 ? 2 : 1)) * DAY;
			continue;
		}
		const step = Math.min(left, (day + 1) * DAY - t);
		t += step;
		left -= step;
	}
	return t;
}


/** Insertion sort: the arrays are tiny and nearly sorted, and it is stable (ties keep their order). */
function sortByTime(ev: Ev[], n: number): void {
	for (let i = 1; i < n; i++) {
		const x = ev[i] as Ev;
		let j = i - 1;
		while (j >= 0 && (ev[j] as Ev).t > x.t) {
			ev[j + 1] = ev[j] as Ev;
			j--;
		}
		ev[j + 1] = x;
	}
}

/**
 * Writes `tickets.csv` and `events.csv` (canonical format, LF, RFC 4180 quoting where needed)
 * into `dir`. The same options always produce byte-identical files.
 */
export async function writeDemoCsv(dir: string, opts: DemoOptions): Promise<DemoFiles> {
	const s = settings(opts);
	await mkdir(dir, { recursive: true });
	const ticketsPath = join(dir, 'tickets.csv');
	const eventsPath = join(dir, 'events.csv');
	const tickets = new ChunkedFile(ticketsPath);
	const events = new ChunkedFile(eventsPath);
	try {
		tickets.line(TICKET_FIELDS.join(','));
		events.line(EVENT_FIELDS.join(','));
		const eventCount = await new DemoDesk(s).run(tickets, events);
		await tickets.close();
		await events.close();
		return { ticketsPath, eventsPath, tickets: s.tickets, events: eventCount };
	} catch (e) {
		tickets.destroy();
		events.destroy();
		throw e;
	}
}
