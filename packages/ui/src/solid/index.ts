// Solid's JSX for <keyward-tokens>: `import type {} from '@keyward/ui/solid'` once, and the tag
// typechecks with its attributes, properties (Solid sets a custom element's props as properties)
// and events (`on:keyward-token-created`). Types only: the JavaScript of this entry is empty.
import type { JSX } from 'solid-js';
import type { KeywardTokensAttributes, KeywardTokensElement, KeywardTokensEventMap } from '../props.js';

/** Solid's `on:` + event name props for the element's events. */
export type KeywardTokensSolidEvents = { [K in keyof KeywardTokensEventMap as `on:${K}`]?: (event: KeywardTokensEventMap[K]) => void };

/**
 * Everything `<keyward-tokens>` takes in Solid.
 * @example
 * import type {} from '@keyward/ui/solid';
 * <keyward-tokens api="/settings" projects={projects()} on:keyward-token-created={(e) => log(e.detail.token.name)} />
 */
export type KeywardTokensSolidProps = JSX.HTMLAttributes<KeywardTokensElement> & KeywardTokensAttributes & KeywardTokensSolidEvents;

declare module 'solid-js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'keyward-tokens': KeywardTokensSolidProps;
    }
  }
}
