// dashboard.js draws the dashboard: filters, totals, the map with its
// South-South flows, and four charts, each with a table view and the
// exact GraphQL query behind it. Every figure is a public GraphQL query
// (api.js); d3 and topojson are the globals of the vendored UMD builds,
// loaded before this module by index.html.
import {
  KINDS, LANGS, gql, graphiqlURL, requestLog, readState, writeState, stateQuery, activityWhere,
} from './api.js';

/* global d3, topojson */


const KIND_LABELS = {
  TECHNICAL_ASSISTANCE: 'Technical assistance',
  SOUTH_SOUTH: 'South-South',
  TRIANGULAR: 'Triangular',
  OTHER: 'Other',
};
const LANG_LABELS = { EN: 'English', AR: 'العربية', ES: 'Español', FR: 'Français', RU: 'Русский', ZH: '中文' };
const fmt = new Intl.NumberFormat('en');

// The queries. Each is sent as it is shown in its chart's "Query" view.
const Q = {
  options: `query DashboardOptions($lang: Language) {
  regions(first: 20) { edges { node { code name } } }
  topics(first: 100, orderBy: {field: NAME}) { edges { node { code name } } }
  countries(first: 300) { edges { node { code iso3 ldc name(lang: $lang) numericCode latitude longitude } } }
}`,
  // The totals come with the map's statistic (its total counts each
  // activity once, whatever the grouping): one scan of the activities
  // fewer per view.
  map: `query DashboardMap($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [COUNTRY], first: 300) {
    total { count participants participantsKnown }
    buckets { country { code } count participants participantsKnown }
  }
}`,
  flows: `query DashboardFlows($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [PROVIDER_COUNTRY, COUNTRY], orderBy: {field: COUNT, direction: DESC}, first: 20) {
    buckets { providerCountry { code } country { code } count participants }
  }
}`,
  // Participants per year are this statistic's buckets summed over the
  // kinds (an activity has one kind, so the sums are exact).
  yearKind: `query DashboardYearKind($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [YEAR, KIND], first: 400) {
    buckets { year kind count participants participantsKnown }
  }
}`,
  region: `query DashboardRegions($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [REGION]) {
    buckets { region { code name } count }
  }
}`,
  topic: `query DashboardTopics($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [TOPIC], orderBy: {field: COUNT, direction: DESC}, first: 10) {
    buckets { topic { code name } count }
  }
}`,
  // The Match platform has no kinds, years or DA projects of its own to
  // filter by: its funnel follows the data choice (real, demo, all) only.
  funnel: `query DashboardMatchFunnel($offers: MatchOfferWhereInput, $needs: MatchNeedWhereInput, $matches: MatchWhereInput) {
  offerStats(where: $offers, groupBy: [STATUS]) { total { count } buckets { status count } }
  needStats(where: $needs, groupBy: [STATUS]) { total { count } buckets { status count } }
  matchStats(where: $matches, groupBy: [STATUS]) { total { count } buckets { status count } }
  matchTiming(where: $matches) { count medianDaysFromNeed medianDaysFromOffer }
}`,
};

// The flows are South-South and triangular activities: the filter's kinds
// among those two, both when it names no kind, none (null: no request)
// when it names only other kinds.
const FLOW_KINDS = ['SOUTH_SOUTH', 'TRIANGULAR'];
function flowWhere(state) {
  const kinds = state.kinds.length ? state.kinds.filter((k) => FLOW_KINDS.includes(k)) : FLOW_KINDS;
  if (kinds.length === 0) return null;
  return { ...activityWhere(state), kindIn: kinds };
}

let state = readState();
let options = null; // {regions, topics, countries: Map code -> country}
let optionsLang = null;
let atlas = null; // GeoJSON FeatureCollection of the countries
let generation = 0; // the latest refresh; older answers are dropped

const $ = (id) => document.getElementById(id);

function showError(err) {
  const el = $('error');
  el.textContent = 'Could not load the figures: ' + (err && err.message ? err.message : String(err));
  el.hidden = false;
}

