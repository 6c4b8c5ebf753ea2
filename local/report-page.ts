/**
 * The HTML report as one self-contained file: the data as JSON, the styles and the script inline (the script is
 * local/report-client.ts bundled by esbuild), no network at view time. Opens from disk in any browser.
 */
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { ReportData } from './report-data.ts';

const CLIENT_ENTRY = fileURLToPath(new URL('./report-client.ts', import.meta.url));
const STYLES = fileURLToPath(new URL('./report.css', import.meta.url));

let assets: { script: string; styles: string } | undefined;

/** Bundled once per process (about 20 ms). */
function inlineAssets(): { script: string; styles: string } {
  if (!assets) {
    const bundle = buildSync({ entryPoints: [CLIENT_ENTRY], bundle: true, write: false, format: 'iife', minify: true, target: 'es2020', logLevel: 'silent' });
    const css = buildSync({ entryPoints: [STYLES], bundle: true, write: false, minify: true, logLevel: 'silent' });
    assets = { script: bundle.outputFiles[0]!.text, styles: css.outputFiles[0]!.text };
  }
  return assets;
}

/** `<` is escaped so no string in the data can close the script element. */
function embeddedJson(data: ReportData): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
}

export function renderReportHtml(data: ReportData): string {
  const { script, styles } = inlineAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<link rel="icon" href="data:,">
<style>${styles}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><div id="source" class="muted"></div><div id="overview" data-testid="overview"></div></header>
<main>
<div class="controls">
<div id="tabs" class="tabs" role="tablist"></div>
<input id="filter" type="search" placeholder="Filter by key, title or URL" aria-label="Filter by key, title or URL" autocomplete="off">
<div class="pager"><button id="prev" type="button">‹ prev</button><span id="page-status" class="muted"></span><button id="next" type="button">next ›</button></div>
</div>
<div id="list"></div>
</main>
<script type="application/json" id="report-data">${embeddedJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
