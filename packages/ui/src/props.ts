// What a framework may put on <keyward-tokens>, framework-free: the attributes, the properties
// (React 19, Vue and Solid set them as properties) and the events. The JSX declarations
// (@keyward/ui/react, @keyward/ui/vue) are built from these, so they never drift from the element.
import type { ExpiryPreset, HeadersOption } from './api.js';
import type { KeywardTokensElement, Theme, TokenChangedEvent, TokenCreatedEvent, TokensDeletedEvent } from './element.js';
import type { Strings } from './strings.js';
import type { ProjectOption } from './templates.js';

/** The element's own attributes and properties. */
export interface KeywardTokensAttributes {
  /** Where the management API is mounted, e.g. `/settings`. */
  api?: string;
  projects?: ProjectOption[] | string;
  headers?: HeadersOption;
  strings?: Partial<Strings>;
  locale?: string;
  theme?: Theme;
  'page-size'?: number | string;
  'default-expiry'?: ExpiryPreset;
}

/** The events it fires (bubbling, composed), by name. */
export interface KeywardTokensEventMap {
  'keyward-token-created': TokenCreatedEvent;
  'keyward-tokens-deleted': TokensDeletedEvent;
  'keyward-token-updated': TokenChangedEvent;
  'keyward-token-rolled': TokenChangedEvent;
}

/** The element type, for `ref`s and `querySelector`. */
export type { KeywardTokensElement };
