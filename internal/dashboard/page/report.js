// The printable report of one country (/dashboard/country/EG) or one
// regional bureau (/dashboard/region/AFRICA). Every figure comes from the
// public GraphQL API through api.js, with the filters of the query string
// (the dashboard's state), so that a link to a report reproduces it and a
// reader can check each number with the query behind it.
//
// The page builds its DOM with createElement and textContent, never
// innerHTML: titles and sources are data, and the Content-Security-Policy
// allows no inline script or style anyway.

import { gql, graphiqlURL, readState, writeState, activityWhere, exportURL } from './api.js';

const KINDS = ['TECHNICAL_ASSISTANCE', 'SOUTH_SOUTH', 'TRIANGULAR', 'OTHER'];
const KIND_LABEL = {
  TECHNICAL_ASSISTANCE: 'Technical assistance',
  SOUTH_SOUTH: 'South-South',
  TRIANGULAR: 'Triangular',
  OTHER: 'Other',
};
const LANGS = { EN: 'en', AR: 'ar', ES: 'es', FR: 'fr', RU: 'ru', ZH: 'zh' };
const LANG_NAME = { en: 'English', ar: 'Arabic', es: 'Spanish', fr: 'French', ru: 'Russian', zh: 'Chinese' };
const PAGE = 100;

// --- small DOM helpers -----------------------------------------------------

const $ = (id) => document.getElementById(id);

// el makes an element: attrs are properties or attributes, children text
// or nodes (null and undefined are skipped).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === '') continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const svgNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const fmt = new Intl.NumberFormat('en');
const num = (n) => (n === null || n === undefined ? '' : fmt.format(n));

// Enum values whose words are acronyms, which label must not lower-case.
const ACRONYM = { IGO: 'IGO', IP_OFFICE: 'IP office', NGO: 'NGO' };

