import { dataStatus } from '$lib/server/status';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async () => ({ status: await dataStatus() });
