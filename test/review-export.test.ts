// A review as Markdown: the exact document for a small review built by hand, hostile titles and
// notes kept as plain text (no heading, HTML, link or broken table), hostile text in every
// field leaving the document's shape as plain text would (fast-check), the download's file name,
// and the built server's /reviews/<id>/export.md and /print routes on a real database (the
// print page also in Chromium's print mode, down to an A4 PDF).
// The route tests need `npm run build` first (npm test builds before running vitest).
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium } from '@playwright/test';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstance } from '../src/lib/server/db.ts';
import { escapeMarkdown, exportReview, reviewDocument, reviewMarkdown, slug } from '../src/lib/server/review-export.ts';
import { addAction, addFinding, addMoment, getReview, saveAnalysis, saveReviewStatus, saveSummary, startReview, type Review, type TimelineEntry } from '../src/lib/server/reviews.ts';
import { importCsv, startCli, tempDir, withDb } from './helpers.ts';

const event = (at: string, ticket: string, type: string, more: Partial<TimelineEntry> = {}): TimelineEntry => ({
	source: 'event',
	occurred_at: at,
	ticket_id: ticket,
	type,
	from_tier: null,
	to_tier: null,
	kind: null,
	trigger: null,
	actor: null,
	team: null,
	note: null,
	...more
});

const REVIEW: Review = {
	id: 7,
	title: 'Billing sync lag',
	status: 'published',
	version: 9,
	scope: { source: 'range', from: '2026-03-02', to: '2026-03-09', filters: { category: 'billing' } },
	facts: {
		tickets: 2,
		customers: 2,
		vip_tickets: 1,
		escalated_tickets: 2,
		escalations: 2,
		reopened_tickets: 0,
		resolved_tickets: 2,
		sla_response_missed: 3,
		sla_resolution_missed: 0,
		sla_breached_tickets: 2,
		csat_rated: 2,
		csat_satisfied: 1,
		csat_mean: 3.5,
		median_resolution_hours: 17,
		normal_resolution_hours: 5,
		normal_tickets: 2,
		categories: ['billing'],
		first_created: '2026-03-02T09:00:00.000Z',
		last_activity: '2026-03-04T09:00:00.000Z',
		by_trigger: [
			{ key: 'customer_sentiment', events: 1 },
			{ key: 'technical_complexity', events: 1 }
		],
		by_kind: [
			{ key: 'functional', events: 1 },
			{ key: 'hierarchical', events: 1 }
		],
		truncated: false
	},
	summary: { title: 'Billing sync lag', summary: 'Two billing tickets escalated.\nBoth at month end.', impact: 'Two customers waited a day.' },
	analysis: {
		root_cause: 'tooling',
		root_cause_detail: 'The sync job has no alert.',
		caught_earlier: 'Yes, by the lag graph.',
		warning_signs: '',
		prevent: 'An alert on lag.',
		trigger: 'Month-end invoices',
		whys: ['Sync lagged', 'Queue was full'],
		factors: [{ category: 'tools', description: 'No alert on lag' }],
		went_well: 'Tier 2 found it fast.',
		went_wrong: '',
		got_lucky: ''
	},
	checklist: ['facts_checked', 'blameless'],
	signed_off_by: 'Head of Support',
	step: 5,
	created_at: '2026-03-10T09:00:00.000Z',
	updated_at: '2026-03-12T16:30:00.000Z',
	published_at: '2026-03-12T16:30:00.000Z',
	ticket_ids: ['A', 'B'],
	moments: [{ id: 19, occurred_at: '2026-03-02T11:00:00.000Z', kind: 'diagnosis', note: 'Tier 2 saw the sync lag', ticket_id: null }],
	findings: [{ id: 20, title: 'No alert on sync lag', detail: 'Nobody watched the queue.' }],
	actions: [
		{
			id: 21,
			review_id: 7,
			finding_id: 20,
			title: 'Alert on lag over 5 min',
			type: 'detect',
			owner: 'Ops',
			due_date: '2026-03-20',
			status: 'done',
			target: { metric: 'escalation_count', category: 'billing' },
			completed_at: '2026-03-18T10:00:00.000Z',
			created_at: '2026-03-12T10:00:00.000Z',
			updated_at: '2026-03-18T10:00:00.000Z'
		},
		{
			id: 22,
			review_id: 7,
			finding_id: null,
			title: 'Runbook for the sync',
			type: 'knowledge_base',
			owner: 'Dana',
			due_date: '2026-04-01',
			status: 'open',
			target: null,
			completed_at: null,
			created_at: '2026-03-12T10:00:00.000Z',
			updated_at: '2026-03-12T10:00:00.000Z'
		}
	]
};

