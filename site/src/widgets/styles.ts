/**
 * The widgets' own CSS, inside each shadow root: nothing from the host page's theme is needed
 * and nothing leaks out. Hosts may tune the look through the --hp-* custom properties and pick
 * the palette with theme="light|dark|auto" (auto, the default, follows the reader's system).
 * Severity colours: block red (--bad), warn amber (--warn), unknown neutral (--muted).
 */
const LIGHT =
  `color-scheme: light;
  --fg: var(--hp-fg, #1b1f24); --bg: var(--hp-bg, #ffffff); --muted: var(--hp-muted, #57606a); ` +
  `--line: var(--hp-line, #d0d7de);
  --accent: var(--hp-accent, #0b63ce); --accent-fg: var(--hp-accent-fg, #ffffff); --ok: #1a7f37; ` +
  `--warn: #9a6700; --bad: #cf222e;
  --c-weights: #3b6fd1; --c-kv: #8a4fd1; --c-compute: #d1851f; --c-overhead: #7a828c; --c-free: #cfe3d5;`
// Dark buttons carry dark text: white on the light-blue accent is 2.5:1, #0d1117 on it 7.4:1.
const DARK =
  `color-scheme: dark;
  --fg: var(--hp-fg, #e6edf3); --bg: var(--hp-bg, #0d1117); --muted: var(--hp-muted, #9da7b3); ` +
  `--line: var(--hp-line, #30363d);
  --accent: var(--hp-accent, #58a6ff); --accent-fg: var(--hp-accent-fg, #0d1117); --ok: #3fb950; ` +
  `--warn: #d29922; --bad: #f85149;
  --c-weights: #5b8ff0; --c-kv: #a777f0; --c-compute: #e0a040; --c-overhead: #8b949e; --c-free: #23402c;`

export const STYLES =
  `
:host { display: block; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; ${LIGHT} }
:host([theme="dark"]) { ${DARK} }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) { ${DARK} } }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.planner { color: var(--fg); background: var(--bg); border: 1px solid var(--line); ` +
  `border-radius: 8px; padding: 14px 16px; }
.title { display: block; font-size: 1.05em; margin: 0 0 10px; }
form { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-end; margin: 0 0 12px; }
.field { display: flex; flex-direction: column; gap: 3px; min-width: 9em; flex: 1 1 9em; }
label { font-size: .85em; font-weight: 600; }
.label-row { display: flex; flex-wrap: wrap; gap: 0 8px; align-items: baseline; }
small { color: var(--muted); font-size: .78em; }
input, select, button { height: 2.25em; font: inherit; color: var(--fg); background: var(--bg); ` +
  `border: 1px solid var(--line); border-radius: 5px; padding: 5px 8px; min-height: 2.1em; }
button { cursor: pointer; background: var(--accent); color: var(--accent-fg); ` +
  `border-color: var(--accent); font-weight: 600; }
button.secondary { background: transparent; color: var(--accent); }
:is(input, select, button, a, pre):focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
a { color: var(--accent); }
.problem { border: 1px solid var(--bad); border-left-width: 4px; border-radius: 5px; ` +
  `padding: 8px 10px; margin: 0 0 12px; }
.problem p { margin: 0 0 4px; font-weight: 600; }
.problem ul { margin: 0; padding-left: 1.2em; }
.results[aria-busy="true"] { opacity: .6; }
.card { border-top: 1px solid var(--line); padding: 10px 0 4px; }
.card:first-child { border-top: 0; padding-top: 0; }
.head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; margin-bottom: 6px; }
.verdict { display: inline-block; font-weight: 700; font-size: .85em; padding: 1px 8px; ` +
  `border-radius: 999px; border: 1px solid currentColor; }
.v-ok { color: var(--ok); } .v-warn { color: var(--warn); } .v-bad { color: var(--bad); ` +
  `} .v-unknown { color: var(--muted); }
dl.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(10em, 1fr)); ` +
  `gap: 6px 14px; margin: 8px 0; }
dl.stats div { display: flex; flex-direction: column; }
dt { color: var(--muted); font-size: .8em; } dd { margin: 0; font-weight: 600; ` +
  `font-variant-numeric: tabular-nums; }
.bar { display: flex; height: 18px; border-radius: 4px; overflow: hidden; ` +
  `border: 1px solid var(--line); background: var(--c-free); }
.bar span { display: block; height: 100%; min-width: 1px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0; ` +
  `margin: 6px 0; font-size: .85em; font-variant-numeric: tabular-nums; }
.legend i { display: inline-block; width: .8em; height: .8em; border-radius: 2px; ` +
  `margin-right: 5px; vertical-align: -1px; }
.seg-weights { background: var(--c-weights); } .seg-kv { background: var(--c-kv); ` +
  `} .seg-compute { background: var(--c-compute); }
.seg-overhead { background: var(--c-overhead); } .seg-free { background: var(--c-free); ` +
  `border: 1px solid var(--line); }
.note { color: var(--muted); font-size: .85em; margin: 4px 0; }
ul.notes { margin: 4px 0; padding-left: 1.2em; font-size: .85em; color: var(--muted); }
/* Host commands and sysfs paths are long unbroken words: wrap them rather than widen the widget. */
ul.notes li { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .88em; margin: 6px 0; }
.table-scroll { overflow-x: auto; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
caption { text-align: left; font-weight: 600; color: var(--fg); padding: 4px 0; }
th { font-size: .85em; color: var(--muted); font-weight: 600; }
pre { background: color-mix(in srgb, var(--fg) 6%, var(--bg)); border: 1px solid var(--line); ` +
  `border-radius: 5px; padding: 8px 10px; overflow: auto; ` +
  `font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 6px 0; ` +
  `white-space: pre; }
.copy-row { display: flex; gap: 8px; align-items: center; }
.foot { color: var(--muted); font-size: .75em; margin: 10px 0 0; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
