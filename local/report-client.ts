/**
 * The report's script, run in the browser (bundled inline by local/report-page.ts; nothing fetched). It reads the
 * JSON embedded in the page (local/report-data.ts) and renders one view a page of PAGE_SIZE rows at a time, so a
 * report of 100,000 documents opens as fast as one of 100: timelines are drawn only for the clusters opened and
 * the mismatches on the current page. Text from the data is only ever set as textContent (no HTML injection).
 */
import type { ReportData, ReportDoc } from './report-data.ts';

const PAGE_SIZE = 50;
const SVG_NS = 'http://www.w3.org/2000/svg';
const DAY_MS = 86_400_000;

type View = 'clusters' | 'mismatches' | 'problems' | 'pages';

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
const docs = data.docs;
const haystack = docs.map((doc) => `${doc.k}\n${doc.t ?? ''}\n${doc.u ?? ''}`.toLowerCase());
const mismatchIndexes = docs.flatMap((doc, index) => (doc.m && !doc.st ? [index] : []));
const problemIndexes = docs.flatMap((doc, index) => (doc.st ? [index] : []));

const state = { view: 'clusters' as View, filter: '', page: 0, open: new Set<number>() };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/** A partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as the span of days it stands for. */
function span(value: string | undefined): [number, number] | null {
  if (!value) return null;
  const [year, month, day] = value.split('-').map(Number);
  if (year === undefined || Number.isNaN(year)) return null;
  if (month === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  if (day === undefined) return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1)];
  const start = Date.UTC(year, month - 1, day);
  return [start, start + DAY_MS];
}

function claimText(doc: ReportDoc): string {
  if (!doc.cd) return 'no claimed date';
  return `claims ${doc.cd}${doc.cs ? ` (${doc.cs}${doc.ce ? `: "${doc.ce}"` : ''})` : ''}`;
}

function coversText(doc: ReportDoc): string {
  if (!doc.e0) return 'no dated content';
  const period = doc.e0 === doc.e1 || !doc.e1 ? doc.e0 : `${doc.e0}..${doc.e1}`;
  return `covers ${doc.dm ?? period}${doc.mn ? ` (${doc.mn} mentions, ${period})` : ''}`;
}

function evidenceOf(doc: ReportDoc): string {
  const lines = [doc.k, `${claimText(doc)}; ${coversText(doc)}`];
  if (doc.m) lines.push(`DATE MISMATCH${doc.mk?.length ? ` (${doc.mk.join(', ')})` : ''}: ${doc.ev ?? 'claimed date far from the content'}`);
  return lines.join('\n');
}

function shortKey(key: string, max = 28): string {
  return key.length > max ? `…${key.slice(key.length - max + 1)}` : key;
}

/**
 * One row per document: its content period as a bar (the dominant period darker), its claimed date as a mark over
 * the span its precision covers; a mismatch is red, with a dashed line across the gap and the gap in days.
 */