const TIMELINE: TimelineEntry[] = [
	event('2026-03-02T09:00:00.000Z', 'A', 'created'),
	event('2026-03-02T10:00:00.000Z', 'A', 'escalated', { from_tier: 1, to_tier: 2, kind: 'hierarchical', trigger: 'customer_sentiment', actor: 'Dana' }),
	{ ...event('2026-03-02T11:00:00.000Z', '', 'diagnosis', { source: 'moment', note: 'Tier 2 saw the sync lag', moment_id: 19 }), ticket_id: null },
	event('2026-03-02T19:00:00.000Z', 'A', 'resolved', { actor: 'Eli' })
];

const EXPECTED = `# Billing sync lag

- **Review:** 7
- **Status:** Published
- **Started:** 2026-03-10 09:00 UTC
- **Last changed:** 2026-03-12 16:30 UTC
- **Published:** 2026-03-12 16:30 UTC
- **Signed off by:** Head of Support

## Scope

Tickets escalated from 2026-03-02 to 2026-03-08 (both days included), filtered to category billing.

2 tickets: A, B.

## Summary

Two billing tickets escalated.\\
Both at month end.

### Impact

Two customers waited a day.

## Facts

_Computed from the data when the review was started._

| Fact | Value |
| --- | --- |
| Tickets | 2 |
| Customers | 2 |
| VIP tickets | 1 |
| Escalated tickets | 2 |
| Escalations | 2 |
| Escalations by trigger | customer sentiment 1, technical complexity 1 |
| Escalations by kind | functional 1, hierarchical 1 |
| Resolved tickets | 2 |
| Reopened tickets | 0 |
| SLA response targets missed | 3 |
| SLA resolution targets missed | 0 |
| Tickets with an SLA miss | 2 |
| CSAT | 1 of 2 rated tickets satisfied (mean 3.5) |
| Median time to resolution | 17 h |
| Normally | 5.0 h (2 tickets of these categories in the 8 weeks before) |
| Categories | billing |
| First ticket created | 2026-03-02 09:00 UTC |
| Last activity | 2026-03-04 09:00 UTC |

## Timeline

| When | Ticket | What | Detail |
| --- | --- | --- | --- |
| 2026-03-02 09:00 UTC | A | Created |  |
| 2026-03-02 10:00 UTC | A | Escalated tier 1 → 2 | hierarchical; customer sentiment; by Dana |
| 2026-03-02 11:00 UTC |  | Diagnosis (reviewers' note) | Tier 2 saw the sync lag |
| 2026-03-02 19:00 UTC | A | Resolved | by Eli |

## Root cause

**Root cause:** Tooling

The sync job has no alert.

**Could it have been caught earlier?**

Yes, by the lag graph.

**What were the warning signs?**

_Not written yet._

**What would have prevented it?**

An alert on lag.

**Trigger:** Month-end invoices

### Five whys

1. Sync lagged
2. Queue was full

### Contributing factors

| Category | Description |
| --- | --- |
| Tools and systems | No alert on lag |

### What went well

Tier 2 found it fast.

### What went wrong

_Not written yet._

### Where we got lucky

_Not written yet._

## Findings

### F1. No alert on sync lag

Nobody watched the queue.

## Action items

| # | Action | Type | Owner | Due | Status | Finding | Target metric |
| ---: | --- | --- | --- | --- | --- | --- | --- |
| 1 | Alert on lag over 5 min | Detect | Ops | 2026-03-20 | Done | F1 | Escalated tickets (count), category billing |
| 2 | Runbook for the sync | Knowledge base | Dana | 2026-04-01 | Open |  |  |

## Checklist and sign-off

- [x] The summary and impact were checked against the data
- [ ] The timeline has the detection, diagnosis and repair moments
- [ ] The team agrees on the root cause and the contributing factors
- [x] The text describes system conditions, not individual blame
- [ ] Every action has an owner and a due date

**Signed off by:** Head of Support
`;

