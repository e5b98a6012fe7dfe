// CSV output shared by every export: RFC 4180 quoting, and cells that a spreadsheet would
// run as a formula (= + - @, tab, carriage return) are prefixed with a quote to neutralise them.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let s = typeof value === 'string' ? value : String(value);
	if (FORMULA_START.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
	return values.map(csvCell).join(',') + '\r\n';
}
