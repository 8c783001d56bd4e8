// Importing this file registers <keyward-tokens> (once, even if imported twice).
import { KeywardTokensElement } from '../element.js';

/**
 * Registers the element under `name` unless something is already registered there.
 * @example import { defineKeywardTokens } from '@keyward/ui/define'; defineKeywardTokens();
 */
export function defineKeywardTokens(name = 'keyward-tokens'): void {
  if (!customElements.get(name)) customElements.define(name, name === 'keyward-tokens' ? KeywardTokensElement : class extends KeywardTokensElement {});
}

defineKeywardTokens();

export { KeywardTokensElement };

declare global {
  interface HTMLElementTagNameMap {
    'keyward-tokens': KeywardTokensElement;
  }
}