// ---- filters ----

function buildFilters() {
  const kinds = d3.select('#f-kinds');
  for (const k of KINDS) {
    const label = kinds.append('label');
    label.append('input').attr('type', 'checkbox').attr('name', 'kind').attr('value', k);
    label.append('span').text(' ' + KIND_LABELS[k]);
  }
  d3.select('#f-lang').selectAll('option').data(LANGS).join('option')
    .attr('value', (d) => d).text((d) => LANG_LABELS[d]);
  $('filters').addEventListener('change', onFilterChange);
  $('filters').addEventListener('submit', (e) => e.preventDefault());
}

function fillOptions() {
  const region = d3.select('#f-region');
  region.selectAll('option.opt').data(options.regions, (d) => d.code).join('option')
    .attr('class', 'opt').attr('value', (d) => d.code).text((d) => d.name);
  const topic = d3.select('#f-topic');
  topic.selectAll('option.opt').data(options.topics, (d) => d.code).join('option')
    .attr('class', 'opt').attr('value', (d) => d.code).text((d) => d.name);
}

// setControls shows state in the form.
function setControls() {
  $('f-from').value = state.from ?? '';
  $('f-to').value = state.to ?? '';
  for (const box of document.querySelectorAll('#f-kinds input')) box.checked = state.kinds.includes(box.value);
  $('f-region').value = state.region;
  $('f-topic').value = state.topic;
  $('f-project').value = state.project;
  $('f-demo').value = state.demo;
  $('f-lang').value = state.lang;
  $('f-measure').value = state.measure;
}

// formState reads the form into a state, through the same rules as the URL.
function formState() {
  const p = new URLSearchParams();
  const set = (k, v) => { if (v !== '' && v != null) p.set(k, v); };
  set('from', $('f-from').value);
  set('to', $('f-to').value);
  set('kind', [...document.querySelectorAll('#f-kinds input:checked')].map((b) => b.value).join(','));
  set('region', $('f-region').value);
  set('topic', $('f-topic').value.trim());
  set('project', $('f-project').value.trim());
  set('demo', $('f-demo').value);
  set('lang', $('f-lang').value);
  set('measure', $('f-measure').value);
  return readState('?' + p.toString());
}

function onFilterChange() {
  const next = formState();
  const onlyMeasure = JSON.stringify({ ...next, measure: '' }) === JSON.stringify({ ...state, measure: '' });
  state = next;
  writeState(state);
  if (onlyMeasure && lastMap) {
    drawMap(lastMap); // the measure needs no new request
    return;
  }
  refresh();
}

// ---- data ----

async function loadOptions() {
  if (options && optionsLang === state.lang) return;
  const data = await gql(Q.options, { lang: state.lang });
  const countries = new Map();
  for (const { node } of data.countries.edges) countries.set(node.code, node);
  options = {
    regions: data.regions.edges.map((e) => e.node),
    topics: data.topics.edges.map((e) => e.node),
    countries,
  };
  optionsLang = state.lang;
  fillOptions();
}

async function loadAtlas() {
  if (atlas) return;
  const res = await fetch('/dashboard/assets/countries-110m.json');
  if (!res.ok) throw new Error(`country shapes: HTTP ${res.status}`);
  const topo = await res.json();
  atlas = topojson.feature(topo, topo.objects.countries);
}

let lastMap = null;

