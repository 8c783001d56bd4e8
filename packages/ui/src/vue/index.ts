// Vue 3's templates (vue-tsc) for <keyward-tokens>: `import type {} from '@keyward/ui/vue'` once,
// and the tag is known with its attributes, properties and events. Vue's TSX and render
// functions accept any custom element already; `satisfies KeywardTokensVueProps` checks props
// there. Types only: the JavaScript of this entry is empty. Tell Vue's compiler the tag is a
// custom element (`compilerOptions.isCustomElement: (tag) => tag === 'keyward-tokens'`).
import type { DefineComponent } from 'vue';
import type { KeywardTokensAttributes, KeywardTokensEventMap } from '../props.js';

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** Vue's `on` + camelCased event name props (`onKeywardTokenCreated`) for the element's events. */
export type KeywardTokensVueEvents = { [K in keyof KeywardTokensEventMap as `on${Capitalize<Camel<K>>}`]?: (event: KeywardTokensEventMap[K]) => void };

/**
 * Everything `<keyward-tokens>` takes in Vue.
 * @example h('keyward-tokens', { api: '/settings', projects, onKeywardTokenCreated: (e) => log(e.detail.token.name) } satisfies KeywardTokensVueProps)
 */
export type KeywardTokensVueProps = KeywardTokensAttributes & KeywardTokensVueEvents;

declare module 'vue' {
  interface GlobalComponents {
    'keyward-tokens': DefineComponent<KeywardTokensVueProps>;
  }
}