const plural = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`;

function label(code) {
  if (!code) return '';
  if (KIND_LABEL[code]) return KIND_LABEL[code];
  if (ACRONYM[code]) return ACRONYM[code];
  const s = code.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// dateAt writes a date as precise as its source: 2012-05-14 for DAY,
// 2012-05 for MONTH, 2012 for YEAR; null is "date unknown". The API gives
// a coarse date as its period's first day, which must not be shown as a day.
export function dateAt(value, precision) {
  if (!value) return 'date unknown';
  const d = String(value).slice(0, 10);
  switch (precision) {
    case 'YEAR': return d.slice(0, 4);
    case 'MONTH': return d.slice(0, 7);
    default: return d;
  }
}

function dates(a) {
  const start = dateAt(a.startDate, a.startDatePrecision);
  if (!a.endDate) return start;
  const end = dateAt(a.endDate, a.endDatePrecision);
  return end === start ? start : `${start} – ${end}`;
}

// participants is blank when no source gives the number (never 0), and
// says "about" when the source gives an approximation.
function participants(a) {
  if (a.participants === null || a.participants === undefined) return '';
  return (a.participantsApproximate ? 'about ' : '') + fmt.format(a.participants);
}

const URLish = /https?:\/\/[^\s<>"]+[^\s<>".,;:)\]]/g;

// source shows a source: an address as a link, a document symbol or a
// citation as text, with the addresses inside it linked.
function source(s) {
  const li = el('li');
  let last = 0;
  for (const m of s.matchAll(URLish)) {
    if (m.index > last) li.append(s.slice(last, m.index));
    li.append(el('a', { href: m[0], class: 'source', rel: 'noopener noreferrer', title: m[0] }, sourceName(m[0])));
    last = m.index + m[0].length;
  }
  if (last < s.length) li.append(s.slice(last));
  return li;
}

// sourceName is what a source link says on screen: its site and the end
// of its path, short enough for a table cell. print.css writes the whole
// address after it, which is what a printed page needs.
function sourceName(href) {
  try {
    const u = new URL(href);
    const tail = u.pathname.split('/').filter(Boolean).pop() || '';
    return u.hostname.replace(/^www\./, '') + (tail ? `/…/${tail.length > 40 ? tail.slice(0, 39) + '…' : tail}` : '');
  } catch {
    return href;
  }
}

function demoBadge(demo) {
  // Brackets, so that the flag reads as one without any style sheet.
  return demo ? el('span', { class: 'badge demo', title: 'Invented demonstration record' }, '[demo]') : null;
}

function fail(where, err) {
  const box = $('error');
  box.hidden = false;
  box.append(el('span', {}, `${where}: ${err.message}`), el('br'));
}

// queryLink is a "query" link that opens the request behind a list in
// GraphiQL, for a reader who wants to check it or change it.
function queryLink(query, variables) {
  return el('a', { class: 'query no-print', href: graphiqlURL(query, variables) }, 'query');
}

// --- the page's scope and filters ------------------------------------------

const state = readState();
const path = location.pathname.replace(/\/+$/, '').split('/');
const scope = { type: path[2] === 'region' ? 'region' : 'country', code: decodeURIComponent(path[3] || '').toUpperCase() };
const lang = LANGS[state.lang] ? state.lang : 'EN';

// filtersWhere is the dashboard's filter without its bureau: a report's
// scope is its own country or bureau, which the page adds below.
function filtersWhere() {
  return activityWhere({ ...state, region: '' }) || {};
}

// scopeWhere selects the activities that benefit the country, or a
// country of the bureau.
function scopeWhere() {
  return scope.type === 'country'
    ? { hasBeneficiaryCountriesWith: [{ code: scope.code }] }
    : { hasBeneficiaryCountriesWith: [{ hasRegionWith: [{ code: scope.code }] }] };
}

// where is the activities of the report: the scope and the filters, both.
function where() {
  const f = filtersWhere();
  return Object.keys(f).length ? { and: [scopeWhere(), f] } : scopeWhere();
}

// demoWhere is the demo filter alone, for the lists that are not
// activities (projects, offers, needs): they follow the real/demo choice.
function demoWhere() {
  if (state.demo === 'demo') return { demo: true };
  if (state.demo === 'all') return {};
  return { demo: false };
}

function withDemo(w) {
  const d = demoWhere();
  return Object.keys(d).length ? { and: [w, d] } : w;
}

// --- filters form ----------------------------------------------------------

function setupFilters() {
  const kinds = $('f-kinds');
  for (const k of KINDS) {
    const box = el('input', { type: 'checkbox', value: k, name: 'kind' });
    box.checked = (state.kinds || []).includes(k);
    kinds.append(el('label', {}, box, ' ', KIND_LABEL[k]));
  }
  $('f-from').value = state.from ?? '';
  $('f-to').value = state.to ?? '';
  $('f-demo').value = state.demo || 'real';
  $('f-lang').value = lang;
  const other = [];
  if (state.topic) other.push(`topic ${state.topic}`);
  if (state.project) other.push(`DA project ${state.project}`);
  if (other.length) {
    $('f-other').hidden = false;
    $('f-other').textContent = `Also filtered on the dashboard by ${other.join(' and ')}.`;
  }
  $('filters').addEventListener('change', () => {
    const year = (id) => {
      const v = parseInt($(id).value, 10);
      return Number.isFinite(v) ? v : null;
    };
    writeState({
      ...state,
      from: year('f-from'),
      to: year('f-to'),
      kinds: [...kinds.querySelectorAll('input:checked')].map((i) => i.value),
      demo: $('f-demo').value,
      lang: $('f-lang').value,
    });
    // A report is a document: it is simplest and surest to build it again
    // from the new URL than to patch every section.
    location.reload();
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('print').addEventListener('click', () => window.print());
}

function describeFilters() {
  const parts = [];
  if (state.from || state.to) {
    parts.push(`years ${state.from ?? '…'}–${state.to ?? '…'} (activities of unknown date left out)`);
  }
  if (state.kinds && state.kinds.length) parts.push(`kinds ${state.kinds.map(label).join(', ')}`);
  if (state.topic) parts.push(`topic ${state.topic}`);
  if (state.project) parts.push(`DA project ${state.project}`);
  parts.push({ real: 'real records only', demo: 'demonstration records only', all: 'real and demonstration records' }[state.demo || 'real']);
  $('filters-summary').textContent = `Filters: ${parts.join('; ')}.`;
  const banner = $('demo-banner');
  if (state.demo === 'all' || state.demo === 'demo') {
    banner.hidden = false;
    banner.replaceChildren(el('strong', {}, state.demo === 'demo'
      ? 'Demonstration data: every record in this report is invented, for trying the API.'
      : 'This report includes demonstration data: invented records, each marked [demo], beside the real ones.'));
  }
}

function navLinks() {
  const q = location.search;
  $('nav-dashboard').href = '/dashboard/' + q;
}

// --- header ----------------------------------------------------------------

const COUNTRY_Q = `query ReportCountry($code: String!, $lang: Language) {
  country(code: $code) {
    code iso3 numericCode name(lang: $lang) officialName ldc sovereign
    names { en ar es fr ru zh }
    region { code name }
  }
}`;

const REGION_Q = `query ReportRegion($code: String!, $lang: Language) {
  regions(where: {code: $code}, first: 1) {
    edges { node {
      code name description
      countries(first: 300, orderBy: [{field: NAME}]) {
        totalCount
        edges { node { code iso3 name(lang: $lang) ldc } }
      }
    } }
  }
}`;

async function header() {
  if (scope.type === 'country') {
    const vars = { code: scope.code, lang };
    const { country: c } = await gql(COUNTRY_Q, vars);
    if (!c) throw new Error(`no country with the code ${scope.code}`);
    document.title = `${c.name} · country report · sscgraph`;
    $('title').textContent = `${c.name}: country report`;
    const names = el('table', { class: 'data names', id: 'names' },
      el('caption', {}, 'Name in the six UN languages'),
      el('tbody', {}, ...Object.entries(LANG_NAME).map(([k, n]) => el('tr', {},
        el('th', { scope: 'row' }, n),
        el('td', { lang: k, dir: k === 'ar' ? 'rtl' : null }, c.names[k] ?? '—')))));
    const regionHref = `/dashboard/region/${encodeURIComponent(c.region.code)}${location.search}`;
    const facts = el('dl', { class: 'facts', id: 'facts' },
      el('dt', {}, 'ISO 3166-1 codes'), el('dd', { id: 'iso' }, [c.code, c.iso3, c.numericCode].filter(Boolean).join(' · ')),
      c.officialName ? [el('dt', {}, 'Official name'), el('dd', {}, c.officialName)] : null,
      el('dt', {}, 'Regional bureau'), el('dd', {}, el('a', { href: regionHref, id: 'region-link' }, c.region.name), ` (${c.region.code})`),
      el('dt', {}, 'Least developed country'), el('dd', { id: 'ldc' }, c.ldc ? 'Yes (UN list)' : 'No'),
      c.sovereign ? null : [el('dt', {}, 'Status'), el('dd', {}, 'Dependent territory or area')],
    );
    $('identity').append(facts, names, el('p', {}, queryLink(COUNTRY_Q, vars)));
    const nav = $('nav-region');
    nav.href = regionHref;
    nav.textContent = `${c.region.name} report`;
    nav.hidden = false;
    return;
  }
  const vars = { code: scope.code, lang };
  const data = await gql(REGION_Q, vars);
  const r = data.regions.edges[0]?.node;
  if (!r) throw new Error(`no regional bureau with the code ${scope.code}`);
  document.title = `${r.name} · regional report · sscgraph`;
  $('title').textContent = `${r.name}: regional report`;
  const list = el('ul', { id: 'countries', class: 'countries' },
    ...r.countries.edges.map(({ node: c }) => el('li', { 'data-code': c.code },
      el('a', { href: `/dashboard/country/${encodeURIComponent(c.code)}${location.search}` }, c.name),
      ` (${c.code})`, c.ldc ? [' ', el('span', { class: 'badge ldc', title: 'Least developed country' }, '[LDC]')] : null)));
  $('identity').append(
    el('dl', { class: 'facts' },
      el('dt', {}, 'Bureau code'), el('dd', {}, r.code),
      r.description ? [el('dt', {}, 'Covers'), el('dd', {}, r.description)] : null,
      el('dt', {}, 'Countries'), el('dd', { id: 'countries-count' }, num(r.countries.totalCount)),
      el('dt', {}, 'Least developed countries'), el('dd', {}, num(r.countries.edges.filter((e) => e.node.ldc).length))),
    el('h2', {}, 'Countries'),
    list,
    el('p', {}, queryLink(REGION_Q, vars)));
}

// --- totals, years, activities ---------------------------------------------

const ACTIVITIES_Q = `query ReportActivities($where: ActivityWhereInput, $first: Int, $after: Cursor, $lang: Language) {
  activities(where: $where, first: $first, after: $after, orderBy: [{field: START_DATE, direction: DESC}, {field: TITLE}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title kind type status demo sources
      startDate startDatePrecision endDate endDatePrecision
      venueCity venueCountry { code name(lang: $lang) }
      participants participantsApproximate
      project { code }
    } }
  }
}`;

// One statistic by year and kind: an activity has one start year (or
// none) and one kind, so the buckets partition the activities and their
// sums by year, or by kind, are exact. One statistic costs two thirds of
// two (17,000 points rather than 25,000 at 100,000 activities).
const STATS_Q = `query ReportStats($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [YEAR, KIND], first: 400) {
    total { count participants participantsKnown budget budgetKnown }
    buckets { year kind count participants participantsKnown }
  }
}`;

// sumBy adds up buckets that share a key.
function sumBy(buckets, key) {
  const out = new Map();
  for (const b of buckets) {
    const k = b[key];
    const s = out.get(k) || { [key]: k, count: 0, participants: 0, participantsKnown: 0 };
    s.count += b.count;
    s.participants += b.participants;
    s.participantsKnown += b.participantsKnown;
    out.set(k, s);
  }
  return [...out.values()];
}

async function stats() {
  const vars = { where: where() };
  const data = await gql(STATS_Q, vars);
  const t = data.activityStats.total;
  const dl = $('totals');
  const item = (k, v, id) => [el('dt', {}, k), el('dd', { id }, v)];
  const kinds = sumBy(data.activityStats.buckets, 'kind').sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  dl.append(
    ...item('Activities', num(t.count), 'total-count'),
    ...item('Participants', t.participantsKnown
      ? `${num(t.participants)} (in the ${plural(t.participantsKnown, 'activity that gives', 'activities that give')} a number)`
      : 'no activity gives a number', 'total-participants'),
    ...item('Budget', t.budgetKnown ? `CHF ${num(Math.round(t.budget))} (${plural(t.budgetKnown, 'activity', 'activities')})` : 'not known', 'total-budget'),
    ...kinds.flatMap((b) => item(label(b.kind), num(b.count), `total-${b.kind}`)),
  );
  $('totals-section').append(el('p', {}, queryLink(STATS_Q, vars)));
  years(sumBy(data.activityStats.buckets, 'year'));
}

// years draws activities per year: bars in an SVG and the same figures
// in a table, the "date unknown" bucket last.
function years(buckets) {
  const rows = [...buckets].sort((a, b) => (a.year ?? Infinity) - (b.year ?? Infinity));
  const tbody = $('years-table').tBodies[0];
  for (const b of rows) {
    tbody.append(el('tr', {},
      el('th', { scope: 'row' }, b.year === null ? 'date unknown' : String(b.year)),
      el('td', { class: 'num' }, num(b.count)),
      el('td', { class: 'num' }, b.participantsKnown ? `${num(b.participants)} (${num(b.participantsKnown)})` : '')));
  }
  if (!rows.length) {
    tbody.append(el('tr', {}, el('td', { colspan: 3 }, 'No activity.')));
    return;
  }
  const barW = 28;
  const gap = 6;
  const h = 120;
  const top = 16;
  const bottom = 34;
  const max = Math.max(...rows.map((b) => b.count));
  const width = rows.length * (barW + gap) + gap;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${h + top + bottom}`, width: Math.min(width, 900), role: 'img',
    'aria-label': 'Activities per year (the table below gives the figures)', class: 'bars',
  });
  rows.forEach((b, i) => {
    const x = gap + i * (barW + gap);
    const bh = max ? Math.max(1, Math.round((b.count / max) * h)) : 0;
    const name = b.year === null ? 'date unknown' : String(b.year);
    chart.append(
      svg('rect', { x, y: top + h - bh, width: barW, height: bh, fill: b.year === null ? '#999' : '#1f5f8b' },
        svg('title', {}, `${name}: ${plural(b.count, 'activity', 'activities')}`)),
      svg('text', { x: x + barW / 2, y: top + h - bh - 3, 'text-anchor': 'middle', 'font-size': 10 }, b.count),
      svg('text', { x: x + barW / 2, y: top + h + 12, 'text-anchor': 'middle', 'font-size': 9 }, b.year === null ? 'unknown' : `’${String(b.year).slice(2)}`),
    );
  });
  chart.append(svg('line', { x1: 0, x2: width, y1: top + h, y2: top + h, stroke: '#000', 'stroke-width': 1 }));
  $('years-chart').append(chart);
}

