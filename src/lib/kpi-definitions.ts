// What each KPI means, for the "how is this computed?" popovers: SPEC.md's definition, the
// queries/ file that implements it, and which direction is good (for colouring deltas).

export interface KpiDefinition {
	title: string;
	definition: string;
	file: string;
	/** 'up' when a higher value is better. */
	better: 'up' | 'down';
	/** Its name in the drill-down (/tickets?kpi=...). */
	kpi?: string;
}

export const KPI_DEFINITIONS = {
	escalation_rate: {
		title: 'Escalation rate',
		definition:
			'Of the tickets whose created_at is in the period, the share that are escalated (at least one escalated event, at any time).',
		file: 'queries/escalation_rate.sql',
		better: 'down',
		kpi: 'escalation_rate'
	},
	fcr: {
		title: 'First contact resolution',
		definition:
			'Tickets resolved in the period with 0 handoffs (escalated, de_escalated or reassigned events) and never reopened, over the tickets resolved in the period.',
		file: 'queries/fcr.sql',
		better: 'up',
		kpi: 'fcr'
	},
	reopen_rate: {
		title: 'Reopen rate',
		definition: 'Tickets resolved in the period that have any reopened event, over the tickets resolved in the period.',
		file: 'queries/reopen_rate.sql',
		better: 'down',
		kpi: 'reopen_rate'
	},
	mttr_by_tier: {
		title: 'Time to resolve, by tier',
		definition:
			'For tickets resolved in the period, grouped by the tier they were resolved at: the resolution time minus the start of that tier segment, in hours (median and mean).',
		file: 'queries/mttr_by_tier.sql',
		better: 'down',
		kpi: 'mttr_by_tier'
	},
	csat: {
		title: 'CSAT, escalated vs not',
		definition:
			'Among tickets resolved in the period that have a CSAT score: the share scoring 4 or 5 ("satisfied"), for escalated and for not escalated tickets.',
		file: 'queries/csat.sql',
		better: 'up',
		kpi: 'csat'
	},
	sla_by_tier: {
		title: 'SLA compliance, by tier',
		definition:
			"Per tier segment started in the period: response met if a reply falls inside the segment within the tier's response target; resolution met if the tier hands the ticket on or resolves it within its resolution target. Open segments still inside their target are left out, and so are segments that lasted no time (a ticket routed straight to a higher tier).",
		file: 'queries/sla_by_tier.sql',
		better: 'up',
		kpi: 'sla_resolution'
	}
} satisfies Record<string, KpiDefinition>;
