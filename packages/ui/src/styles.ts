// The element's own styles, scoped by its shadow root. Rules for every part of the page, present
// and future:
// - colours, radii and sizes only through the --keyward-* tokens (theme.ts);
// - logical properties only (inline/block, start/end), so dir="rtl" mirrors everything;
// - nothing wider than its container: long words wrap (overflow-wrap), lists become labelled
//   cards below the `keyward` container's 760 px (.data-table), dialogs fit the viewport and
//   scroll inside;
// - every control at least --keyward-target in both directions (44 px on touch screens).
import { THEME_CSS } from './theme.js';

export const STYLES = `${THEME_CSS}
:host {
  display: block;
  container: keyward / inline-size;
  font: 14px/1.45 var(--keyward-font);
  color: var(--keyward-fg);
  background: var(--keyward-bg);
  overflow-wrap: break-word;
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
h2 { font-size: 16px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2:focus { outline: none; }
bdi, .token-name, .badge, code { overflow-wrap: anywhere; }
.card { background: var(--keyward-surface); border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: var(--keyward-gap); margin-block-end: var(--keyward-gap); min-width: 0; }
.fields { display: flex; flex-wrap: wrap; gap: var(--keyward-gap); }
.field { display: flex; flex-direction: column; gap: 4px; min-width: min(200px, 100%); flex: 1; }
label { font-weight: 600; }
input:not([type=checkbox]), select { font: inherit; color: var(--keyward-fg); background: var(--keyward-bg); border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius-control); padding: 6px 8px; min-height: max(32px, var(--keyward-target)); min-width: 0; max-width: 100%; }
input[type=checkbox] { inline-size: 18px; block-size: 18px; margin: 0; accent-color: var(--keyward-accent); }
input[aria-invalid=true], select[aria-invalid=true] { border-color: var(--keyward-danger); }
:focus-visible { outline: 2px solid var(--keyward-focus); outline-offset: 2px; }
.actions { margin-block-start: 12px; }
button { font: inherit; border-radius: var(--keyward-radius-control); padding: 6px 14px; border: 1px solid var(--keyward-border); background: var(--keyward-surface); color: var(--keyward-fg); cursor: pointer; min-height: max(32px, var(--keyward-target)); min-width: var(--keyward-target); }
button[disabled], [aria-disabled=true] { opacity: .6; cursor: not-allowed; }
button.primary { background: var(--keyward-accent); border-color: var(--keyward-accent); color: var(--keyward-accent-fg); }
button.danger { background: var(--keyward-danger); border-color: var(--keyward-danger); color: var(--keyward-danger-fg); }
button.icon { padding: 2px 10px; font-size: 16px; line-height: 1.2; min-width: max(32px, var(--keyward-target)); }
.hit { display: inline-flex; align-items: center; justify-content: center; gap: 8px; min-inline-size: max(24px, var(--keyward-target)); min-block-size: max(24px, var(--keyward-target)); cursor: pointer; }
.hint { color: var(--keyward-muted); margin: 2px 0 0; min-height: 1.45em; }
.error { color: var(--keyward-danger); margin: 2px 0 0; }
.error:empty { display: none; }
.state { color: var(--keyward-muted); padding: 12px 0; margin: 0; }
.error-state p { color: var(--keyward-danger); }
.table-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
.table-head h2 { margin: 0; }
.table-head .error { flex-basis: 100%; }
table { inline-size: 100%; border-collapse: collapse; margin-block-start: 8px; }
th, td { text-align: start; padding: 8px; border-block-end: 1px solid var(--keyward-border); vertical-align: middle; }
thead th { color: var(--keyward-muted); font-weight: 600; font-size: 13px; }
tbody th { font-weight: normal; }
#tokens-body > tr > th { min-inline-size: 10em; inline-size: 30%; }
[data-col=scope] { min-inline-size: 8em; }
.token-name { display: block; font-weight: 600; }
.hint-code { color: var(--keyward-muted); font-size: 12px; font-family: var(--keyward-font-mono); }
.check { inline-size: 32px; padding-block: 0; }
.actions-col { inline-size: 48px; text-align: end; padding-block: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: var(--keyward-radius-badge); font-size: 12px; border: 1px solid var(--keyward-border); color: var(--keyward-fg); }
.badge.org { border-color: var(--keyward-accent); color: var(--keyward-accent); }
.badge.expired { border-color: var(--keyward-danger); color: var(--keyward-danger); }
.badge.soon { border-color: var(--keyward-soon); color: var(--keyward-soon); }
.badge.status { white-space: nowrap; }
.badge.paused { border-color: var(--keyward-muted); color: var(--keyward-muted); border-style: dashed; }
.line { display: block; }
.limits .hint { flex-basis: 100%; }
.no-limits [data-col=limits] { display: none; }
.perms { border: 0; padding: 0; margin: 12px 0 0; min-width: 0; }
legend { font-weight: 600; padding: 0; }
.chips { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.perm { font-weight: normal; display: inline-flex; flex-wrap: wrap; gap: 0 6px; align-items: center; min-block-size: max(24px, var(--keyward-target)); }
.chip { font-size: 12px; padding: 0 6px; border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius-chip); font-family: var(--keyward-font-mono); }
td .chips { gap: 4px; }
summary { cursor: pointer; min-block-size: max(24px, var(--keyward-target)); display: flex; align-items: center; }
details .chips { margin-block-start: 4px; }
.previous { display: block; font-size: 12px; }
.no-perms [data-col=permissions], .no-usage [data-col=usage] { display: none; }
.muted { color: var(--keyward-muted); }
a { color: var(--keyward-accent); }
.usage { flex: 1 1 12em; min-inline-size: 0; }
.chart { display: block; margin-block-end: 2px; }
.chart:dir(rtl) { transform: scaleX(-1); }
.pending .chart { block-size: 24px; }
.summary-space { display: block; min-block-size: max(24px, var(--keyward-target)); }
.chart .bar { fill: var(--keyward-accent); }
.chart .refused { fill: var(--keyward-danger); }
.chart .axis { fill: var(--keyward-border); }
.refused-text { color: var(--keyward-danger); }
.usage-table { margin-block-start: 4px; font-size: 13px; }
.usage-table th, .usage-table td { padding-block: 2px; padding-inline: 0 8px; border-block-end: 1px solid var(--keyward-border); font-variant-numeric: tabular-nums; }
.badge.leaked { border-color: var(--keyward-danger); color: var(--keyward-danger); font-weight: 600; }
a[part=link] { display: inline-flex; align-items: center; min-block-size: max(24px, var(--keyward-target)); overflow-wrap: anywhere; }
.leak-notes { display: block; flex-basis: 100%; margin-block-start: 4px; }
#activity-more { margin-block-start: 12px; }
.row-error td { border-block-end: 1px solid var(--keyward-border); }
.row-error .error { margin: 0; }
dialog .field { margin-block-start: 12px; }
.menu { position: relative; display: inline-block; }
.menu-list { position: absolute; inset-inline-end: 0; inset-block-start: calc(100% + 4px); z-index: 10; min-inline-size: 180px; max-inline-size: calc(100vw - 32px); background: var(--keyward-raised); border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius-control); box-shadow: var(--keyward-shadow); padding: 4px; display: flex; flex-direction: column; }
.menu-list.up { inset-block-start: auto; inset-block-end: calc(100% + 4px); }
.menu-list[hidden] { display: none; }
.menu-list button { text-align: start; border: 0; background: transparent; padding: 6px 10px; white-space: normal; }
.menu-list button:hover, .menu-list button:focus { background: var(--keyward-hover); color: var(--keyward-fg); }
dialog { border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: 20px; inline-size: calc(100% - 32px); max-inline-size: 560px; max-block-size: calc(100% - 32px); overflow: auto; overscroll-behavior: contain; color: var(--keyward-fg); background: var(--keyward-raised); }
dialog::backdrop { background: var(--keyward-backdrop); }
dialog p { overflow-wrap: anywhere; }
.warning { background: var(--keyward-warning-bg); border: 1px solid var(--keyward-warning-border); color: var(--keyward-warning-fg); border-radius: var(--keyward-radius-control); padding: 8px 10px; }
.secret-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.secret { flex: 1 1 16em; min-width: 0; font-family: var(--keyward-font-mono); font-size: 13px; background: var(--keyward-code-bg); color: var(--keyward-fg); border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius-control); padding: 8px; word-break: break-all; user-select: all; }
.buttons { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 8px; margin-block-start: 16px; }
#load-more { margin-block-start: 12px; }
.notice p { margin: 0; color: var(--keyward-muted); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (max-width: 480px) {
  dialog { padding: 16px; inline-size: calc(100% - 16px); max-block-size: calc(100% - 16px); }
  .buttons > * { flex: 1 1 auto; }
}
@container keyward (max-width: 760px) {
  .data-table, .data-table > *, .data-table > * > tr, .data-table > * > tr > th, .data-table > * > tr > td { display: block; }
  .data-table caption { display: block; }
  .data-table > thead > tr > th { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; padding: 0; border: 0; }
  .data-table > thead > tr > td { border: 0; padding: 0 0 8px; inline-size: auto; }
  .data-table > tbody > tr[data-id] { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; align-items: start; column-gap: 8px; border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: 8px; margin-block-start: 8px; }
  .data-table > tbody > tr > td, .data-table > tbody > tr > th { border: 0; padding: 2px 0; inline-size: auto; min-inline-size: 0; }
  .data-table > tbody > tr > .check { grid-column: 1; grid-row: 1; }
  .data-table > tbody > tr[data-id] > th { grid-column: 2; grid-row: 1; align-self: center; }
  .data-table > tbody > tr > .actions-col { grid-column: 3; grid-row: 1; }
  .data-table > tbody > tr > [data-col] { grid-column: 1 / -1; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 8px; }
  .data-table > tbody > tr[data-entry] > [data-col]:empty { display: none; }
  .data-table > tbody > tr > [data-col=usage] > .usage { flex-basis: 100%; }
  .data-table > tbody > tr[data-leaked] { border-color: var(--keyward-danger); }
  .data-table > tbody > tr[data-entry] { border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: 8px; margin-block-start: 8px; }
  .data-table > tbody > tr > [data-label]::before { content: attr(data-label); content: attr(data-label) / ''; inline-size: 9em; color: var(--keyward-muted); font-size: 13px; }
  .data-table.no-perms [data-col=permissions], .data-table.no-limits [data-col=limits], .data-table.no-usage [data-col=usage] { display: none; }
  .data-table .row-error td { border: 0; padding: 4px 8px 0; }
  .select-all-text { position: static; width: auto; height: auto; margin: 0; overflow: visible; clip: auto; white-space: normal; font-weight: normal; }
}
`;