let after = null;
let shown = 0;

function activityRow(a) {
  const venue = [a.venueCity, a.venueCountry?.name].filter(Boolean).join(', ');
  return el('tr', { 'data-id': a.id, 'data-demo': String(a.demo), class: a.demo ? 'demo' : null },
    el('td', { class: 'title' }, a.title, ' ', demoBadge(a.demo),
      a.project ? el('span', { class: 'project' }, ` DA project ${a.project.code}`) : null),
    el('td', {}, label(a.kind)),
    el('td', {}, label(a.type)),
    el('td', { class: 'dates', 'data-precision': a.startDatePrecision }, dates(a)),
    el('td', {}, venue),
    el('td', { class: 'num participants' }, participants(a)),
    el('td', { class: 'sources' }, a.sources.length ? el('ol', {}, ...a.sources.map(source)) : ''),
  );
}

async function activities() {
  const vars = { where: where(), first: PAGE, after, lang };
  const data = await gql(ACTIVITIES_Q, vars);
  const conn = data.activities;
  const tbody = $('activities').tBodies[0];
  for (const e of conn.edges) tbody.append(activityRow(e.node));
  shown += conn.edges.length;
  after = conn.pageInfo.endCursor;
  $('activities-count').textContent = plural(conn.totalCount, 'activity', 'activities') +
    (conn.totalCount > shown ? `, ${num(shown)} shown` : '') + '.';
  $('activities-count').dataset.total = String(conn.totalCount);
  $('activities-more').hidden = !conn.pageInfo.hasNextPage;
  if (!shown) tbody.append(el('tr', {}, el('td', { colspan: 7 }, 'No activity.')));
  if (!$('activities-query')) {
    const link = queryLink(ACTIVITIES_Q, { ...vars, after: null });
    link.id = 'activities-query';
    $('activities-count').after(' ', link);
  }
}

