import { error } from '@sveltejs/kit';
import { ticketId } from '$lib/params';
import { ticketDetail } from '$lib/server/ticket-detail';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const id = ticketId.safeParse(params.id);
	if (!id.success) error(400, `The ticket id ${id.error.issues[0]?.message ?? 'is not valid'}.`);
	const detail = await ticketDetail(id.data);
	if (!detail) error(404, `There is no ticket with the id “${id.data}” in the loaded data.`);
	return { detail };
};
