// The modal dialogs. Native <dialog>.showModal() makes the rest of the page inert, closes on
// Escape, and gives focus back to what had it when the dialog closes; Tab wraps around inside.
import { h } from './dom.js';
import type { Localizer } from './i18n.js';
import type { StringKey } from './strings.js';

/** Text for a dialog's heading or message: a string, or nodes (names isolated in <bdi>). */
export type Content = string | (string | Node)[];

const fill = (target: HTMLElement, content: Content) => (typeof content === 'string' ? (target.textContent = content) : target.replaceChildren(...content));

// Dialogs fit the viewport and scroll inside (styles.ts); each holds a status region, so what the
// page announces while one is open is said where a screen reader is (the rest is inert).
const statusRegion = (id: string, visible: boolean) => h('p', { id, role: 'status', class: visible ? 'hint' : 'sr-only', 'data-announce': '' });

/**
 * Keeps Tab inside an open modal dialog. showModal() makes the page behind it inert, but Tab from
 * the last control still leaves the dialog (for the browser's own controls, or for nothing): it
 * wraps to the first control instead, and Shift+Tab from the first to the last.
 */
function keepTabInside(dialog: HTMLDialogElement): void {
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const controls = [...dialog.querySelectorAll<HTMLElement>('button, input, select, summary, a[href]')].filter((el) => el.getClientRects().length > 0);
    const active = (dialog.getRootNode() as Document | ShadowRoot).activeElement;
    if (active === controls[event.shiftKey ? 0 : controls.length - 1]) {
      event.preventDefault();
      controls.at(event.shiftKey ? -1 : 0)?.focus();
    }
  });
}

export interface RevealDialog {
  readonly element: HTMLDialogElement;
  /**
   * Shows the secret until the dialog closes; resolves then, with the secret gone from the page.
   * `status` (e.g. "Token "CI" created.") is shown above the warning and is part of what a
   * screen reader reads as the dialog opens.
   */
  show(plaintext: string, options?: { heading?: Content; status?: Content }): Promise<void>;
}

/**
 * The one-time reveal: the secret, a copy button, and a warning that it is never shown again.
 * On close the secret leaves the DOM and this closure, so nothing on the page still holds it.
 * @example await createRevealDialog(l10n).show(created.plaintext, { status: 'Token "CI" created.' })
 */
export function createRevealDialog(l10n: Localizer): RevealDialog {
  const t = l10n.text;
  const heading = h('h2', { id: 'reveal-heading' });
  const status = h('p', { id: 'reveal-status' });
  const secret = h('code', { id: 'reveal-secret', part: 'secret', class: 'secret', dir: 'ltr', 'aria-label': t('revealLabel') });
  const copyStatus = statusRegion('copy-status', true);
  const copyButton = h('button', { type: 'button', id: 'copy-button', part: 'button copy-button', class: 'secondary' }, t('copy'));
  const doneButton = h('button', { value: 'done', id: 'reveal-done', part: 'button primary-button', class: 'primary' }, t('revealDone'));
  const element = h(
    'dialog',
    { id: 'reveal-dialog', part: 'dialog reveal-dialog', 'aria-labelledby': 'reveal-heading', 'aria-describedby': 'reveal-status reveal-warning' },
    heading,
    status,
    h('p', { id: 'reveal-warning', class: 'warning', part: 'warning' }, t('revealWarning')),
    h('div', { class: 'secret-row' }, secret, copyButton),
    copyStatus,
    h('form', { method: 'dialog', class: 'buttons' }, doneButton),
  );
  keepTabInside(element);
  let current = '';
  let done: (() => void) | null = null;

  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(current);
      copyButton.textContent = t('copied');
      copyStatus.textContent = t('copied');
    } catch {
      // No clipboard permission (or an insecure origin): select the text so the user can copy it.
      const range = document.createRange();
      range.selectNodeContents(secret);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      copyStatus.textContent = t('copyFailed');
    }
  });
  // The close event comes a task after the dialog hides: forget the secret already when the
  // user asks to close (Escape is 'cancel', the button submits the form), and again on close.
  const forget = () => {
    current = '';
    secret.textContent = '';
    copyStatus.textContent = '';
    copyButton.textContent = t('copy');
    getSelection()?.removeAllRanges();
  };
  element.addEventListener('cancel', forget);
  element.querySelector('form')!.addEventListener('submit', forget);
  element.addEventListener('close', () => {
    forget();
    done?.();
    done = null;
  });

  return {
    element,
    show(plaintext, { heading: title = t('revealHeading'), status: said = '' } = {}) {
      fill(heading, title);
      fill(status, said);
      current = plaintext;
      secret.textContent = plaintext;
      element.showModal();
      copyButton.focus();
      return new Promise((resolve) => (done = resolve));
    },
  };
}