// --- projects, organizations, consultants, Match -----------------------------

const PROJECTS_Q = `query ReportProjects($where: ProjectWhereInput) {
  projects(where: $where, first: 100, orderBy: [{field: CODE}]) {
    totalCount
    edges { node {
      code title status startDate endDate demo
      recommendations(first: 20, orderBy: [{field: NUMBER}]) { edges { node { number title cluster } } }
    } }
  }
}`;

function projectYears(from, to) {
  if (!from && !to) return '';
  if (from === to) return from;
  return `${from ?? '?'}–${to ?? ''}`;
}

function projectsWhere() {
  const countries = scope.type === 'country'
    ? [{ code: scope.code }]
    : [{ hasRegionWith: [{ code: scope.code }] }];
  let w = { hasCountriesWith: countries };
  if (state.project) w = { and: [w, { code: state.project }] };
  return withDemo(w);
}

async function projects() {
  const vars = { where: projectsWhere() };
  const data = await gql(PROJECTS_Q, vars);
  const c = data.projects;
  const tbody = $('projects').tBodies[0];
  for (const { node: p } of c.edges) {
    const yrs = [p.startDate?.slice(0, 4), p.endDate?.slice(0, 4)];
    tbody.append(el('tr', { class: p.demo ? 'demo' : null },
      el('td', {}, el('strong', {}, p.code), ' ', p.title, ' ', demoBadge(p.demo)),
      el('td', {}, label(p.status)),
      el('td', {}, projectYears(yrs[0], yrs[1])),
      el('td', {}, p.recommendations.edges.length
        ? el('ul', { class: 'recs' }, ...p.recommendations.edges.map(({ node: r }) =>
          el('li', {}, `${r.number} (${r.cluster}): ${r.title}`)))
        : '')));
  }
  listMeta('projects', c.totalCount, c.edges.length, 'DA projects', 'projects', vars.where, PROJECTS_Q, vars);
}

