// The fast-check generators of canonical import files shared by the fuzz tests: tables built
// from the real columns and junk, written as CSV, JSON or NDJSON with hostile layouts.
import fc from 'fast-check';
import { EVENT_TYPES, KINDS, PRIORITIES, TRIGGERS } from '../src/lib/import/canonical.ts';

export const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];

// ---------------------------------------------------------------- CSV / JSON writing

/** How a CSV cell is written: quoted when it must be, always, or broken (never closed, or text after the closing quote). */
export type Quoting = 'auto' | 'always' | 'unclosed' | 'trailing';

function csvCell(v: string, quoting: Quoting): string {
	if (quoting === 'unclosed') return `"${v}`;
	if (quoting === 'trailing') return `"${v}"x`;
	if (quoting === 'always' || /[",\r\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
	return v;
}

export interface Table {
	header: string[];
	rows: string[][];
}

export interface Layout {
	format: 'csv' | 'json' | 'ndjson';
	/** JSON on one line, as most APIs write it (every record then starts on line 1). */
	minified: boolean;
	bom: boolean;
	crlf: boolean;
	finalNewline: boolean;
	/** Per cell: how it is quoted (CSV) or written (JSON). */
	quoting: Quoting[];
	blankLines: number[];
	jsonStyle: ('string' | 'number' | 'null' | 'nested')[];
}

export function serialize(t: Table, l: Layout): string {
	const nl = l.crlf ? '\r\n' : '\n';
	let out: string;
	let q = 0;
	const quoting = () => l.quoting[q++ % l.quoting.length] ?? 'auto';
	const style = () => l.jsonStyle[q++ % l.jsonStyle.length] ?? 'string';
	if (l.format === 'csv') {
		const lines = [t.header.map((h) => csvCell(h, 'auto')).join(','), ...t.rows.map((r) => r.map((v) => csvCell(v, quoting())).join(','))];
		for (const at of l.blankLines) lines.splice(Math.min(at, lines.length), 0, '');
		out = lines.join(nl);
	} else {
		const records = t.rows.map((r) => {
			const o: Record<string, unknown> = {};
			t.header.forEach((h, i) => {
				const v = r[i];
				if (v === undefined) return;
				const s = style();
				o[h] = s === 'number' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : s === 'null' ? null : s === 'nested' ? { v } : v;
			});
			return o;
		});
		if (l.format === 'ndjson') out = records.map((r) => JSON.stringify(r)).join(nl);
		else if (l.minified) out = JSON.stringify(records);
		else out = `[${nl}${records.map((r) => JSON.stringify(r)).join(`,${nl}`)}${nl}]`;
	}
	return (l.bom ? '\uFEFF' : '') + out + (l.finalNewline ? nl : '');
}

export const layoutArb: fc.Arbitrary<Layout> = fc.record({
	format: fc.constantFrom<Layout['format'][]>('csv', 'csv', 'csv', 'json', 'ndjson'),
	minified: fc.boolean(),
	bom: fc.boolean(),
	crlf: fc.boolean(),
	finalNewline: fc.boolean(),
	quoting: fc.array(
		fc.oneof({ weight: 30, arbitrary: fc.constant<Quoting>('auto') }, { weight: 8, arbitrary: fc.constant<Quoting>('always') }, { weight: 1, arbitrary: fc.constantFrom<Quoting[]>('unclosed', 'trailing') }),
		{ minLength: 1, maxLength: 40 }
	),
	blankLines: fc.array(fc.nat(30), { maxLength: 2 }),
	jsonStyle: fc.array(fc.constantFrom<Layout['jsonStyle'][number][]>('string', 'string', 'string', 'number', 'null', 'nested'), { minLength: 1, maxLength: 10 })
});

// ---------------------------------------------------------------- values

export const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
export const junk = fc.string({ maxLength: 12 });
export const unicode = fc.string({ unit: 'grapheme', maxLength: 30 });

/** Timestamps: valid with Z or an offset, naive, date only, impossible dates, garbage. */
export const timestampArb: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: fc.date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) },
	{
		weight: 4,
		arbitrary: fc
			.record({
				y: fc.integer({ min: 1, max: 9999 }),
				mo: fc.integer({ min: 0, max: 13 }),
				d: fc.integer({ min: 0, max: 32 }),
				h: fc.integer({ min: 0, max: 24 }),
				mi: fc.integer({ min: 0, max: 60 }),
				s: fc.option(fc.integer({ min: 0, max: 60 })),
				frac: fc.option(fc.stringMatching(/^\d{1,12}$/)),
				sep: fc.constantFrom('T', ' ', 't'),
				zone: fc.constantFrom('', '', 'Z', 'z', '+01:00', '-05:00', '+0530', '+14:00', '-12:00', '+99:99', '+1:00')
			})
			.map(({ y, mo, d, h, mi, s, frac, sep, zone }) => `${pad(y, 4)}-${pad(mo)}-${pad(d)}${sep}${pad(h)}:${pad(mi)}${s === null ? '' : `:${pad(s)}${frac === null ? '' : `.${frac}`}`}${zone}`)
	},
	{ weight: 1, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
	{ weight: 1, arbitrary: fc.constantFrom('2026-02-30', '2026-03-29T02:30', '2026-10-25 02:30:00', '0000-01-01', '9999-12-31T23:59:59.999999999-14:00', '2026-03-02T09:00:00+00', ' 2026-03-02 ', '') },
	{ weight: 1, arbitrary: junk }
);