async function refresh() {
  const gen = ++generation;
  $('error').hidden = true;
  $('demo-banner').hidden = state.demo === 'real';
  document.body.classList.toggle('demo', state.demo !== 'real');
  const where = activityWhere(state);
  const vars = { where };
  const firstRequest = requestLog.length;
  const started = performance.now();
  try {
    await Promise.all([loadOptions(), loadAtlas()]);
    if (gen !== generation) return;
    setControls();
    await Promise.all([
      gql(Q.map, vars).then((d) => {
        if (gen !== generation) return;
        drawTotals(d.activityStats.total);
        lastMap = d.activityStats.buckets;
        drawMap(lastMap);
        showQuery('map', Q.map, vars);
      }),
      (flowWhere(state) ? gql(Q.flows, { where: flowWhere(state) }) : Promise.resolve(null)).then((d) => {
        if (gen !== generation) return;
        drawFlows(d ? d.activityStats.buckets : []);
        showQuery('flows', Q.flows, { where: flowWhere(state) });
      }),
      gql(Q.yearKind, vars).then((d) => {
        if (gen !== generation) return;
        drawYearKind(d.activityStats.buckets, vars);
        drawParticipants(perYear(d.activityStats.buckets), vars);
      }),
      gql(Q.region, vars).then((d) => gen === generation && drawRegions(d.activityStats.buckets, vars)),
      gql(Q.topic, vars).then((d) => gen === generation && drawTopics(d.activityStats.buckets, vars)),
      gql(Q.funnel, funnelVars(state)).then((d) => gen === generation && drawFunnel(d, funnelVars(state))),
    ]);
    if (gen === generation) {
      showCost(requestLog.slice(firstRequest));
      // How long the view took to draw, from the start of the refresh and
      // from the navigation: the browser test logs both.
      document.body.dataset.refreshMs = String(Math.round(performance.now() - started));
      document.body.dataset.loadMs = String(Math.round(performance.now()));
      document.body.dataset.ready = String(gen);
    }
  } catch (err) {
    if (gen === generation) {
      showError(err);
      document.body.dataset.ready = String(gen);
    }
  }
}

// ---- views ----

function countryName(code) {
  const c = options.countries.get(code);
  return c ? c.name : code;
}

function drawTotals(t) {
  $('total-count').textContent = fmt.format(t.count);
  $('total-participants').textContent = fmt.format(t.participants);
  $('total-known').textContent = t.count ? `(known for ${fmt.format(t.participantsKnown)} of ${fmt.format(t.count)} activities)` : '';
}

// showCost says what the view spent of the address's hourly budget
// (extensions.cost of each answer: chargedQueryCost is what the bucket
// paid, the price or, for an answer from the server's cache, far less):
// the page is meant to stay within 2%.
function showCost(requests) {
  const spent = d3.sum(requests, (r) => (r.cost ? (r.cost.chargedQueryCost ?? r.cost.requestedQueryCost ?? 0) : 0));
  const last = requests.map((r) => r.cost && r.cost.rateLimit).filter(Boolean).pop();
  const el = $('cost');
  el.dataset.cost = String(spent);
  el.dataset.requests = String(requests.length);
  el.textContent = `This view took ${requests.length} requests costing ${fmt.format(spent)} points` +
    (last ? ` of this address's ${fmt.format(last.limit)} an hour (${fmt.format(last.remaining)} left).` : '.');
}

function showQuery(prefix, query, variables) {
  $(prefix + '-query').textContent = query + '\n\nvariables: ' + JSON.stringify(variables, null, 2);
  $(prefix + '-graphiql').href = graphiqlURL(query, variables);
}

// table renders rows into container as a <table>: columns are
// [{label, value: row => text, key?: true}], the key column marks each
// row's data-key.
function table(container, columns, rows, keyOf) {
  const sel = d3.select(container);
  sel.selectAll('*').remove();
  const t = sel.append('table');
  t.append('thead').append('tr').selectAll('th').data(columns).join('th').text((c) => c.label)
    .attr('class', (c) => (c.numeric ? 'num' : null));
  const tr = t.append('tbody').selectAll('tr').data(rows).join('tr');
  if (keyOf) tr.attr('data-key', keyOf);
  tr.selectAll('td').data((r) => columns.map((c) => ({ c, v: c.value(r) }))).join('td')
    .attr('class', (d) => (d.c.numeric ? 'num' : null))
    .text((d) => (d.c.numeric && typeof d.v === 'number' ? fmt.format(d.v) : d.v));
  if (rows.length === 0) sel.append('p').attr('class', 'note').text('No activity matches the filters.');
}

// ---- the map ----

const projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [956, 496]], { type: 'Sphere' });
const geoPath = d3.geoPath(projection);