function timeline(indexes: number[], evidence: HTMLElement): SVGElement {
  const rows = indexes.map((index) => ({ index, doc: docs[index]!, claim: span(docs[index]!.cd), from: span(docs[index]!.e0), to: span(docs[index]!.e1 ?? docs[index]!.e0), dominant: span(docs[index]!.dm) }));
  const times = rows.flatMap((row) => [row.claim, row.from, row.to].flatMap((range) => range ?? []));
  const width = 760;
  const left = 190;
  const right = 70;
  const rowHeight = 24;
  const top = 26;
  const height = top + rows.length * rowHeight + 8;
  const root = svg('svg', { class: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'claimed dates against content periods' });
  if (times.length === 0) {
    root.append(svg('text', { x: left, y: top, class: 'muted' }, 'no dates found in these pages'));
    return root;
  }
  let min = Math.min(...times);
  let max = Math.max(...times);
  const pad = Math.max((max - min) * 0.04, 15 * DAY_MS);
  min -= pad;
  max += pad;
  const x = (time: number) => left + ((time - min) / (max - min)) * (width - left - right);

  // Year ticks (every n years, at most about 10); within a year or two, month ticks instead.
  const ticks: [number, string][] = [];
  const firstYear = new Date(min).getUTCFullYear() + 1;
  const lastYear = new Date(max).getUTCFullYear();
  if (lastYear - firstYear >= 1) {
    const step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 10));
    for (let year = firstYear; year <= lastYear; year += step) ticks.push([Date.UTC(year, 0, 1), String(year)]);
  } else {
    const start = new Date(min);
    const months = Math.ceil((max - min) / (30 * DAY_MS));
    const step = Math.max(1, Math.ceil(months / 8));
    for (let month = 1; month <= months; month += step) {
      const time = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + month, 1);
      if (time < max) ticks.push([time, new Date(time).toISOString().slice(0, 7)]);
    }
  }
  for (const [time, label] of ticks) {
    const tx = x(time);
    root.append(svg('line', { x1: tx, x2: tx, y1: top - 6, y2: height - 4, class: 'tick' }), svg('text', { x: tx, y: top - 10, class: 'tick-label', 'text-anchor': 'middle' }, label));
  }

  rows.forEach((row, position) => {
    const y = top + position * rowHeight + rowHeight / 2;
    const group = svg('g', { class: `row${row.doc.m ? ' mismatch' : ''}`, tabindex: 0, 'data-key': row.doc.k });
    group.append(svg('title', {}, evidenceOf(row.doc)));
    group.append(svg('rect', { x: 0, y: y - rowHeight / 2, width, height: rowHeight, class: 'row-bg' }));
    group.append(svg('text', { x: 4, y: y + 4, class: `row-label${row.doc.o ? ' original' : ''}` }, `${row.doc.o ? '★ ' : ''}${shortKey(row.doc.k)}`));
    if (row.from && row.to) {
      group.append(svg('rect', { x: x(row.from[0]), y: y - 3, width: Math.max(3, x(row.to[1]) - x(row.from[0])), height: 6, rx: 2, class: 'content' }));
    }
    if (row.dominant) group.append(svg('rect', { x: x(row.dominant[0]), y: y - 6, width: Math.max(4, x(row.dominant[1]) - x(row.dominant[0])), height: 12, rx: 2, class: 'dominant' }));
    if (row.claim) {
      if (row.doc.m && row.to) {
        const [fromX, toX] = row.claim[0] >= row.to[1] ? [x(row.to[1]), x(row.claim[0])] : [x(row.claim[1]), x(row.from![0])];
        group.append(svg('line', { x1: fromX, x2: toX, y1: y, y2: y, class: 'gap' }));
      }
      const claimX = x(row.claim[0]);
      group.append(svg('rect', { x: claimX, y: y - 9, width: Math.max(4, x(row.claim[1]) - claimX), height: 18, rx: 1, class: 'claim' }));
      if (row.doc.m && row.doc.g !== undefined) {
        group.append(svg('text', { x: Math.min(width - right + 4, x(row.claim[1]) + 4), y: y + 4, class: 'gap-label' }, `${row.doc.g > 0 ? '+' : ''}${row.doc.g} d`));
      }
    }
    group.addEventListener('click', () => showEvidence(evidence, row.doc, root, group));
    group.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') showEvidence(evidence, row.doc, root, group);
    });
    root.append(group);
  });
  return root;
}

