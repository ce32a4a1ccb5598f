/**
 * The join and find-my-card pages' stylesheet: system fonts, readable in light and dark, contrast ≥ 4.5:1,
 * targets of at least 44 px for a thumb at the counter. The merchant's colours come in a second, small
 * stylesheet (./theme.ts) as --brand and --brand-text.
 */
export const JOIN_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --text: #1b1f24; --muted: #4a5360; --line: #d5d9e0;
  --error: #a1261b; --focus: #b35c00;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171b; --card: #1e2228; --text: #eef1f5; --muted: #b4bcc8; --line: #39404a;
    --error: #ff8f84; --focus: #f2b600; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.skip { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: var(--card); color: var(--text); }
.skip:focus { left: .5rem; top: .5rem; z-index: 1; }
.brand { background: var(--brand); color: var(--brand-text); }
.brand a { color: var(--brand-text); }
.brand-in, main { max-width: 34rem; margin: 0 auto; padding: 0 1rem; }
.brand-in { padding-top: 1rem; padding-bottom: 1.25rem; }
.top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; min-height: 44px; }
.who { display: flex; align-items: center; gap: .75rem; margin: 0; font-weight: 600; }
.logo { max-height: 48px; max-width: 160px; }
.lang { display: inline-block; padding: .6rem .25rem; font-weight: 600; }
h1 { margin: .75rem 0 0; font-size: 1.5rem; line-height: 1.25; }
.lead { margin: .35rem 0 0; }
main { padding-top: 1rem; padding-bottom: 2rem; }
h2 { margin: 0 0 .75rem; font-size: 1.15rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1rem 1.25rem; margin: 0 0 1rem; }
ul { margin: 0; padding: 0; list-style: none; }
li { padding: .4rem 0; }
.hint { color: var(--muted); font-size: .875rem; margin: .25rem 0 0; }
label { display: block; font-weight: 600; margin: .9rem 0 .25rem; }
input, select { width: 100%; min-height: 44px; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: .4rem; padding: .5rem .6rem; }
input[aria-invalid="true"] { border: 2px solid var(--error); }
fieldset { border: 0; margin: 1.25rem 0 0; padding: 0; }
legend { font-weight: 600; padding: 0; }
label.check { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; margin: .6rem 0 0; }
label.check input { width: 1.4rem; height: 1.4rem; min-height: 0; margin: .1rem 0 0; flex: none; }
.field-error { color: var(--error); font-weight: 600; font-size: .9rem; margin: .25rem 0 0; }
.field-error:empty { display: none; }
button, .button { display: block; width: 100%; min-height: 48px; font: inherit; font-weight: 700; margin-top: 1.25rem; padding: .7rem 1rem; border-radius: .5rem; border: 2px solid var(--brand); background: var(--brand); color: var(--brand-text); text-align: center; text-decoration: none; cursor: pointer; }
.button.secondary { background: transparent; color: var(--text); border-color: var(--muted); }
.wallets { display: flex; flex-direction: column; }
.wallets .button { margin-top: .75rem; }
button:disabled { opacity: .6; cursor: progress; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
[role="status"]:empty { display: none; }
.notice { margin: 1rem 0 0; padding: .6rem .8rem; border-left: 4px solid var(--brand); background: var(--bg); }
.notice.error { border-left-color: var(--error); }
.portal { display: inline-block; padding: .6rem 0; font-weight: 600; color: var(--text); }
.other { margin: 0; }
.other a { display: inline-block; padding: .6rem 0; color: var(--text); font-weight: 600; }
a { color: var(--text); }
`;