describe('reviewMarkdown(reviewDocument(review, timeline))', () => {
	it('writes the whole review: scope, summary, facts, timeline, root cause, findings, actions and sign-off', () => {
		expect(reviewMarkdown(reviewDocument(REVIEW, TIMELINE))).toBe(EXPECTED);
	});

	it('says what is missing in a fresh draft instead of leaving empty sections', () => {
		const draft: Review = {
			...REVIEW,
			status: 'draft',
			published_at: null,
			signed_off_by: null,
			checklist: [],
			scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} },
			ticket_ids: ['A'],
			analysis: { ...REVIEW.analysis, root_cause: null, root_cause_detail: '', trigger: '', whys: [], factors: [] },
			findings: [],
			actions: [],
			moments: []
		};
		const md = reviewMarkdown(reviewDocument(draft, []));
		expect(md).toContain('- **Published:** not yet\n- **Signed off by:** not yet');
		expect(md).toContain('## Scope\n\nOne ticket, A (period 2026-03-02 to 2026-03-08).\n\n1 ticket: A.');
		expect(md).toContain('## Timeline\n\n_No events._');
		expect(md).toContain('**Root cause:** Not chosen yet\n\n**Could it have been caught earlier?**');
		expect(md).toContain('**Trigger:** _not written yet_\n\n### Five whys\n\n_Not written yet._\n\n### Contributing factors\n\n_None recorded._');
		expect(md).toContain('## Findings\n\n_None yet._\n\n## Action items\n\n_None yet._');
		expect(md).toContain('**Signed off by:** _not yet_\n');
	});

	it('describes a spike and a drill-down scope in words', () => {
		const spike = reviewDocument({ ...REVIEW, scope: { source: 'spike', from: '2026-03-02', to: '2026-03-09', filters: {}, spike: { category: 'billing', week_start: '2026-03-02' } } }, []);
		expect(spike.scope).toBe('A spike of billing escalations in the week of 2026-03-02.');
		const drill = reviewDocument({ ...REVIEW, scope: { source: 'tickets', from: '2026-03-02', to: '2026-03-09', filters: { priority: 'high' }, drill: { kpi: 'sla_response', part: 'denominator', sla_tier: '2' } } }, []);
		expect(drill.scope).toBe('The tickets behind the denominator of response SLA for 2026-03-02 to 2026-03-08 (sla tier 2), filtered to priority high.');
	});
});

describe('escapeMarkdown(text)', () => {
	it('keeps headings, HTML and links as plain text', () => {
		expect(escapeMarkdown('# hi <script>alert(1)</script>')).toBe('\\# hi \\<script\\>alert(1)\\</script\\>');
		expect(escapeMarkdown('[x](javascript:alert(1)) ![img](http://evil/x.png)')).toBe('\\[x\\](javascript:alert(1)) !\\[img\\](http\\://evil/x.png)');
		expect(escapeMarkdown('<https://evil.example> www.evil.example a@b.example')).toBe('\\<https\\://evil.example\\> www\\.evil.example a\\@b.example');
		expect(escapeMarkdown('&lt;b&gt; &#60;')).toBe('\\&lt;b\\&gt; \\&\\#60;');
	});

	it('keeps emphasis, code, strike-through and math as plain text', () => {
		expect(escapeMarkdown('*bold* _it_ `code` ~~gone~~ $x$ C:\\dir')).toBe('\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\$x\\$ C:\\\\dir');
	});

	it('keeps a table cell one cell: pipes escaped, lines joined with <br>', () => {
		expect(escapeMarkdown('| pipes |\nsecond line\r\nthird', 'cell')).toBe('\\| pipes \\|<br>second line<br>third');
		expect(escapeMarkdown('- not a list', 'cell')).toBe('- not a list');
	});

	it('keeps a block of lines from opening lists, quotes, headings or code', () => {
		const text = '  - item\n+ plus\n1. first\n2) second\n        code\n> quote\n===\n\n\n  next paragraph  \nC:\\path\\';
		expect(escapeMarkdown(text, 'block')).toBe(
			'\\- item\\\n\\+ plus\\\n1\\. first\\\n2\\) second\\\ncode\\\n\\> quote\\\n\\===\n\nnext paragraph\\\nC:\\\\path\\\\'
		);
	});

	it('joins lines with spaces for a heading or a list item, and drops control characters', () => {
		expect(escapeMarkdown('Title\n- with a dash\u0000\u001b[31m')).toBe('Title \\- with a dash\\[31m');
	});
});

