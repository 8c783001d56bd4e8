// React 19's JSX for <keyward-tokens>: `import type {} from '@keyward/ui/react'` once in the app
// (or list it in tsconfig's "types"), and the tag typechecks with its attributes, properties
// (React 19 sets them as properties: arrays, objects and functions pass as they are) and events
// (`onkeyward-token-created`, …). Types only: the JavaScript of this entry is empty.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { KeywardTokensAttributes, KeywardTokensElement, KeywardTokensEventMap } from '../props.js';

/** React's `on` + event name props for the element's events. */
export type KeywardTokensReactEvents = { [K in keyof KeywardTokensEventMap as `on${K}`]?: (event: KeywardTokensEventMap[K]) => void };

/**
 * Everything `<keyward-tokens>` takes in React 19 TSX.
 * @example
 * import type {} from '@keyward/ui/react';
 * <keyward-tokens api="/settings" projects={projects} onkeyward-token-created={(e) => log(e.detail.token.name)} />
 */
export type KeywardTokensReactProps = DetailedHTMLProps<HTMLAttributes<KeywardTokensElement>, KeywardTokensElement> & KeywardTokensAttributes & KeywardTokensReactEvents;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'keyward-tokens': KeywardTokensReactProps;
    }
  }
}