// A country meets its shape on the ISO 3166-1 numeric code: the shapes'
// ids ("818" for Egypt), Country.numericCode in the API. The few shapes
// without an id (Kosovo, Northern Cyprus, Somaliland) stay grey.
function shapeKeyOfCountry(c) {
  return c.numericCode;
}
function shapeKeyOfFeature(f) {
  return f.id;
}

function drawMap(buckets) {
  const measure = state.measure;
  const byCode = new Map(buckets.filter((b) => b.country).map((b) => [b.country.code, b]));
  const byShape = new Map();
  for (const c of options.countries.values()) {
    const k = shapeKeyOfCountry(c);
    if (k) byShape.set(k, c);
  }
  const value = (b) => (b ? b[measure] : 0);
  const max = d3.max(buckets, value) || 1;
  const color = d3.scaleSequentialSqrt([0, max], d3.interpolateYlGnBu);

  const svg = d3.select('#map');
  let base = svg.select('g.base');
  if (base.empty()) {
    svg.append('path').attr('class', 'sphere').attr('d', geoPath({ type: 'Sphere' }));
    base = svg.append('g').attr('class', 'base');
    svg.append('g').attr('class', 'arcs');
  }
  const shown = new Set();
  const links = base.selectAll('a.country').data(atlas.features, (f) => f.id + (f.properties.name || ''))
    .join((enter) => {
      const a = enter.append('a').attr('class', 'country');
      a.append('path').attr('d', geoPath);
      a.append('title');
      return a;
    });
  links.each(function (f) {
    const c = byShape.get(shapeKeyOfFeature(f));
    const b = c && byCode.get(c.code);
    if (c) shown.add(c.code);
    const a = d3.select(this);
    a.classed('ldc', !!(c && c.ldc)).classed('empty', !b);
    if (c) a.attr('href', `/dashboard/country/${c.code}${stateQuery(state)}`).attr('data-code', c.code);
    else a.attr('href', null).attr('data-code', null);
    a.select('path').style('fill', b && value(b) > 0 ? color(value(b)) : null);
    const name = c ? c.name : f.properties.name;
    a.select('title').text(b
      ? `${name}${c.ldc ? ' (LDC)' : ''}: ${fmt.format(b.count)} activities, ${fmt.format(b.participants)} participants (known for ${fmt.format(b.participantsKnown)})`
      : `${name}${c && c.ldc ? ' (LDC)' : ''}: no activity`);
  });

  // Countries with activities but no shape at this scale (small islands).
  const missing = buckets.filter((b) => b.country && !shown.has(b.country.code));
  const un = d3.select('#unmapped');
  un.selectAll('*').remove();
  if (missing.length) {
    un.append('span').text('Not on the map (no shape at this scale): ');
    missing.forEach((b, i) => {
      if (i) un.append('span').text(', ');
      un.append('a').attr('href', `/dashboard/country/${b.country.code}${stateQuery(state)}`)
        .text(`${countryName(b.country.code)} (${fmt.format(value(b))})`);
    });
  }
  drawLegend(color, max, measure);
  table('#map-table', [
    { label: 'Country', value: (b) => countryName(b.country.code) },
    { label: 'LDC', value: (b) => (options.countries.get(b.country.code)?.ldc ? 'yes' : '') },
    { label: 'Activities', value: (b) => b.count, numeric: true },
    { label: 'Participants', value: (b) => b.participants, numeric: true },
  ], buckets.filter((b) => b.country).sort((x, y) => y[measure] - x[measure]), (b) => b.country.code);
}