/** REVIEW and TIMELINE with `text(n)` in each of their free-text fields, n counting the fields. */
function withText(text: (n: number) => string): { review: Review; timeline: TimelineEntry[] } {
	let n = 0;
	const t = () => text(n++);
	const review: Review = {
		...REVIEW,
		title: t(),
		scope: { source: 'spike', from: '2026-03-02', to: '2026-03-09', filters: { category: t(), team: t() }, spike: { category: t(), week_start: '2026-03-02' } },
		facts: { ...REVIEW.facts, categories: [t(), t()] },
		summary: { title: REVIEW.title, summary: t(), impact: t() },
		analysis: {
			...REVIEW.analysis,
			root_cause_detail: t(),
			caught_earlier: t(),
			warning_signs: t(),
			prevent: t(),
			trigger: t(),
			whys: [t(), t()],
			factors: [{ category: 'tools', description: t() }],
			went_well: t(),
			went_wrong: t(),
			got_lucky: t()
		},
		signed_off_by: t(),
		ticket_ids: [t(), t()],
		findings: [{ id: 20, title: t(), detail: t() }],
		actions: REVIEW.actions.map((a) => ({ ...a, title: t(), owner: t(), target: a.target && { ...a.target, category: t(), team: t() } }))
	};
	const timeline = TIMELINE.map((e) => ({ ...e, ticket_id: e.ticket_id === null ? null : t(), actor: e.actor === null ? null : t(), team: t(), note: t() }));
	return { review, timeline };
}

/** Every line's block type (heading, list, quote, code, fence, rule, table with its columns, paragraph) and its unescaped Markdown characters. */
function shape(markdown: string): string[] {
	return markdown.split('\n').map((line) => {
		const kind = /^ {0,3}(#{1,6})(\s|$)/.test(line)
			? `h${/^ *(#+)/.exec(line)![1].length}`
			: /^ {0,3}([-+*]|\d{1,9}[.)])(\s|$)/.test(line)
				? 'list'
				: /^ {0,3}>/.test(line)
					? 'quote'
					: /^( {4}|\t)/.test(line)
						? 'code'
						: /^ {0,3}(```|~~~)/.test(line)
							? 'fence'
							: /^ {0,3}([-*_=])\s*(\1\s*){2,}$/.test(line)
								? 'rule'
								: line.startsWith('|')
									? 'table'
									: line.trim()
										? 'text'
										: 'blank';
		let marks = '';
		for (let i = 0; i < line.length; i++) {
			if (line[i] === '\\') i++; // a backslash escape: the next character is text
			else if ('`*_[]<>|~&$#@'.includes(line[i])) marks += line[i]; // ! only makes an image before [, which is escaped
		}
		return `${kind} ${marks}`;
	});
}

/** Text the Markdown cannot misread: each visible character of `s` as an x, its spaces and line breaks kept. */
const plain = (s: string) => s.replace(/\S/g, 'x');

describe('reviewMarkdown with hostile text in every field', () => {
	const PAYLOADS = [
		'<script>window.__xss=1</script>',
		'<img src=x onerror="alert(1)">',
		'[click](javascript:alert(1)) ![img](http://evil.example/x.png) [ref]: http://evil.example',
		'<http://evil.example> www.evil.example user@evil.example',
		'`code` ``` fence ``` ~~~',
		'```\nfenced\n```',
		'| a | b |\n|---|---|\n| c | d |',
		'# heading\n## another\nsetext\n===\nand\n---',
		'*em* **strong** _em_ __strong__ ~~strike~~ $math$',
		'> quote\n- item\n+ item\n* item\n1. item\n2) item',
		'    indented code\n\ttabbed code',
		'&lt;b&gt; &#60;script&#62; &amp;',
		'trailing backslash \\\nC:\\dir\\',
		'@mention #123 !important'
	];

	it('keeps the document the same shape as with plain text: no heading, list, code, link, HTML or table column comes from the text', () => {
		for (const payload of PAYLOADS) {
			const hostile = withText(() => payload);
			const safe = withText(() => plain(payload));
			expect(shape(reviewMarkdown(reviewDocument(hostile.review, hostile.timeline))), payload).toEqual(shape(reviewMarkdown(reviewDocument(safe.review, safe.timeline))));
		}
	});

	it('holds for any mix of Markdown characters, field by field', () => {
		const char = fc.constantFrom(...'#*_[]()<>!`|~-+=.:/\\&$@;"\' x1 \n\t');
		fc.assert(
			fc.property(fc.array(fc.string({ unit: char, maxLength: 40 }), { minLength: 1, maxLength: 50 }), (texts) => {
				const hostile = withText((n) => texts[n % texts.length]);
				const safe = withText((n) => plain(texts[n % texts.length]));
				expect(shape(reviewMarkdown(reviewDocument(hostile.review, hostile.timeline)))).toEqual(shape(reviewMarkdown(reviewDocument(safe.review, safe.timeline))));
			}),
			{ numRuns: 300 }
		);
	});
});