const ORGS_Q = `query ReportOrganizations($partners: OrganizationWhereInput, $organizers: OrganizationWhereInput, $lang: Language) {
  partners: organizations(where: $partners, first: 100, orderBy: [{field: NAME}]) {
    totalCount
    edges { node { id name kind demo country { code name(lang: $lang) } } }
  }
  organizers: organizations(where: $organizers, first: 100, orderBy: [{field: NAME}]) {
    totalCount
    edges { node { id name kind demo country { code name(lang: $lang) } } }
  }
}`;

async function organizations() {
  const w = where();
  const vars = { partners: { hasActivitiesWith: [w] }, organizers: { hasOrganizedActivitiesWith: [w] }, lang };
  const data = await gql(ORGS_Q, vars);
  const byID = new Map();
  for (const [role, conn] of [['partner', data.partners], ['organizer', data.organizers]]) {
    for (const { node } of conn.edges) {
      const o = byID.get(node.id) || { ...node, roles: [] };
      o.roles.push(role);
      byID.set(node.id, o);
    }
  }
  const orgs = [...byID.values()].sort((a, b) => a.name.localeCompare(b.name));
  const tbody = $('organizations').tBodies[0];
  for (const o of orgs) {
    tbody.append(el('tr', { class: o.demo ? 'demo' : null },
      el('td', {}, o.name, ' ', demoBadge(o.demo)),
      el('td', {}, label(o.kind)),
      el('td', {}, o.country?.name ?? ''),
      el('td', {}, o.roles.join(', '))));
  }
  const truncated = data.partners.totalCount > data.partners.edges.length || data.organizers.totalCount > data.organizers.edges.length;
  const exportWhere = { or: [vars.partners, vars.organizers] };
  listMeta('organizations', truncated ? null : orgs.length, orgs.length, 'organizations', 'organizations', exportWhere, ORGS_Q, vars);
}