function drawLegend(color, max, measure) {
  const el = d3.select('#map-legend');
  el.selectAll('*').remove();
  const w = 240;
  const svg = el.append('svg').attr('viewBox', `0 0 ${w + 20} 36`).attr('width', w + 20).attr('height', 36);
  const steps = d3.range(0, 1.0001, 1 / 24);
  svg.append('g').selectAll('rect').data(steps).join('rect')
    .attr('x', (d) => 10 + d * w).attr('y', 2).attr('width', w / 24 + 1).attr('height', 10)
    .style('fill', (d) => color(d * d * max));
  svg.append('g').attr('transform', 'translate(10,14)')
    .call(d3.axisBottom(d3.scaleSqrt([0, max], [0, w])).ticks(4, 's').tickSizeOuter(0));
  el.append('span').text(measure === 'participants' ? ' participants · ' : ' activities · ');
  el.append('span').attr('class', 'ldc-key').text('outlined: least developed country');
}

function drawFlows(buckets) {
  const pairs = buckets.filter((b) => b.providerCountry && b.country);
  const max = d3.max(pairs, (b) => b.count) || 1;
  const width = d3.scaleSqrt([0, max], [0.75, 3]);
  const arcs = d3.select('#map g.arcs').selectAll('path').data(pairs).join('path')
    .attr('class', 'arc')
    .attr('d', (b) => {
      const p = options.countries.get(b.providerCountry.code);
      const c = options.countries.get(b.country.code);
      if (!p || !c) return null;
      return geoPath({ type: 'LineString', coordinates: [[p.longitude, p.latitude], [c.longitude, c.latitude]] });
    })
    .style('stroke-width', (b) => width(b.count));
  arcs.selectAll('title').data((b) => [b]).join('title')
    .text((b) => `${countryName(b.providerCountry.code)} → ${countryName(b.country.code)}: ${fmt.format(b.count)} activities`);
  table('#flows-table', [
    { label: 'Provider', value: (b) => countryName(b.providerCountry.code) },
    { label: 'Beneficiary', value: (b) => countryName(b.country.code) },
    { label: 'Activities', value: (b) => b.count, numeric: true },
    { label: 'Participants', value: (b) => b.participants, numeric: true },
  ], pairs, (b) => `${b.providerCountry.code}-${b.country.code}`);
}

// ---- charts ----

// frame gives a chart section its svg, table view and query view, made once.
function frame(id) {
  const section = d3.select('#' + id);
  if (section.select('svg').empty()) {
    section.append('svg').attr('class', 'plot').attr('role', 'img').attr('aria-labelledby', id + '-title');
    const v = section.append('details').attr('class', 'view');
    v.append('summary').text('Table');
    v.append('div').attr('class', 'table');
    const q = section.append('details').attr('class', 'query');
    q.append('summary').text('Query');
    q.append('pre');
    q.append('a').text('Open in GraphiQL');
  }
  return section;
}

function chartQuery(section, query, variables) {
  section.select('details.query pre').text(query + '\n\nvariables: ' + JSON.stringify(variables, null, 2));
  section.select('details.query a').attr('href', graphiqlURL(query, variables));
}

const W = 460;
const H = 260;
const M = { top: 10, right: 10, bottom: 30, left: 44 };

// hbars draws horizontal bars: rows [{label, value}].
function hbars(section, rows, valueLabel) {
  const left = 150;
  const h = Math.max(60, rows.length * 22 + 30);
  const svg = section.select('svg.plot').attr('viewBox', `0 0 ${W} ${h}`);
  svg.selectAll('*').remove();
  const x = d3.scaleLinear([0, d3.max(rows, (r) => r.value) || 1], [left, W - M.right]).nice();
  const y = d3.scaleBand(rows.map((r, i) => i), [M.top, h - 20]).padding(0.2);
  svg.append('g').selectAll('rect').data(rows).join('rect').attr('class', 'bar')
    .attr('x', left).attr('y', (r, i) => y(i)).attr('height', y.bandwidth())
    .attr('width', (r) => x(r.value) - left)
    .append('title').text((r) => `${r.label}: ${fmt.format(r.value)} ${valueLabel}`);
  svg.append('g').selectAll('text').data(rows).join('text').attr('class', 'label')
    .attr('x', left - 4).attr('y', (r, i) => y(i) + y.bandwidth() / 2).attr('dy', '0.35em')
    .attr('text-anchor', 'end').text((r) => (r.label.length > 24 ? r.label.slice(0, 23) + '…' : r.label));
  svg.append('g').attr('transform', `translate(0,${h - 20})`).call(d3.axisBottom(x).ticks(5, 's'));
}

