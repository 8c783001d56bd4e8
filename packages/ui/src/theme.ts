// The design tokens: every colour and radius the element paints with is one of these custom
// properties, in a light and a dark set. Hosts override any of them on the element (outer rules
// win over :host), and parts added to the page later must use them too: no colour literals in
// the component styles (test/styles.test.ts holds that rule).

/** The light values (also the defaults when the page does not prefer dark). */
export const LIGHT_TOKENS = {
  '--keyward-fg': '#1f2328',
  '--keyward-muted': '#57606a',
  '--keyward-bg': '#ffffff',
  '--keyward-surface': '#ffffff',
  '--keyward-raised': '#ffffff',
  '--keyward-border': '#d0d7de',
  '--keyward-accent': '#0b5cad',
  '--keyward-accent-fg': '#ffffff',
  '--keyward-danger': '#b42318',
  '--keyward-danger-fg': '#ffffff',
  '--keyward-warning-bg': '#fff8e6',
  '--keyward-warning-border': '#d4a72c',
  '--keyward-warning-fg': '#4d3800',
  '--keyward-soon': '#7a4d00',
  '--keyward-code-bg': '#f6f8fa',
  '--keyward-hover': '#eef2f6',
  '--keyward-focus': '#0b5cad',
  '--keyward-backdrop': 'rgb(15 23 42 / .45)',
  '--keyward-shadow': '0 8px 24px rgb(0 0 0 / .12)',
} as const;

/** The dark values, used under `theme="dark"`, or `prefers-color-scheme: dark` unless `theme="light"`. */
export const DARK_TOKENS: Record<keyof typeof LIGHT_TOKENS, string> = {
  '--keyward-fg': '#e6edf3',
  '--keyward-muted': '#9ea7b3',
  '--keyward-bg': '#0d1117',
  '--keyward-surface': '#151b23',
  '--keyward-raised': '#212830',
  '--keyward-border': '#3d444d',
  '--keyward-accent': '#5ca9ff',
  '--keyward-accent-fg': '#0d1117',
  '--keyward-danger': '#ff7b72',
  '--keyward-danger-fg': '#0d1117',
  '--keyward-warning-bg': '#2b2111',
  '--keyward-warning-border': '#9e6a03',
  '--keyward-warning-fg': '#f2cc60',
  '--keyward-soon': '#e3b341',
  '--keyward-code-bg': '#0d1117',
  '--keyward-hover': '#2a313c',
  '--keyward-focus': '#5ca9ff',
  '--keyward-backdrop': 'rgb(1 4 9 / .7)',
  '--keyward-shadow': '0 8px 24px rgb(1 4 9 / .6)',
};

/** Shapes, type and sizes: the same in both themes. */
export const SHAPE_TOKENS = {
  '--keyward-font': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  '--keyward-font-mono': 'ui-monospace, SFMono-Regular, Menlo, monospace',
  '--keyward-radius': '8px',
  '--keyward-radius-control': '6px',
  '--keyward-radius-chip': '4px',
  '--keyward-radius-badge': '999px',
  '--keyward-gap': '16px',
  // The least width and height of anything to tap or click: 24 px (WCAG 2.5.8), 44 px for touch.
  '--keyward-target': '24px',
} as const;

const declarations = (tokens: Record<string, string>) => Object.entries(tokens).map(([name, value]) => `${name}:${value};`).join('');

/** `:host` rules that set the tokens for the theme: `theme` attribute first, else the page's preference. */
export const THEME_CSS = `
:host { color-scheme: light; ${declarations(LIGHT_TOKENS)} ${declarations(SHAPE_TOKENS)} }
:host([theme=dark]) { color-scheme: dark; ${declarations(DARK_TOKENS)} }
@media (prefers-color-scheme: dark) { :host(:not([theme=light])) { color-scheme: dark; ${declarations(DARK_TOKENS)} } }
@media (pointer: coarse) { :host { --keyward-target: 44px; } }
`;