/** A thumbnail of the cluster's timeline for its header row: content periods in blue, claimed dates as ticks, mismatches red. */
function miniTimeline(indexes: number[]): SVGElement {
  const width = 150;
  const height = 16;
  const root = svg('svg', { class: 'mini-timeline', width, height, viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true' });
  const rows = indexes.map((index) => ({ doc: docs[index]!, claim: span(docs[index]!.cd), from: span(docs[index]!.e0), to: span(docs[index]!.e1 ?? docs[index]!.e0) }));
  const times = rows.flatMap((row) => [row.claim, row.from, row.to].flatMap((range) => range ?? []));
  if (times.length === 0) return root;
  const min = Math.min(...times);
  const max = Math.max(...times, min + DAY_MS);
  const x = (time: number) => 3 + ((time - min) / (max - min)) * (width - 6);
  for (const row of rows) {
    if (row.from && row.to) root.append(svg('rect', { x: x(row.from[0]), y: 6, width: Math.max(2, x(row.to[1]) - x(row.from[0])), height: 4, class: 'dominant' }));
    if (row.claim && row.doc.m && row.to) root.append(svg('line', { x1: x(row.to[1]), x2: x(row.claim[0]), y1: 8, y2: 8, class: 'gap' }));
  }
  for (const row of rows) if (row.claim) root.append(svg('rect', { x: x(row.claim[0]) - 1, y: 1, width: 2, height: 14, class: row.doc.m ? 'claim bad' : 'claim' }));
  return root;
}

function showEvidence(panel: HTMLElement, doc: ReportDoc, root: SVGElement, group: SVGElement): void {
  root.querySelectorAll('.row.selected').forEach((row) => row.classList.remove('selected'));
  group.classList.add('selected');
  panel.textContent = evidenceOf(doc);
  panel.hidden = false;
}

function timelineBlock(indexes: number[]): HTMLElement {
  const evidence = el('pre', { class: 'evidence', 'data-testid': 'evidence' });
  evidence.hidden = true;
  const legend = el('div', { class: 'legend' }, el('span', { class: 'swatch claim' }), ' claimed date  ', el('span', { class: 'swatch dominant' }), ' period the content covers (dominant)  ', el('span', { class: 'swatch content' }), ' all dated mentions  ', el('span', { class: 'swatch mismatch' }), ' mismatch · hover or click a row for the evidence');
  return el('div', { class: 'timeline-block' }, timeline(indexes, evidence), legend, evidence);
}

function flags(doc: ReportDoc): HTMLElement {
  const span = el('span', { class: 'flags' });
  if (doc.o) span.append(el('span', { class: 'badge original' }, 'original'));
  if (doc.rv) span.append(el('span', { class: 'badge' }, 'WARC revisit'));
  else if (doc.x) span.append(el('span', { class: 'badge' }, 'exact copy'));
  if (doc.m) span.append(el('span', { class: 'badge mismatch' }, `date mismatch${doc.mk?.length ? `: ${doc.mk.join(', ')}` : ''}`));
  if (doc.st) span.append(el('span', { class: `badge ${doc.st}` }, doc.st));
  return span;
}

function keyCell(doc: ReportDoc): HTMLElement {
  return el('td', { class: 'key' }, el('div', {}, doc.k), doc.t ? el('div', { class: 'muted' }, doc.t) : null, doc.u ? el('div', { class: 'muted url' }, doc.u) : null);
}

function memberTable(indexes: number[]): HTMLElement {
  const head = el('tr', {}, ...['', 'page', 'distance', 'similarity', 'claimed date', 'content period'].map((name) => el('th', {}, name)));
  const rows = indexes.map((index) => {
    const doc = docs[index]!;
    return el(
      'tr',
      { class: doc.m ? 'mismatch' : '' },
      el('td', {}, flags(doc)),
      keyCell(doc),
      el('td', { class: 'num' }, doc.o ? '—' : String(doc.d ?? '?')),
      el('td', { class: 'num' }, doc.o ? '—' : doc.s === undefined ? '?' : doc.s.toFixed(2)),
      el('td', {}, doc.cd ? `${doc.cd}${doc.cs ? ` (${doc.cs})` : ''}` : '—'),
      el('td', {}, doc.e0 ? coversText(doc).replace(/^covers /, '') : '—'),
    );
  });
  return el('table', { class: 'members' }, el('thead', {}, head), el('tbody', {}, ...rows));
}

function clusterItem(clusterIndex: number): HTMLElement {
  const members = data.clusters[clusterIndex]!;
  const original = docs[members[0]!]!;
  const mismatched = members.filter((index) => docs[index]!.m).length;
  const open = state.open.has(clusterIndex);
  const header = el(
    'button',
    { class: 'cluster-header', 'aria-expanded': String(open), 'data-testid': 'cluster-header' },
    el('span', { class: 'size' }, `${members.length} pages`),
    el('span', { class: 'key' }, original.k),
    original.st ? el('span', { class: `badge ${original.st}` }, `original ${original.st}`) : null,
    original.t ? el('span', { class: 'muted title' }, original.t) : null,
    miniTimeline(members),
    mismatched > 0 ? el('span', { class: 'badge mismatch' }, `${mismatched} date mismatch${mismatched > 1 ? 'es' : ''}`) : null,
  );
  const item = el('li', { class: 'cluster', id: `cluster-${clusterIndex}`, 'data-testid': 'cluster' }, header);
  if (open) item.append(el('div', { class: 'cluster-body' }, timelineBlock(members), memberTable(members)));
  header.addEventListener('click', () => {
    if (state.open.has(clusterIndex)) state.open.delete(clusterIndex);
    else state.open.add(clusterIndex);
    item.replaceWith(clusterItem(clusterIndex));
    document.querySelector<HTMLElement>(`#cluster-${clusterIndex} .cluster-header`)?.focus();
  });
  return item;
}

function mismatchItem(index: number): HTMLElement {
  const doc = docs[index]!;
  const cluster = doc.c === undefined ? null : el('a', { href: `#cluster-${doc.c}`, class: 'jump' }, `cluster of ${data.clusters[doc.c]!.length} pages`);
  cluster?.addEventListener('click', (event) => {
    event.preventDefault();
    openCluster(doc.c!);
  });
  return el(
    'li',
    { class: 'mismatch-item', 'data-testid': 'mismatch' },
    el('div', {}, el('span', { class: 'key' }, doc.k), ' ', flags(doc), ' ', cluster),
    doc.t ? el('div', { class: 'muted' }, doc.t) : null,
    el('div', { class: 'evidence-text' }, doc.ev ?? 'claimed date far from the content'),
    doc.ce ? el('div', { class: 'muted' }, `claimed date read from (${doc.cs}): "${doc.ce}"`) : null,
    timelineBlock([index]),
  );
}

function pageRow(index: number): HTMLElement {
  const doc = docs[index]!;
  const cluster = el('td', {});
  if (doc.c !== undefined) {
    const link = el('a', { href: `#cluster-${doc.c}` }, `${data.clusters[doc.c]!.length} pages`);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      openCluster(doc.c!);
    });
    cluster.append(link);
  }
  return el('tr', { 'data-testid': 'page-row' }, keyCell(doc), el('td', {}, flags(doc)), el('td', {}, doc.rs ?? ''), cluster, el('td', {}, doc.cd ?? ''));
}