const CONSULTANTS_Q = `query ReportConsultants($where: ConsultantWhereInput, $lang: Language) {
  consultants(where: $where, first: 100, orderBy: [{field: NAME}]) {
    totalCount
    edges { node {
      name demo nationality { code name(lang: $lang) }
      expertise(first: 5) { edges { node { name } } }
    } }
  }
}`;

async function consultants() {
  // Public fields only: name, nationality and expertise; never e-mail,
  // which the API gives to editors' keys alone anyway.
  const vars = { where: { hasActivitiesWith: [where()] }, lang };
  const data = await gql(CONSULTANTS_Q, vars);
  const c = data.consultants;
  const tbody = $('consultants').tBodies[0];
  for (const { node: p } of c.edges) {
    tbody.append(el('tr', { class: p.demo ? 'demo' : null },
      el('td', {}, p.name, ' ', demoBadge(p.demo)),
      el('td', {}, p.nationality?.name ?? ''),
      el('td', {}, p.expertise.edges.map((e) => e.node.name).join(', '))));
  }
  listMeta('consultants', c.totalCount, c.edges.length, 'consultants', 'consultants', vars.where, CONSULTANTS_Q, vars);
}

const MATCH_Q = `query ReportMatch($offers: MatchOfferWhereInput, $needs: MatchNeedWhereInput, $lang: Language) {
  matchOffers(where: $offers, first: 100, orderBy: [{field: POSTED_AT, direction: DESC}]) {
    totalCount
    edges { node { title kind status postedAt demo provider { name } } }
  }
  matchNeeds(where: $needs, first: 100, orderBy: [{field: POSTED_AT, direction: DESC}]) {
    totalCount
    edges { node { title kind status postedAt demo seeker { name } country { code name(lang: $lang) } } }
  }
}`;

