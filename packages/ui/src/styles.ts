// The element's own styles, scoped by its shadow root. Hosts restyle through the custom
// properties below (inherited through the shadow boundary) and through ::part().
export const STYLES = `
:host {
  --keyward-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --keyward-fg: #1f2328;
  --keyward-muted: #57606a;
  --keyward-bg: #ffffff;
  --keyward-surface: #ffffff;
  --keyward-border: #d0d7de;
  --keyward-accent: #0b5cad;
  --keyward-accent-fg: #ffffff;
  --keyward-danger: #b42318;
  --keyward-danger-fg: #ffffff;
  --keyward-radius: 8px;
  --keyward-gap: 16px;
  display: block;
  font: 14px/1.45 var(--keyward-font);
  color: var(--keyward-fg);
  background: var(--keyward-bg);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
h2 { font-size: 16px; margin: 0 0 12px; }
h2:focus { outline: none; }
.card { background: var(--keyward-surface); border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: var(--keyward-gap); margin-bottom: var(--keyward-gap); }
.fields { display: flex; flex-wrap: wrap; gap: var(--keyward-gap); }
.field { display: flex; flex-direction: column; gap: 4px; min-width: 200px; flex: 1; }
label { font-weight: 600; }
input:not([type=checkbox]), select { font: inherit; color: var(--keyward-fg); background: var(--keyward-bg); border: 1px solid var(--keyward-border); border-radius: 6px; padding: 6px 8px; }
input[aria-invalid=true], select[aria-invalid=true] { border-color: var(--keyward-danger); }
:focus-visible { outline: 2px solid var(--keyward-accent); outline-offset: 2px; }
.actions { margin-top: 12px; }
button { font: inherit; border-radius: 6px; padding: 6px 14px; border: 1px solid var(--keyward-border); background: var(--keyward-surface); color: var(--keyward-fg); cursor: pointer; }
button[disabled], [aria-disabled=true] { opacity: .6; cursor: not-allowed; }
button.primary { background: var(--keyward-accent); border-color: var(--keyward-accent); color: var(--keyward-accent-fg); }
button.danger { background: var(--keyward-danger); border-color: var(--keyward-danger); color: var(--keyward-danger-fg); }
button.icon { padding: 2px 10px; font-size: 16px; line-height: 1.2; }
.hint { color: var(--keyward-muted); margin: 2px 0 0; min-height: 1.45em; }
.error { color: var(--keyward-danger); margin: 2px 0 0; }
.error:empty { display: none; }
.state { color: var(--keyward-muted); padding: 12px 0; margin: 0; }
.error-state p { color: var(--keyward-danger); }
.table-head { display: flex; align-items: center; justify-content: space-between; }
.table-head h2 { margin: 0; }
table { width: 100%; border-collapse: collapse; margin-top: 8px; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--keyward-border); vertical-align: middle; }
thead th { color: var(--keyward-muted); font-weight: 600; font-size: 13px; }
tbody th { font-weight: normal; }
.token-name { display: block; font-weight: 600; }
.hint-code { color: var(--keyward-muted); font-size: 12px; }
.check { width: 32px; }
.actions-col { width: 48px; text-align: right; }
.badge { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 999px; font-size: 12px; border: 1px solid var(--keyward-border); color: var(--keyward-fg); }
.badge.org { border-color: var(--keyward-accent); color: var(--keyward-accent); }
.badge.expired { border-color: var(--keyward-danger); color: var(--keyward-danger); }
.badge.soon { border-color: #9a6700; color: #7a4d00; }
.perms { border: 0; padding: 0; margin: 12px 0 0; min-width: 0; }
legend { font-weight: 600; padding: 0; }
.chips { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.perm { font-weight: normal; display: inline-flex; gap: 6px; align-items: center; }
.chip { font-size: 12px; padding: 0 6px; border: 1px solid var(--keyward-border); border-radius: 4px; }
td .chips { gap: 4px; }
summary { cursor: pointer; white-space: nowrap; }
details .chips { margin-top: 4px; }
.previous { display: block; font-size: 12px; }
.no-perms [data-col=permissions] { display: none; }
dialog .field { margin-top: 12px; }
.menu { position: relative; display: inline-block; }
.menu-list { position: absolute; right: 0; top: calc(100% + 4px); z-index: 10; min-width: 180px; background: var(--keyward-surface); border: 1px solid var(--keyward-border); border-radius: 6px; box-shadow: 0 8px 24px rgba(0,0,0,.12); padding: 4px; display: flex; flex-direction: column; }
.menu-list[hidden] { display: none; }
.menu-list button { text-align: left; border: 0; background: transparent; padding: 6px 10px; }
.menu-list button:hover, .menu-list button:focus { background: #eef2f6; color: var(--keyward-fg); }
dialog { border: 1px solid var(--keyward-border); border-radius: var(--keyward-radius); padding: 20px; max-width: 560px; width: calc(100% - 32px); color: var(--keyward-fg); background: var(--keyward-surface); }
dialog::backdrop { background: rgba(15, 23, 42, .45); }
.warning { background: #fff8e6; border: 1px solid #d4a72c; color: #4d3800; border-radius: 6px; padding: 8px 10px; }
.secret-row { display: flex; gap: 8px; align-items: center; }
.secret { flex: 1; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; background: #f6f8fa; color: var(--keyward-fg); border: 1px solid var(--keyward-border); border-radius: 6px; padding: 8px; word-break: break-all; user-select: all; }
.buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
#load-more { margin-top: 12px; }
.notice p { margin: 0; color: var(--keyward-muted); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;