function openCluster(clusterIndex: number): void {
  state.open.add(clusterIndex);
  state.view = 'clusters';
  state.filter = '';
  (document.getElementById('filter') as HTMLInputElement).value = '';
  state.page = Math.floor(clusterIndex / PAGE_SIZE);
  render();
  document.getElementById(`cluster-${clusterIndex}`)?.scrollIntoView({ block: 'start' });
}

function matches(index: number): boolean {
  return state.filter === '' || haystack[index]!.includes(state.filter);
}

/** The items of the current view that pass the filter (cluster indexes for the clusters view, document indexes otherwise). */
function selection(): number[] {
  switch (state.view) {
    case 'clusters':
      return data.clusters.flatMap((members, clusterIndex) => (members.some(matches) ? [clusterIndex] : []));
    case 'mismatches':
      return mismatchIndexes.filter(matches);
    case 'problems':
      return problemIndexes.filter(matches);
    case 'pages':
      return docs.flatMap((_, index) => (matches(index) ? [index] : []));
  }
}

function render(): void {
  const items = selection();
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  state.page = Math.min(state.page, pages - 1);
  const shown = items.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
  const list = document.getElementById('list')!;
  list.replaceChildren();
  if (shown.length === 0) list.append(el('p', { class: 'muted empty' }, state.filter ? `nothing matches "${state.filter}"` : 'nothing here'));
  else if (state.view === 'clusters') list.append(el('ol', { class: 'clusters' }, ...shown.map(clusterItem)));
  else if (state.view === 'mismatches') list.append(el('ol', { class: 'mismatches' }, ...shown.map(mismatchItem)));
  else {
    const head = el('tr', {}, ...['page', 'marks', 'reason', 'cluster', 'claimed'].map((name) => el('th', {}, name)));
    list.append(el('table', { class: 'pages' }, el('thead', {}, head), el('tbody', {}, ...shown.map(pageRow))));
  }
  const status = document.getElementById('page-status')!;
  const first = items.length === 0 ? 0 : state.page * PAGE_SIZE + 1;
  status.textContent = `${first.toLocaleString('en')}–${(state.page * PAGE_SIZE + shown.length).toLocaleString('en')} of ${items.length.toLocaleString('en')}`;
  (document.getElementById('prev') as HTMLButtonElement).disabled = state.page === 0;
  (document.getElementById('next') as HTMLButtonElement).disabled = state.page >= pages - 1;
  document.querySelectorAll<HTMLButtonElement>('.tabs button').forEach((tab) => tab.setAttribute('aria-selected', String(tab.dataset.view === state.view)));
}