function yearLabel(y) {
  return y == null ? 'date unknown' : String(y);
}

function drawYearKind(buckets, vars) {
  const section = frame('chart-year-kind');
  chartQuery(section, Q.yearKind, vars);
  const years = [...new Set(buckets.map((b) => b.year))].sort((a, b) => (a == null) - (b == null) || a - b);
  const kinds = KINDS.filter((k) => buckets.some((b) => b.kind === k));
  const rows = years.map((y) => {
    const r = { year: y, total: 0 };
    for (const k of kinds) r[k] = 0;
    for (const b of buckets) if (b.year === y) { r[b.kind] = b.count; r.total += b.count; }
    return r;
  });
  const svg = section.select('svg.plot').attr('viewBox', `0 0 ${W} ${H}`);
  svg.selectAll('*').remove();
  const x = d3.scaleBand(years.map(yearLabel), [M.left, W - M.right]).padding(0.15);
  const y = d3.scaleLinear([0, d3.max(rows, (r) => r.total) || 1], [H - M.bottom, M.top + 18]).nice();
  const color = d3.scaleOrdinal(KINDS, ['#1f77b4', '#2ca02c', '#ff7f0e', '#7f7f7f']);
  const stacked = d3.stack().keys(kinds)(rows);
  svg.append('g').selectAll('g').data(stacked).join('g').style('fill', (s) => color(s.key))
    .selectAll('rect').data((s) => s.map((d) => ({ d, key: s.key }))).join('rect')
    .attr('x', ({ d }) => x(yearLabel(d.data.year))).attr('width', x.bandwidth())
    .attr('y', ({ d }) => y(d[1])).attr('height', ({ d }) => y(d[0]) - y(d[1]))
    .append('title').text(({ d, key }) => `${yearLabel(d.data.year)}, ${KIND_LABELS[key]}: ${fmt.format(d.data[key])}`);
  const every = Math.ceil(years.length / 12);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`)
    .call(d3.axisBottom(x).tickValues(x.domain().filter((d, i) => i % every === 0 || d === 'date unknown')));
  svg.append('g').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5, 's'));
  // The legend in a row above the bars, where no bar reaches.
  const legend = svg.append('g').attr('transform', `translate(${M.left},2)`);
  kinds.forEach((k, i) => {
    const g = legend.append('g').attr('transform', `translate(${i * 120},0)`);
    g.append('rect').attr('width', 10).attr('height', 10).style('fill', color(k));
    g.append('text').attr('x', 14).attr('y', 9).attr('class', 'label').text(KIND_LABELS[k]);
  });
  table(section.select('div.table').node(), [
    { label: 'Year', value: (r) => yearLabel(r.year) },
    ...kinds.map((k) => ({ label: KIND_LABELS[k], value: (r) => r[k], numeric: true })),
    { label: 'Total', value: (r) => r.total, numeric: true },
  ], rows, (r) => yearLabel(r.year));
}

function drawRegions(buckets, vars) {
  const section = frame('chart-region');
  chartQuery(section, Q.region, vars);
  // The null bucket: activities without a beneficiary country.
  const rows = buckets.map((b) => (b.region
    ? { key: b.region.code, label: b.region.name, value: b.count }
    : { key: '', label: 'no beneficiary country', value: b.count }));
  hbars(section, rows, 'activities');
  table(section.select('div.table').node(), [
    { label: 'Bureau', value: (r) => r.label },
    { label: 'Activities', value: (r) => r.value, numeric: true },
  ], rows, (r) => r.key);
}

function drawTopics(buckets, vars) {
  const section = frame('chart-topic');
  chartQuery(section, Q.topic, vars);
  // The null bucket: activities without a topic, among the ten when large enough.
  const rows = buckets.map((b) => (b.topic
    ? { key: b.topic.code, label: b.topic.name, value: b.count }
    : { key: '', label: 'no topic', value: b.count }));
  hbars(section, rows, 'activities');
  table(section.select('div.table').node(), [
    { label: 'Topic', value: (r) => r.label },
    { label: 'Activities', value: (r) => r.value, numeric: true },
  ], rows, (r) => r.key);
}

// perYear sums year-and-kind buckets per year, in year order (the null
// year, activities no source dates, last).
function perYear(buckets) {
  const years = new Map();
  for (const b of buckets) {
    const y = years.get(b.year) || { year: b.year, count: 0, participants: 0, participantsKnown: 0 };
    y.count += b.count;
    y.participants += b.participants;
    y.participantsKnown += b.participantsKnown;
    years.set(b.year, y);
  }
  return [...years.values()].sort((a, b) => (a.year ?? Infinity) - (b.year ?? Infinity));
}

function drawParticipants(buckets, vars) {
  const section = frame('chart-participants');
  chartQuery(section, Q.yearKind, vars);
  const known = buckets.filter((b) => b.year != null);
  const svg = section.select('svg.plot').attr('viewBox', `0 0 ${W} ${H}`);
  svg.selectAll('*').remove();
  const x = d3.scaleLinear(d3.extent(known, (b) => b.year).map((v, i) => (v ?? 2000) + (i ? 0.5 : -0.5)), [M.left, W - M.right]);
  const y = d3.scaleLinear([0, d3.max(known, (b) => b.participants) || 1], [H - M.bottom, M.top]).nice();
  svg.append('path').datum(known).attr('class', 'line')
    .attr('d', d3.line((b) => x(b.year), (b) => y(b.participants)));
  svg.append('g').selectAll('circle').data(known).join('circle').attr('class', 'dot')
    .attr('cx', (b) => x(b.year)).attr('cy', (b) => y(b.participants)).attr('r', 3)
    .append('title').text((b) => `${b.year}: ${fmt.format(b.participants)} participants (known for ${b.participantsKnown} of ${b.count} activities)`);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(d3.axisBottom(x).ticks(8, 'd'));
  svg.append('g').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5, 's'));
  table(section.select('div.table').node(), [
    { label: 'Year', value: (b) => yearLabel(b.year) },
    { label: 'Participants', value: (b) => b.participants, numeric: true },
    { label: 'Activities with a known number', value: (b) => b.participantsKnown, numeric: true },
    { label: 'Activities', value: (b) => b.count, numeric: true },
  ], buckets, (b) => yearLabel(b.year));
}

// funnelVars are the Match filters of the data choice: demo records,
// real ones, or all (no filter).
function funnelVars(st) {
  const where = st.demo === 'all' ? {} : { demo: st.demo === 'demo' };
  return { offers: where, needs: where, matches: where };
}

function drawFunnel(d, vars) {
  const section = frame('chart-match');
  chartQuery(section, Q.funnel, vars);
  const rows = [];
  for (const [key, label, stat] of [['offers', 'Offers', d.offerStats], ['needs', 'Needs', d.needStats], ['matches', 'Matches', d.matchStats]]) {
    rows.push({ key: key + ':', label: `${label}, all`, value: stat.total.count });
    for (const b of stat.buckets) rows.push({ key: `${key}:${b.status}`, label: `${label}, ${b.status.toLowerCase()}`, value: b.count });
  }
  hbars(section, rows, 'records');
  const t = d.matchTiming;
  const days = (v) => (v == null ? 'no match' : `${fmt.format(Math.round(v * 10) / 10)} days`);
  section.select('p.timing').remove();
  section.insert('p', 'svg').attr('class', 'timing note')
    .text(`Median time to a match: ${days(t.medianDaysFromNeed)} from the need's posting, ${days(t.medianDaysFromOffer)} from the offer's (over ${fmt.format(t.count)} matches).`);
  table(section.select('div.table').node(), [
    { label: 'Stage', value: (r) => r.label },
    { label: 'Count', value: (r) => r.value, numeric: true },
  ], rows, (r) => r.key);
}

buildFilters();
setControls();
refresh();