async function match() {
  const offers = scope.type === 'country'
    ? { hasTargetCountriesWith: [{ code: scope.code }] }
    : { or: [{ hasTargetRegionsWith: [{ code: scope.code }] }, { hasTargetCountriesWith: [{ hasRegionWith: [{ code: scope.code }] }] }] };
  const needs = scope.type === 'country'
    ? { hasCountryWith: [{ code: scope.code }] }
    : { hasCountryWith: [{ hasRegionWith: [{ code: scope.code }] }] };
  const vars = { offers: withDemo(offers), needs: withDemo(needs), lang };
  const data = await gql(MATCH_Q, vars);
  const o = data.matchOffers;
  const ot = $('offers').tBodies[0];
  for (const { node: x } of o.edges) {
    ot.append(el('tr', { class: x.demo ? 'demo' : null },
      el('td', {}, x.title, ' ', demoBadge(x.demo)), el('td', {}, label(x.kind)), el('td', {}, label(x.status)),
      el('td', {}, x.provider.name), el('td', {}, dateAt(x.postedAt, 'DAY'))));
  }
  listMeta('offers', o.totalCount, o.edges.length, 'offers', 'matchOffers', vars.offers, MATCH_Q, vars);
  const n = data.matchNeeds;
  const nt = $('needs').tBodies[0];
  for (const { node: x } of n.edges) {
    nt.append(el('tr', { class: x.demo ? 'demo' : null },
      el('td', {}, x.title, ' ', demoBadge(x.demo)), el('td', {}, label(x.kind)), el('td', {}, label(x.status)),
      el('td', {}, x.seeker.name), el('td', {}, x.country.name), el('td', {}, dateAt(x.postedAt, 'DAY'))));
  }
  listMeta('needs', n.totalCount, n.edges.length, 'needs', 'matchNeeds', vars.needs, MATCH_Q, vars);
  if (state.demo === 'real' || !state.demo) {
    // Every Match record is demonstration data: on real data the lists
    // are empty, and the reader should know why.
    for (const id of ['offers', 'needs']) {
      $(`${id}-count`).textContent += ' Match offers and needs are all demonstration data so far: choose "real and demonstration records" to see them.';
    }
  }
}

// listMeta writes a list's count (null: not counted), its CSV export
// with the same filter, and its query.
function listMeta(id, total, shownHere, noun, exportType, exportWhere, query, vars) {
  const count = $(`${id}-count`);
  if (total === null) count.textContent = `${num(shownHere)} ${noun} (the first of more; the CSV export has them all).`;
  else count.textContent = `${num(total)} ${noun}` + (total > shownHere ? `, the first ${num(shownHere)} shown (the CSV export has them all).` : '.');
  count.dataset.total = total === null ? '' : String(total);
  $(`${id}-csv`).href = exportURL(exportType, exportWhere);
  $(`${id}-csv`).after(' ', queryLink(query, vars));
  if (!shownHere) {
    const table = $(id);
    table.tBodies[0].append(el('tr', {}, el('td', { colspan: table.tHead.rows[0].cells.length }, 'None.')));
  }
}

// --- start -----------------------------------------------------------------

async function run(name, fn) {
  try {
    await fn();
  } catch (err) {
    fail(name, err);
  }
}

setupFilters();
describeFilters();
navLinks();
$('generated').textContent = `printed from ${location.href} on ${new Date().toISOString().slice(0, 10)}.`;
$('activities-csv').href = exportURL('activities', where());
$('activities-more').addEventListener('click', () => run('activities', activities));

// The sections load two at a time, in the order they are read: on the
// 2-core machine the server is sized for, seven statements at once only
// queue behind each other in SQLite and each is charged the time it spent
// waiting (extensions.cost.actualQueryCost), while two keep both cores
// busy. The page says it is complete (for readers and for the browser
// test) once every section has answered.
const sections = [
  ['header', header],
  ['totals', stats],
  ['activities', activities],
  ['DA projects', projects],
  ['organizations', organizations],
  ['consultants', consultants],
  ['Match', match],
];
const CONCURRENCY = 2;
async function worker() {
  for (let next = sections.shift(); next; next = sections.shift()) await run(...next);
}
Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => {
  document.body.dataset.ready = 'true';
});