/** An enum value: valid in any case and with spaces, or not. */
export const enumArb = (values: readonly string[]) =>
	fc.oneof(
		{ weight: 5, arbitrary: fc.tuple(fc.constantFrom(...values), fc.constantFrom('', ' '), fc.boolean()).map(([v, sp, up]) => `${sp}${up ? v.toUpperCase() : v}${sp}`) },
		{ weight: 2, arbitrary: fc.constant('') },
		{ weight: 1, arbitrary: junk }
	);

export const idArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('T1', 'T2', 'T3', 'T4', ' T1 ', 't1', 'T5') }, { weight: 1, arbitrary: fc.constant('') }, { weight: 1, arbitrary: junk });
export const intArb = (min: number, max: number) => fc.oneof({ weight: 5, arbitrary: fc.integer({ min, max }).map(String) }, fc.constantFrom('', ' 3 ', '2.5', '+1', '1e0', '99999999999999999999'), junk);
/** Cells longer than papaparse's and the sniffer's chunks, with quotes, commas and newlines in them. */
export const longText = fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'ä"x,\n'.repeat(Math.ceil(n / 5)).slice(0, n));
export const textArb = fc.oneof({ weight: 40, arbitrary: unicode }, { weight: 10, arbitrary: fc.constantFrom('', 'a,b', 'say "hi"', 'two\nlines', 'cr\rlf\r\n', '=1+1') }, { weight: 1, arbitrary: longText });

export const VALUE: Record<string, fc.Arbitrary<string>> = {
	ticket_id: idArb,
	event_id: fc.oneof(fc.constantFrom('E1', 'E2', 'E3', ''), junk),
	created_at: timestampArb,
	first_response_at: timestampArb,
	resolved_at: timestampArb,
	occurred_at: timestampArb,
	priority: enumArb(PRIORITIES),
	status: enumArb(['new', 'open', 'pending', 'on_hold', 'solved', 'closed']),
	vip: fc.constantFrom('true', 'FALSE', 'yes', 'No', '1', '0', '', ' maybe'),
	csat_score: intArb(-1, 7),
	type: enumArb(EVENT_TYPES),
	from_tier: intArb(0, 10),
	to_tier: intArb(0, 10),
	kind: enumArb(KINDS),
	trigger: enumArb(TRIGGERS)
};
export const valueFor = (column: string) => VALUE[column.trim().toLowerCase()] ?? textArb;

/** A column name as exports write it: any case, padded, or junk. */
export const columnVariant = (name: string) => fc.constantFrom(name, name.toUpperCase(), ` ${name} `, name.replace(/^./, (c) => c.toUpperCase()));

/** A canonical file's table: required columns usually there, optional ones and junk columns shuffled in. */
export function tableArb(fields: readonly string[], required: readonly string[]): fc.Arbitrary<Table> {
	const optional = fields.filter((f) => !required.includes(f));
	return fc
		.tuple(
			fc.subarray([...required]),
			fc.integer({ min: 0, max: 9 }).map((n) => n > 0), // usually all required columns
			fc.subarray(optional),
			fc.array(junk, { maxLength: 2 }),
			fc.array(fc.constantFrom(...fields), { maxLength: 1 }) // a repeated column
		)
		.chain(([req, allRequired, opt, extra, repeated]) => {
			const names = [...(allRequired ? required : req), ...opt, ...extra, ...repeated];
			return fc.shuffledSubarray(names, { minLength: names.length }).chain((order) =>
				fc.tuple(
					fc.tuple(...order.map(columnVariant)),
					fc.array(
						fc.tuple(fc.tuple(...order.map(valueFor)), fc.integer({ min: -2, max: 2 }), junk).map(([cells, shape, more]) =>
							// A short row (cells dropped at the end) or a long one (a junk cell added).
							shape < 0 ? cells.slice(0, Math.max(0, cells.length + shape)) : shape === 2 ? [...cells, more] : cells
						),
						{ maxLength: 12 }
					)
				)
			);
		})
		.map(([header, rows]) => ({ header, rows }));
}

export const EXT: Record<Layout['format'], string[]> = { csv: ['.csv', '.txt', ''], json: ['.json', ''], ndjson: ['.ndjson', '.jsonl', ''] };
