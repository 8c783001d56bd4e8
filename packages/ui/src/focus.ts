// Focus and messages that never take the page away from the reader. Every part of the page moves
// focus and shows its messages through these, so the rules hold everywhere:
// - a focus move does not scroll the page; at most it scrolls the least needed to show the target;
// - a message appears where its cause is, and is scrolled into view the same least way;
// - an announcement goes to a live region a screen reader can read now: inside the open modal
//   dialog (everything else is inert then), else the element's own.

/**
 * Focuses `target` without scrolling the page, then scrolls only as much as needed to show it.
 * @example focusInPlace(row.querySelector('[aria-haspopup]'))
 */
export function focusInPlace(target: HTMLElement | null | undefined): void {
  if (!target) return;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/**
 * Writes `text` into the message slot `slot` (empty text clears it) and brings it into view.
 * @example showMessage(root.getElementById('more-error'), 'Could not load more tokens: …')
 */
export function showMessage(slot: HTMLElement, text: string): void {
  slot.textContent = text;
  if (text) slot.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/**
 * Says `text` to screen readers through the live region they can read now: the open modal
 * dialog's (`[data-announce]`), else `#announce`. Cleared first, so the same words twice are
 * said twice.
 * @example announce(shadowRoot, 'Token "CI" deleted.')
 */
export function announce(root: ShadowRoot, text: string): void {
  const region = root.querySelector<HTMLElement>('dialog[open] [data-announce]') ?? root.getElementById('announce');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => (region.textContent = text), 50);
}
