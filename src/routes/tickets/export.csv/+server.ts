import { error } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { ticketListExport } from '$lib/server/ticket-list';
import type { RequestHandler } from './$types';

// Streams the whole list (all pages) as CSV, so a large export never sits in memory.
export const GET: RequestHandler = async ({ url }) => {
	let exp: Awaited<ReturnType<typeof ticketListExport>>;
	try {
		exp = await ticketListExport(url.searchParams);
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
	const { filename, chunks } = exp;
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { value, done } = await chunks.next();
				if (done) controller.close();
				else controller.enqueue(encoder.encode(value));
			} catch (err) {
				controller.error(err);
			}
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
};
