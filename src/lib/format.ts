// Number and date formats, defined once for every page (en-US grouping, UTC dates).

const count = new Intl.NumberFormat('en-US');
const date = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('en-US', {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	timeZone: 'UTC',
	timeZoneName: 'short'
});

export const formatCount = (n: number | null | undefined) => (n === null || n === undefined ? '–' : count.format(n));
export const formatDate = (iso: string | null | undefined) => (iso ? date.format(new Date(iso)) : '–');
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '–');

export function formatBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
	if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
	return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** "1 warning", "3 warnings". */
export const plural = (n: number, word: string, many = `${word}s`) => `${count.format(n)} ${n === 1 ? word : many}`;
