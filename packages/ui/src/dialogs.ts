// The two modal dialogs. Native <dialog>.showModal() makes the rest of the page inert (focus stays
// inside), closes on Escape, and gives focus back to what had it when the dialog closes.
import { h } from './dom.js';
import { format, type Strings } from './strings.js';

export interface RevealDialog {
  readonly element: HTMLDialogElement;
  /** Shows the secret until the dialog closes; resolves then, with the secret gone from the page. */
  show(plaintext: string): Promise<void>;
}

/**
 * The one-time reveal: the secret, a copy button, and a warning that it is never shown again.
 * On close the secret leaves the DOM and this closure, so nothing on the page still holds it.
 * @example await createRevealDialog(strings).show(created.plaintext)
 */
export function createRevealDialog(strings: Partial<Strings>): RevealDialog {
  const t = (key: Parameters<typeof format>[1]) => format(strings, key);
  const secret = h('code', { id: 'reveal-secret', part: 'secret', class: 'secret', 'aria-label': t('revealLabel') });
  const copyStatus = h('p', { id: 'copy-status', role: 'status', class: 'hint' });
  const copyButton = h('button', { type: 'button', id: 'copy-button', part: 'button copy-button', class: 'secondary' }, t('copy'));
  const doneButton = h('button', { value: 'done', id: 'reveal-done', part: 'button primary-button', class: 'primary' }, t('revealDone'));
  const element = h(
    'dialog',
    { id: 'reveal-dialog', part: 'dialog reveal-dialog', 'aria-labelledby': 'reveal-heading', 'aria-describedby': 'reveal-warning' },
    h('h2', { id: 'reveal-heading' }, t('revealHeading')),
    h('p', { id: 'reveal-warning', class: 'warning', part: 'warning' }, t('revealWarning')),
    h('div', { class: 'secret-row' }, secret, copyButton),
    copyStatus,
    h('form', { method: 'dialog', class: 'buttons' }, doneButton),
  );
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
    show(plaintext) {
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
  /** Resolves true when the user confirms; false on Cancel or Escape. */
  ask(title: string, text: string): Promise<boolean>;
}

/**
 * A yes/no confirmation for a destructive action; Cancel has the focus first.
 * @example if (await confirm.ask('Delete "CI"?', 'Anything using this token loses access.')) await api.remove(id)
 */
export function createConfirmDialog(strings: Partial<Strings>): ConfirmDialog {
  const title = h('h2', { id: 'confirm-heading' });
  const text = h('p', { id: 'confirm-text' });
  const cancel = h('button', { value: 'cancel', id: 'confirm-cancel', part: 'button secondary-button', class: 'secondary' }, format(strings, 'cancel'));
  const confirm = h('button', { value: 'confirm', id: 'confirm-button', part: 'button danger-button', class: 'danger' }, format(strings, 'confirmDelete'));
  const element = h(
    'dialog',
    { id: 'confirm-dialog', role: 'alertdialog', part: 'dialog confirm-dialog', 'aria-labelledby': 'confirm-heading', 'aria-describedby': 'confirm-text' },
    title,
    text,
    h('form', { method: 'dialog', class: 'buttons' }, cancel, confirm),
  );
  let answer: ((yes: boolean) => void) | null = null;
  element.addEventListener('close', () => {
    answer?.(element.returnValue === 'confirm');
    answer = null;
  });
  return {
    element,
    ask(heading, body) {
      title.textContent = heading;
      text.textContent = body;
      element.returnValue = '';
      element.showModal();
      cancel.focus();
      return new Promise((resolve) => (answer = resolve));
    },
  };
}
