// Vue 3 sets props on a custom element as DOM properties when the element has them, and
// `onKeywardTokenCreated` listens to `keyward-token-created`. A render function, so the
// runtime-only build of Vue is enough (no template compiler in the page). The props are checked
// against the package's own types (`@keyward/ui/vue`, which also declares the tag for templates).
import '@keyward/ui/define';
import type { KeywardTokensVueProps } from '@keyward/ui/vue';
import { createApp, defineComponent, h, ref } from 'vue';

const projects = [
  { id: 'proj_web', name: 'Website' },
  { id: 'proj_app', name: 'Mobile app' },
];

const App = defineComponent(() => {
  const created = ref<string[]>([]);
  return () =>
    h('main', [
      h('h1', 'API tokens · Vue'),
      h('p', { role: 'status', id: 'log' }, created.value.length === 0 ? 'No token created in this visit.' : `Created in this visit: ${created.value.join(', ')}`),
      h('keyward-tokens', {
        api: '/settings',
        projects,
        headers: () => ({ 'x-csrf-token': 'vue-csrf' }),
        strings: { createHeading: 'New token' },
        onKeywardTokenCreated: (event) => void created.value.push(event.detail.token.name),
      } satisfies KeywardTokensVueProps),
    ]);
});

createApp(App).mount('#root');
