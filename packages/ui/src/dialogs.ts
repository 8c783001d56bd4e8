// The modal dialogs. Native <dialog>.showModal() makes the rest of the page inert (focus stays
// inside), closes on Escape, and gives focus back to what had it when the dialog closes.
import { h } from './dom.js';
import { format, type StringKey, type Strings } from './strings.js';

export interface RevealDialog {
  readonly element: HTMLDialogElement;
  /** Shows the secret until the dialog closes; resolves then, with the secret gone from the page. */
  show(plaintext: string, heading?: string): Promise<void>;
}

/**
 * The one-time reveal: the secret, a copy button, and a warning that it is never shown again.
 * On close the secret leaves the DOM and this closure, so nothing on the page still holds it.
 * @example await createRevealDialog(strings).show(created.plaintext)
 */
export function createRevealDialog(strings: Partial<Strings>): RevealDialog {
  const t = (key: Parameters<typeof format>[1]) => format(strings, key);
  const heading = h('h2', { id: 'reveal-heading' });
  const secret = h('code', { id: 'reveal-secret', part: 'secret', class: 'secret', 'aria-label': t('revealLabel') });
  const copyStatus = h('p', { id: 'copy-status', role: 'status', class: 'hint' });
  const copyButton = h('button', { type: 'button', id: 'copy-button', part: 'button copy-button', class: 'secondary' }, t('copy'));
  const doneButton = h('button', { value: 'done', id: 'reveal-done', part: 'button primary-button', class: 'primary' }, t('revealDone'));
  const element = h(
    'dialog',
    { id: 'reveal-dialog', part: 'dialog reveal-dialog', 'aria-labelledby': 'reveal-heading', 'aria-describedby': 'reveal-warning' },
    heading,
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
    show(plaintext, title = t('revealHeading')) {
      heading.textContent = title;
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

export interface ConfirmOptions {
  /** Prefix of the dialog's ids (`${id}-dialog`, `${id}-heading`, `${id}-cancel`, `${id}-button`…). */
  id?: string;
  confirmKey?: StringKey;
  /** A destructive action: Cancel has the focus first. Otherwise the first control of `body` has it. */
  danger?: boolean;
  /** Controls shown between the text and the buttons (e.g. a choice the action needs). */
  body?: HTMLElement;
}

/**
 * A yes/no confirmation; for a destructive action Cancel has the focus first.
 * @example if (await confirm.ask('Delete "CI"?', 'Anything using this token loses access.')) await api.remove(id)
 */
export function createConfirmDialog(strings: Partial<Strings>, { id = 'confirm', confirmKey = 'confirmDelete', danger = true, body }: ConfirmOptions = {}): ConfirmDialog {
  const title = h('h2', { id: `${id}-heading` });
  const text = h('p', { id: `${id}-text` });
  const cancel = h('button', { value: 'cancel', id: `${id}-cancel`, part: 'button secondary-button', class: 'secondary' }, format(strings, 'cancel'));
  const kind = danger ? 'danger' : 'primary';
  const confirm = h('button', { value: 'confirm', id: `${id}-button`, part: `button ${kind}-button`, class: kind }, format(strings, confirmKey));
  const element = h(
    'dialog',
    { id: `${id}-dialog`, role: 'alertdialog', part: `dialog ${id}-dialog`, 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` },
    title,
    text,
    body,
    h('form', { method: 'dialog', class: 'buttons' }, cancel, confirm),
  );
  let answer: ((yes: boolean) => void) | null = null;
  element.addEventListener('close', () => {
    answer?.(element.returnValue === 'confirm');
    answer = null;
  });
  return {
    element,
    ask(heading, message) {
      title.textContent = heading;
      text.textContent = message;
      element.returnValue = '';
      element.showModal();
      (danger ? cancel : (body?.querySelector<HTMLElement>('input, select') ?? confirm)).focus();
      return new Promise((resolve) => (answer = resolve));
    },
  };
}

export interface RenameDialog {
  readonly element: HTMLDialogElement;
  /**
   * Opens on `name`. `save` gets the typed name and answers null when done (the dialog closes), or
   * what to show at the field: a message, and whether it is about the name itself (aria-invalid).
   */
  open(heading: string, name: string, save: (name: string) => Promise<{ message: string; invalid: boolean } | null>): Promise<void>;
}

/**
 * The rename dialog: the name field with its error slot, Cancel and Save. It stays open on an error.
 * @example rename.open('Rename "CI"', 'CI', async (name) => ((await tryRename(name)) ? null : { message: 'Taken', invalid: true }))
 */
export function createRenameDialog(strings: Partial<Strings>): RenameDialog {
  const t = (key: StringKey) => format(strings, key);
  const title = h('h2', { id: 'rename-heading' });
  const input = h('input', { id: 'rename-name', name: 'name', part: 'input', maxlength: 100, autocomplete: 'off', required: true, 'aria-describedby': 'rename-error' });
  const error = h('p', { id: 'rename-error', class: 'error', part: 'error' });
  const cancel = h('button', { type: 'button', id: 'rename-cancel', part: 'button secondary-button', class: 'secondary' }, t('cancel'));
  const save = h('button', { type: 'submit', id: 'rename-save', part: 'button primary-button', class: 'primary' }, t('renameSave'));
  const form = h(
    'form',
    { novalidate: true },
    h('div', { class: 'field', part: 'field' }, h('label', { for: 'rename-name', part: 'label' }, t('nameLabel')), input, error),
    h('div', { class: 'buttons' }, cancel, save),
  );
  const element = h('dialog', { id: 'rename-dialog', part: 'dialog rename-dialog', 'aria-labelledby': 'rename-heading' }, title, form);
  let onSave: Parameters<RenameDialog['open']>[2] | null = null;
  let closed: (() => void) | null = null;
  let busy = false;
  cancel.addEventListener('click', () => element.close());
  element.addEventListener('close', () => {
    onSave = null;
    closed?.();
    closed = null;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || !onSave) return;
    busy = true;
    save.setAttribute('aria-disabled', 'true');
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    try {
      const problem = await onSave(input.value);
      if (!problem) return element.close();
      error.textContent = problem.message;
      if (problem.invalid) input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      busy = false;
      save.removeAttribute('aria-disabled');
    }
  });
  return {
    element,
    open(heading, name, saveName) {
      onSave = saveName;
      title.textContent = heading;
      input.value = name;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      element.showModal();
      input.select();
      return new Promise((resolve) => (closed = resolve));
    },
  };
}
