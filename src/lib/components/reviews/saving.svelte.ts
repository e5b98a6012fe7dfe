// Saving with JavaScript: every form of the review goes through one queue, so a save never
// starts from a version another save of this page is about to replace (an auto-save on blur
// followed by a click on Save would otherwise conflict with itself). A save that stays on its
// step keeps the scroll position and focus; a refused save reloads the review underneath the
// kept input, so the form is re-based on the version now saved, and drops any queued save so
// nothing is written over the other person's version without the user deciding to.
import { goto, invalidateAll } from '$app/navigation';
import type { SubmitFunction } from '@sveltejs/kit';

/** Long enough for the click that blurred a field to submit its form itself. */
const AUTO_SAVE_DELAY_MS = 300;

export class SaveQueue {
	saving = $state(false);
	#queued: { form: HTMLFormElement; submitter: HTMLElement | null } | null = null;
	#pending = new Map<HTMLFormElement, ReturnType<typeof setTimeout>>();

	/**
	 * For use:enhance; `onSaved` runs after a save went through (the "add" forms start afresh);
	 * `confirm` asks first (deleting; without JavaScript the audit log keeps what was deleted).
	 */
	enhance =
		(opts: { onSaved?: () => void; confirm?: string } = {}): SubmitFunction =>
		({ cancel, formElement, submitter }) => {
			if (opts.confirm && !window.confirm(opts.confirm)) {
				cancel();
				return;
			}
			clearTimeout(this.#pending.get(formElement));
			this.#pending.delete(formElement);
			if (this.saving) {
				cancel();
				this.#queued = { form: formElement, submitter };
				return;
			}
			this.saving = true;
			return async ({ result, update }) => {
				let saved = false;
				try {
					if (result.type === 'redirect') {
						const to = new URL(result.location, location.href);
						const here = new URL(location.href);
						const same = to.pathname === here.pathname && to.searchParams.get('step') === (here.searchParams.get('step') ?? to.searchParams.get('step'));
						await goto(result.location, { invalidateAll: true, noScroll: same, keepFocus: same, replaceState: same });
						saved = true;
						opts.onSaved?.();
					} else {
						await update({ reset: false });
						if (result.type === 'failure' && result.status === 409) await invalidateAll();
					}
				} finally {
					this.saving = false;
					const next = this.#queued;
					this.#queued = null;
					if (saved && next?.form.isConnected) {
						const button = next.submitter instanceof HTMLButtonElement && next.submitter.form === next.form ? next.submitter : undefined;
						next.form.requestSubmit(button);
					}
				}
			};
		};

	/**
	 * With JavaScript, a changed text field saves its form when it loses focus (`ready` can
	 * hold it back while the form is half-filled in a way that cannot be saved yet).
	 */
	autoSave = (e: Event, ready: () => boolean = () => true) => {
		const target = e.target as HTMLElement;
		const form = e.currentTarget as HTMLFormElement;
		if (!target.matches('textarea, input[type="text"]') || !ready()) return;
		clearTimeout(this.#pending.get(form));
		this.#pending.set(
			form,
			setTimeout(() => {
				this.#pending.delete(form);
				if (form.isConnected) form.requestSubmit();
			}, AUTO_SAVE_DELAY_MS)
		);
	};
}