export interface ConfirmDialog {
  readonly element: HTMLDialogElement;
  /**
   * Resolves true when the user confirms; false on Cancel or Escape. With `accept`, confirming
   * runs it and the dialog stays open until it answers true (e.g. a rename the server refused).
   */
  ask(title: Content, text: Content, accept?: () => Promise<boolean>): Promise<boolean>;
}

export interface ConfirmOptions {
  /** Prefix of the dialog's ids (`${id}-dialog`, `${id}-heading`, `${id}-text`, `${id}-cancel`, `${id}-button`). */
  id?: string;
  confirmKey?: StringKey;
  /** Controls between the text and the buttons (a choice the action needs); their first one gets the focus. */
  body?: HTMLElement;
}

/**
 * A confirmation. Without `body` it is a destructive yes/no (an alertdialog, Cancel focused first);
 * with one, it asks for what the action needs (the focus starts in `body`).
 * @example if (await confirm.ask('Delete "CI"?', 'Anything using this token loses access.')) await api.remove(id)
 */
export function createConfirmDialog(l10n: Localizer, { id = 'confirm', confirmKey = 'confirmDelete', body }: ConfirmOptions = {}): ConfirmDialog {
  const title = h('h2', { id: `${id}-heading` });
  const text = h('p', { id: `${id}-text` });
  const kind = body ? 'primary' : 'danger';
  const element = h(
    'dialog',
    { id: `${id}-dialog`, role: body ? null : 'alertdialog', part: `dialog ${id}-dialog`, 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` },
    title,
    text,
    statusRegion(`${id}-status`, false),
  );
  const cancel = h('button', { type: 'button', id: `${id}-cancel`, part: 'button secondary-button', class: 'secondary', onclick: () => element.close() }, l10n.text('cancel'));
  // The only submit button, so Enter in a field of `body` confirms.
  const confirm = h('button', { value: 'confirm', id: `${id}-button`, part: `button ${kind}-button`, class: kind }, l10n.text(confirmKey));
  const form = h('form', { method: 'dialog', novalidate: true }, body, h('div', { class: 'buttons' }, cancel, confirm));
  element.append(form);
  keepTabInside(element);
  let answer: ((yes: boolean) => void) | null = null;
  let accept: (() => Promise<boolean>) | undefined;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    if (!accept) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    confirm.setAttribute('aria-disabled', 'true');
    try {
      if (await accept()) element.close('confirm');
    } finally {
      busy = false;
      confirm.removeAttribute('aria-disabled');
    }
  });
  element.addEventListener('close', () => {
    answer?.(element.returnValue === 'confirm');
    answer = null;
  });
  return {
    element,
    ask(heading, message, onAccept) {
      accept = onAccept;
      fill(title, heading);
      fill(text, message);
      element.returnValue = '';
      element.showModal();
      const first = body?.querySelector<HTMLInputElement>('input, select');
      (first ?? cancel).focus();
      first?.select?.();
      return new Promise((resolve) => (answer = resolve));
    },
  };
}
