// How a review's status reads and looks wherever reviews are listed or exported (the list, the
// Markdown download and the print page). The other label maps live in src/lib/reviews/schema.ts.
import type { REVIEW_STATUSES } from '../../reviews/schema.ts';

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const STATUS_LABELS: Record<ReviewStatus, string> = { draft: 'Draft', in_review: 'In review', published: 'Published' };

/** The app.css badge modifier of each status. */
export const STATUS_BADGES: Record<ReviewStatus, string> = { draft: 'warn', in_review: '', published: 'good' };