describe('exportReview(id)', () => {
	it('escapes hostile text from the reviewers and from the imported data alike', () =>
		withDb(async (db, dir) => {
			await importCsv(
				db,
				dir,
				'ticket_id,created_at,resolved_at,category\n"T|1",2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,<b>billing</b>\n',
				'ticket_id,occurred_at,type,from_tier,to_tier,actor,note\n"T|1",2026-03-02T10:00:00Z,escalated,1,2,"[Dana](javascript:alert(1))","<img src=x onerror=alert(1)>"\n'
			);
			const id = await startReview({ scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticketIds: ['T|1'] }, db);
			const v = async () => String((await getReview(id, db)).version);
			await saveSummary(id, { version: await v(), title: '# hi <script>alert(1)</script>', summary: '[x](javascript:alert(1))\n# not a heading', impact: '| a | b |' }, db);
			await addMoment(id, { version: await v(), occurred_at: '2026-03-02T11:00:00Z', kind: 'detection', note: 'line one\n| broken | table |' }, db);
			await saveAnalysis(id, { version: await v(), root_cause: 'tooling', whys: ['1. nested list?'], factors: [{ category: 'tools', description: '<iframe src=evil>' }] }, db);
			const finding = await addFinding(id, { version: await v(), title: '## finding <u>x</u>', detail: '```\ncode fence\n```' }, db);
			await addAction(id, { version: await v(), title: 'Fix | the | table', type: 'detect', owner: '@owner', due_date: '2026-03-20', finding_id: String(finding) }, db);
			await saveReviewStatus(id, { version: await v(), status: 'in_review', checklist: ['blameless'], signed_off_by: '*Boss*' }, db);

			const { filename, markdown } = await exportReview(id, db);
			expect(filename).toBe(`review-${id}-hi-script-alert-1-script.md`);
			const lines = markdown.split('\n');
			expect(lines[0]).toBe('# \\# hi \\<script\\>alert(1)\\</script\\>');
			expect(markdown).toContain('\n\\[x\\](javascript:alert(1))\\\n\\# not a heading\n');
			expect(markdown).toContain('### Impact\n\n\\| a \\| b \\|\n');
			expect(markdown).toContain('One ticket, T\\|1 (period 2026-03-02 to 2026-03-08).');
			expect(markdown).toContain('| Categories | \\<b\\>billing\\</b\\> |');
			expect(markdown).toContain('| 2026-03-02 10:00 UTC | T\\|1 | Escalated tier 1 → 2 | by \\[Dana\\](javascript:alert(1)); \\<img src=x onerror=alert(1)\\> |');
			expect(markdown).toContain('| 2026-03-02 11:00 UTC |  | Detection (reviewers\' note) | line one<br>\\| broken \\| table \\| |');
			expect(markdown).toContain('1. 1\\. nested list?');
			expect(markdown).toContain('| Tools and systems | \\<iframe src=evil\\> |');
			expect(markdown).toContain('### F1. \\#\\# finding \\<u\\>x\\</u\\>\n\n\\`\\`\\`\\\ncode fence\\\n\\`\\`\\`\n');
			expect(markdown).toContain('| 1 | Fix \\| the \\| table | Detect | \\@owner | 2026-03-20 | Open | F1 |  |');
			expect(markdown).toContain('**Signed off by:** \\*Boss\\*\n');
			// Every table row has exactly its columns: no cell text added a column.
			for (const line of lines.filter((l) => l.startsWith('| '))) {
				const columns = line.replace(/\\\|/g, '').split('|').length - 2;
				expect([2, 4, 8]).toContain(columns);
			}
			// Nothing outside a backslash escape opens a tag anywhere (the only HTML is our <br>).
			expect(markdown.replace(/<br>/g, '')).not.toMatch(/(^|[^\\])</m);
		}));
});