function overview(): void {
  const counts = data.counts;
  const cards: [string, number, string][] = [
    ['pages', counts.pages, 'pages'],
    ['clusters', counts.clusters, 'near-duplicate clusters'],
    ['nearDuplicates', counts.nearDuplicates, 'copies in clusters'],
    ['exactCopies', counts.exactCopies, 'of them exact copies'],
    ['mismatches', counts.mismatches, 'mismatched dates'],
    ['rejected', counts.rejected, 'rejected'],
    ['failed', counts.failed, 'failed'],
    ['deleted', counts.deleted, 'deleted'],
    ['inProgress', counts.inProgress, 'objects in progress'],
  ];
  const box = document.getElementById('overview')!;
  box.append(...cards.map(([name, value, label]) => el('div', { class: `card${name === 'mismatches' && value > 0 ? ' alert' : ''}`, 'data-count': name }, el('div', { class: 'value' }, value.toLocaleString('en')), el('div', { class: 'label' }, label))));
  const reasons = Object.entries(data.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) box.append(el('div', { class: 'reasons' }, 'by reason: ', ...reasons.map(([reason, count]) => el('span', { class: 'badge rejected' }, `${reason} ${count}`))));
}

function setup(): void {
  document.getElementById('source')!.textContent = `${data.source} · generated ${data.generatedAt.replace('T', ' ').slice(0, 19)} UTC`;
  overview();
  const tabs: [View, string, number][] = [
    ['clusters', 'Clusters', data.clusters.length],
    ['mismatches', 'Date mismatches', mismatchIndexes.length],
    ['problems', 'Rejected / failed', problemIndexes.length],
    ['pages', 'All pages', docs.length],
  ];
  const tabBar = document.getElementById('tabs')!;
  for (const [view, label, count] of tabs) {
    const tab = el('button', { role: 'tab', 'data-view': view }, `${label} (${count.toLocaleString('en')})`);
    tab.addEventListener('click', () => {
      state.view = view;
      state.page = 0;
      render();
    });
    tabBar.append(tab);
  }
  const filter = document.getElementById('filter') as HTMLInputElement;
  let pending: number | undefined;
  filter.addEventListener('input', () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => {
      state.filter = filter.value.trim().toLowerCase();
      state.page = 0;
      render();
    }, 120);
  });
  document.getElementById('prev')!.addEventListener('click', () => {
    state.page -= 1;
    render();
  });
  document.getElementById('next')!.addEventListener('click', () => {
    state.page += 1;
    render();
  });
  const linked = /^#cluster-(\d+)$/.exec(location.hash);
  if (linked && data.clusters[Number(linked[1])]) openCluster(Number(linked[1]));
  else render();
}

setup();
