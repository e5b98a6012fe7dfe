// The shared parameter schemas of src/lib/params.ts: what a filter value, a search, an id and a
// date may look like. The routes' use of them is tested over HTTP in sqli.test.ts.
import { describe, expect, it } from 'vitest';
import { describeIssues, filterValue, isoDate, recordId, searchText, ticketId, wholeNumber } from '../src/lib/params.ts';

const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('filterValue', () => {
	it('accepts the names of teams, channels, categories and people, in any script', () => {
		for (const v of ['billing', 'data-export', 'Billing & Accounts', 'API & Integrations', '(none)', 'Chloé Martin', 'Isabel Fernández', 'サポート 東京', 'O’Brien', 'tier 2 / EMEA', 'ops@example.com', '#support: chat', 'A+B, C.', 'x'.repeat(100)]) {
			expect(ok(filterValue, v), v).toBe(true);
		}
		expect(filterValue.parse('  billing ')).toBe('billing');
	});

	it('refuses quotes, semicolons, SQL comments, backslashes, control characters and long values', () => {
		for (const v of ["O'Brien", 'say "hi"', 'a;b', 'a--b', 'a/*b', 'a*b', 'C:\\dir', 'a\u0000b', 'a\tb', 'a\nb', 'a=b', '<b>', 'x'.repeat(101), '', '   ', '`x`', 'a%b']) {
			expect(ok(filterValue, v), JSON.stringify(v)).toBe(false);
		}
	});

	it('says which characters it takes', () => {
		const r = filterValue.safeParse("billing'; DROP TABLE tickets;--");
		expect(r.success).toBe(false);
		if (!r.success) expect(describeIssues(r.error, 'team')).toBe('team may only hold letters, digits, spaces and _ . , & + ( ) / # : @ - ’; team may not hold --');
	});
});

describe('searchText', () => {
	it('accepts quotes and punctuation (a search is data), but not control characters or huge text', () => {
		for (const v of ["can't log in", '"exact phrase"', "%' OR 1=1 --", 'C:\\path']) expect(ok(searchText, v), v).toBe(true);
		for (const v of ['a\u0000b', 'line\nbreak', 'x'.repeat(201), '  ']) expect(ok(searchText, v), JSON.stringify(v)).toBe(false);
	});
});

describe('ticketId', () => {
	it('accepts helpdesk ids and refuses empty, huge, control-character or quoted ids', () => {
		expect(ticketId.parse(' ZD-123/4 ')).toBe('ZD-123/4');
		for (const v of ['DEMO-000123', 'INC0010001', '12345', 'SUP-7', 'XSS-1']) expect(ok(ticketId, v), v).toBe(true);
		for (const v of ['', 'x'.repeat(201), 'a\u0000b', "T1' OR 1=1", 'T1;--', 'T--1']) expect(ok(ticketId, v), JSON.stringify(v)).toBe(false);
	});
});

describe('recordId and wholeNumber', () => {
	it('read plain digits only, in range', () => {
		expect(recordId.parse('42')).toBe(42);
		expect(recordId.parse(42)).toBe(42);
		for (const v of ['0', '-1', '1e3', '0x10', '1.5', '1 OR 1=1', '', '2147483648', 1.5, 0]) expect(ok(recordId, v), String(v)).toBe(false);
		const tier = wholeNumber(1, 9);
		expect(tier.parse('2')).toBe(2);
		for (const v of ['0', '10', '+2', '2e0', '0x2', 'two']) expect(ok(tier, v), v).toBe(false);
	});
});

describe('isoDate', () => {
	it('takes real calendar dates as YYYY-MM-DD only', () => {
		expect(ok(isoDate, '2024-02-29')).toBe(true);
		for (const v of ['2026-02-30', '2026-13-01', '2026-3-1', "2026-03-02'; --", '2026-03-02T00:00']) expect(ok(isoDate, v), v).toBe(false);
	});
});