describe('slug(title)', () => {
	it('keeps ASCII letters and digits, folds accents, and never returns an empty name', () => {
		expect(slug('Billing sync lag')).toBe('billing-sync-lag');
		expect(slug('Café — ÉTÉ 2026!')).toBe('cafe-ete-2026');
		expect(slug('"; rm -rf / ..')).toBe('rm-rf');
		expect(slug('请')).toBe('review');
		expect(slug('x'.repeat(100))).toHaveLength(60);
	});
});

describe('GET /reviews/<id>/export.md and /reviews/<id>/print (built server)', () => {
	let server: ChildProcess;
	let url: string;
	let dir: string;
	let id: number;

	beforeAll(async () => {
		dir = tempDir();
		const db = path.join(dir, 'served.duckdb');
		await importCsv(db, dir, 'ticket_id,created_at,category\nA,2026-03-02T09:00:00Z,billing\n', 'ticket_id,occurred_at,type,from_tier,to_tier\nA,2026-03-02T10:00:00Z,escalated,1,2\n');
		id = await startReview({ scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticketIds: ['A'], title: 'Café <b>lag</b>' }, db);
		await closeInstance(db);
		const started = await startCli(['serve', '--no-build', '--port', '0', '--db', db], /serving .* at (http:\/\/\S+)/);
		server = started.child;
		url = started.match[1];
	}, 120_000);

	afterAll(async () => {
		if (server && server.exitCode === null) {
			server.kill('SIGTERM');
			await new Promise((r) => server.once('exit', r));
		}
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('downloads the Markdown as an attachment named after the review', async () => {
		const res = await fetch(`${url}/reviews/${id}/export.md`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="review-${id}-cafe-b-lag-b.md"`);
		const text = await res.text();
		expect(text.startsWith('# Café \\<b\\>lag\\</b\\>\n')).toBe(true);
		expect(text).toContain('One ticket, A (period 2026-03-02 to 2026-03-08).');
	});

	it('shows the print page with the same content, the title as text', async () => {
		const res = await fetch(`${url}/reviews/${id}/print`);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Café &lt;b>lag&lt;/b>');
		expect(html).not.toContain('<b>lag</b>');
		expect(html).toContain('One ticket, A (period 2026-03-02 to 2026-03-08).');
	});

	it('prints on A4 pages without the navigation or its own controls', async () => {
		const executablePath = fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
		const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
		try {
			const page = await browser.newPage();
			await page.goto(`${url}/reviews/${id}/print`);
			expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(true);
			await page.emulateMedia({ media: 'print' });
			expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
			expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
			expect(await page.getByTestId('print-title').textContent()).toBe('Café <b>lag</b>');
			const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })).toString('latin1');
			const pages = pdf.match(/\/Type\s*\/Page(?!s)/g) ?? [];
			expect(pages.length).toBeGreaterThanOrEqual(1);
			// A4 is 210 x 297 mm = 595.3 x 841.9 points; Chromium rounds to whole CSS pixels.
			const [, w, h] = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf) ?? [];
			expect(Number(w)).toBeCloseTo(595.3, 0);
			expect(Number(h)).toBeCloseTo(841.9, 0);
		} finally {
			await browser.close();
		}
	}, 60_000);

	it('answers 404 for a review that does not exist, 400 naming the parameter for an id that is not one', async () => {
		for (const path of [`/reviews/${id + 1000}/export.md`, `/reviews/${id + 1000}/print`]) {
			expect((await fetch(`${url}${path}`)).status, path).toBe(404);
		}
		for (const path of ['/reviews/abc/export.md', '/reviews/0/print', '/reviews/1e3/print']) {
			const res = await fetch(`${url}${path}`);
			expect(res.status, path).toBe(400);
			expect(await res.text(), path).toContain('review id must be a whole number from 1');
		}
	});
});
