/** The portal's stylesheet: system fonts, no images, readable in light and dark, contrast ≥ 4.5:1 throughout. */
export const PORTAL_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --text: #1b1f24; --muted: #4a5360; --line: #d5d9e0;
  --accent: #1f5fbf; --accent-text: #ffffff; --plus: #17643a; --minus: #a1261b; --focus: #f2b600;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171b; --card: #1e2228; --text: #eef1f5; --muted: #b4bcc8; --line: #39404a;
    --accent: #7fb0ff; --accent-text: #0b1220; --plus: #6fd39a; --minus: #ff8f84; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.skip { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: var(--card); color: var(--text); }
.skip:focus { left: .5rem; top: .5rem; z-index: 1; }
header, main { max-width: 42rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
.merchant { margin: 0; color: var(--muted); font-weight: 600; letter-spacing: .02em; }
h1 { margin: .1rem 0 0; font-size: 1.6rem; }
h2 { margin: 0 0 .75rem; font-size: 1.15rem; }
h3 { margin: 1.25rem 0 .5rem; font-size: 1rem; }
#member { margin: .25rem 0 1rem; color: var(--muted); }
section { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.big { font-size: 2.75rem; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.balance p { margin: 0; }
ul, ol { margin: 0; padding: 0; list-style: none; }
li { padding: .6rem 0; border-top: 1px solid var(--line); }
li:first-child { border-top: 0; padding-top: 0; }
.row { display: flex; justify-content: space-between; gap: 1rem; align-items: baseline; }
.pts { font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }
.plus { color: var(--plus); } .minus { color: var(--minus); }
.meta, .hint { color: var(--muted); font-size: .875rem; margin: .15rem 0 0; }
.code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; letter-spacing: .08em; }
.badge { display: inline-block; white-space: nowrap; border: 1px solid currentColor; border-radius: 999px; padding: 0 .5rem; font-size: .8rem; font-weight: 600; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
label.check, p.check { display: flex; gap: .5rem; align-items: flex-start; font-weight: 400; }
input, select, textarea { width: 100%; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: .4rem; padding: .5rem .6rem; }
label.check input, p.check input { width: auto; margin-top: .3rem; }
textarea { min-height: 5rem; }
button { font: inherit; font-weight: 600; margin-top: 1rem; padding: .6rem 1rem; border-radius: .4rem; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
a.button { display: inline-block; font-weight: 600; margin-top: .5rem; padding: .6rem 1rem; border-radius: .4rem; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); text-decoration: none; }
a.button.secondary { background: transparent; color: var(--accent); }
/* A gap beside the next button that is gone when they wrap onto two lines. */
button:has(+ button) { margin-right: .5rem; }
button:disabled { opacity: .6; cursor: progress; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
[role="status"]:empty { display: none; }
.notice { margin: .75rem 0 0; padding: .6rem .8rem; border-left: 4px solid var(--accent); background: var(--bg); }
.error { border-left-color: var(--minus); }
@media (prefers-reduced-motion: no-preference) { button { transition: opacity .15s; } }
`;
