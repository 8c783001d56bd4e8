// The host page's own look, light and dark (the page follows prefers-color-scheme, and so does the
// tokens element inside it, fed the same colours through its custom properties). Below 720 px the
// settings sidebar collapses into a row of links above the page, as the element's rows become cards.
export const STYLES = `
:root {
  color-scheme: light dark;
  --fg:#1c2330; --muted:#5d6778; --line:#d5dbe5; --bg:#f6f7f9; --card:#fff; --raised:#fff; --accent:#3358d4; --accent-fg:#fff;
  --accent-soft:#e8edfb; --danger:#c02d2d; --danger-fg:#fff; --hover:#eef1f6; --code:#f2f4f8;
  --target:24px;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg:#e4e8ef; --muted:#9aa4b5; --line:#343c4a; --bg:#11151c; --card:#181d26; --raised:#202633; --accent:#7f9cf5; --accent-fg:#11151c;
    --accent-soft:#232d4a; --danger:#ff8383; --danger-fg:#11151c; --hover:#262d3a; --code:#11151c;
  }
}
@media (pointer: coarse) { :root { --target:44px; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.top { display:flex; flex-wrap:wrap; gap:8px 16px; justify-content:space-between; align-items:center; padding:12px 24px; background:var(--card); border-bottom:1px solid var(--line); }
.brand { font-weight:650; font-size:16px; }
.switcher { display:flex; flex-wrap:wrap; gap:8px; align-items:center; color:var(--muted); }
.switcher label { margin:0; font-weight:500; }
.switcher select { padding:6px 8px; min-height:max(32px, var(--target)); border:1px solid var(--line); border-radius:6px; font:inherit; color:var(--fg); background:var(--card); }
.layout { display:flex; gap:32px; max-width:1180px; margin:0 auto; padding:24px; }
.sidebar { width:190px; flex:none; display:flex; flex-direction:column; gap:2px; }
.sidebar .nav-title { margin:0 0 8px; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.sidebar a { padding:6px 10px; min-height:max(24px, var(--target)); display:flex; align-items:center; border-radius:6px; color:var(--muted); text-decoration:none; }
.sidebar a.active { background:var(--accent-soft); color:var(--fg); font-weight:600; }
main { flex:1; min-width:0; }
h1 { margin:0 0 4px; font-size:22px; }
.lead { margin:0 0 20px; color:var(--muted); }
@media (max-width: 720px) {
  .top { padding:12px 16px; }
  .layout { flex-direction:column; gap:16px; padding:16px; }
  .sidebar { width:auto; flex-direction:row; flex-wrap:wrap; align-items:center; gap:4px; border-bottom:1px solid var(--line); padding-bottom:8px; }
  .sidebar .nav-title { margin:0 8px 0 0; flex-basis:100%; }
}
keyward-tokens {
  --keyward-fg: var(--fg); --keyward-muted: var(--muted); --keyward-border: var(--line);
  --keyward-bg: var(--bg); --keyward-surface: var(--card); --keyward-raised: var(--raised);
  --keyward-accent: var(--accent); --keyward-accent-fg: var(--accent-fg); --keyward-focus: var(--accent);
  --keyward-danger: var(--danger); --keyward-danger-fg: var(--danger-fg); --keyward-hover: var(--hover);
  --keyward-code-bg: var(--code); --keyward-radius: 10px; --keyward-gap: 20px;
}
`;
