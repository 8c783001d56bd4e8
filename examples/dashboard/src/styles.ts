// The host page's own look. The tokens element takes the same colours through its custom properties.
export const STYLES = `
:root { --fg:#1c2330; --muted:#5d6778; --line:#e3e7ee; --bg:#f6f7f9; --card:#fff; --accent:#3358d4; --danger:#c02d2d; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.top { display:flex; justify-content:space-between; align-items:center; padding:12px 24px; background:var(--card); border-bottom:1px solid var(--line); }
.brand { font-weight:650; font-size:16px; }
.switcher { display:flex; gap:8px; align-items:center; color:var(--muted); }
.switcher label { margin:0; font-weight:500; }
.switcher select { padding:6px 8px; border:1px solid #cdd3dd; border-radius:6px; font:inherit; background:#fff; }
.layout { display:flex; gap:32px; max-width:1180px; margin:0 auto; padding:24px; }
.sidebar { width:190px; flex:none; display:flex; flex-direction:column; gap:2px; }
.sidebar .nav-title { margin:0 0 8px; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.sidebar a { padding:6px 10px; border-radius:6px; color:var(--muted); text-decoration:none; }
.sidebar a.active { background:#e8edfb; color:var(--accent); font-weight:600; }
main { flex:1; min-width:0; }
h1 { margin:0 0 4px; font-size:22px; }
.lead { margin:0 0 20px; color:var(--muted); }
keyward-tokens {
  --keyward-fg: var(--fg); --keyward-muted: var(--muted); --keyward-border: var(--line);
  --keyward-bg: var(--bg); --keyward-surface: var(--card); --keyward-accent: var(--accent);
  --keyward-danger: var(--danger); --keyward-radius: 10px; --keyward-gap: 20px;
}
`;
