export const STYLES = `
:root { --fg:#1c2330; --muted:#5d6778; --line:#e3e7ee; --bg:#f6f7f9; --card:#fff; --accent:#3358d4; --danger:#c93636; --warn-bg:#fff7e0; --warn-line:#f0d48a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.top { display:flex; justify-content:space-between; align-items:center; padding:12px 24px; background:var(--card); border-bottom:1px solid var(--line); }
.brand { font-weight:650; font-size:16px; }
.switcher { display:flex; gap:8px; align-items:center; color:var(--muted); }
.switcher label { margin:0; font-weight:500; }
.layout { display:flex; gap:32px; max-width:1120px; margin:0 auto; padding:24px; }
.sidebar { width:190px; flex:none; display:flex; flex-direction:column; gap:2px; }
.sidebar .nav-title { margin:0 0 8px; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.sidebar a { padding:6px 10px; border-radius:6px; color:var(--muted); text-decoration:none; }
.sidebar a.active { background:#e8edfb; color:var(--accent); font-weight:600; }
main { flex:1; min-width:0; }
h1 { margin:0 0 4px; font-size:22px; }
h2 { margin:0 0 12px; font-size:16px; }
.lead { margin:0 0 20px; color:var(--muted); }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:20px; margin-bottom:20px; }
.field { margin-bottom:14px; max-width:440px; }
label { display:block; font-weight:600; margin-bottom:4px; }
input:not([type=checkbox]), select { width:100%; padding:8px 10px; border:1px solid #cdd3dd; border-radius:6px; font:inherit; background:#fff; }
.switcher select { width:auto; }
.hint { margin:6px 0 0; color:var(--muted); font-size:13px; }
.error { margin:4px 0 0; color:var(--danger); font-size:13px; min-height:0; }
.error:empty { display:none; }
button { font:inherit; cursor:pointer; border-radius:6px; padding:7px 14px; border:1px solid transparent; }
button:disabled { opacity:.5; cursor:default; }
.primary { background:var(--accent); color:#fff; }
.secondary { background:#fff; border-color:#cdd3dd; color:var(--fg); }
.danger { background:var(--danger); color:#fff; }
.icon { background:none; border:none; font-size:18px; line-height:1; padding:4px 8px; color:var(--muted); }
.icon:hover { background:#eef1f5; }
.table-head { display:flex; justify-content:space-between; align-items:center; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:10px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
td .sub { color:var(--muted); font-size:12px; }
td code { font-size:12px; color:var(--muted); }
.check { width:32px; } .actions { width:48px; text-align:right; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; background:#eef1f5; }
.badge.org { background:#e8edfb; color:var(--accent); }
.badge.expired { background:#fde8e8; color:var(--danger); }
.empty { color:var(--muted); }
.menu { position:relative; }
.menu-items { position:absolute; right:0; top:100%; z-index:5; background:#fff; border:1px solid var(--line); border-radius:8px; box-shadow:0 6px 20px rgba(20,30,50,.12); padding:4px; min-width:160px; }
.menu-items button { display:block; width:100%; text-align:left; background:none; color:var(--danger); }
.menu-items button:hover:not(:disabled) { background:#fdf0f0; }
dialog { border:none; border-radius:12px; padding:24px; max-width:560px; width:92vw; box-shadow:0 20px 60px rgba(20,30,50,.3); }
dialog::backdrop { background:rgba(20,30,50,.4); }
.warning { background:var(--warn-bg); border:1px solid var(--warn-line); border-radius:8px; padding:10px 12px; }
.secret-row { display:flex; gap:8px; align-items:center; margin:12px 0; }
.secret-row code { flex:1; padding:8px 10px; background:#f1f3f7; border-radius:6px; font-size:13px; word-break:break-all; }
pre { background:#1c2330; color:#e6e9ef; padding:10px 12px; border-radius:8px; font-size:12px; white-space:pre-wrap; word-break:break-all; }
.buttons { display:flex; gap:8px; justify-content:flex-end; }
.notice h2 { margin-bottom:6px; }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
`;
