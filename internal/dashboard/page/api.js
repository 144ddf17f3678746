// api.js: the dashboard's one door to the API. Every request is a GET of
// /graphql with the query and its variables in the URL, so that a browser
// or a proxy may cache it, and uses only public fields: no key is sent.
//
// It also holds the page state (the filters), read from and written to
// the URL so that a link reproduces the view, and turns that state into
// the ActivityWhereInput every chart, the map and the totals share.

/** The activity kinds the API has (enum ActivityKind), in its order. */
export const KINDS = ['TECHNICAL_ASSISTANCE', 'SOUTH_SOUTH', 'TRIANGULAR', 'OTHER'];
/** The languages names are held in (enum Language). */
export const LANGS = ['EN', 'AR', 'ES', 'FR', 'RU', 'ZH'];

/**
 * Every request gql sent, with the cost the server reported
 * (extensions.cost), so that the page's spend can be read and checked.
 */
export const requestLog = [];

/**
 * Runs a GraphQL query by GET and returns its data. A response with
 * errors throws an Error whose message joins the GraphQL messages (its
 * `errors` property holds them whole), as does an HTTP failure.
 */
export async function gql(query, variables = {}) {
  const params = new URLSearchParams({ query });
  if (variables && Object.keys(variables).length > 0) {
    params.set('variables', JSON.stringify(variables));
  }
  const res = await fetch('/graphql?' + params.toString(), {
    headers: { Accept: 'application/graphql-response+json, application/json' },
    credentials: 'omit',
  });
  let body;
  try {
    body = await res.json();
  } catch (e) {
    throw new Error(`GraphQL request failed: HTTP ${res.status}`);
  }
  requestLog.push({ query, variables, status: res.status, cost: body.extensions && body.extensions.cost });
  if (body.errors && body.errors.length > 0) {
    const err = new Error(body.errors.map((e) => e.message).join('; '));
    err.errors = body.errors;
    throw err;
  }
  if (!res.ok || !body.data) {
    throw new Error(`GraphQL request failed: HTTP ${res.status}`);
  }
  return body.data;
}

/**
 * The address of the GraphiQL page (served at /) with the query and
 * variables in its URL, as GraphiQL's start script reads them.
 */
export function graphiqlURL(query, variables = {}) {
  const params = new URLSearchParams({ query });
  if (variables && Object.keys(variables).length > 0) {
    params.set('variables', JSON.stringify(variables, null, 2));
  }
  return '/?' + params.toString();
}

const DEMOS = ['real', 'demo', 'all'];
const MEASURES = ['count', 'participants'];

function year(v) {
  if (v === null || v === '' || !/^\d{4}$/.test(v)) return null;
  return Number(v);
}

function code(v) {
  // Codes are upper-case letters, digits, _ and - (EG, AFRICA, DA-1617AB).
  return v && /^[A-Za-z0-9_.-]{1,64}$/.test(v) ? v : '';
}

/**
 * The page state in a query string: {from, to} (years, or null),
 * kinds (ActivityKind values, [] for all), region, topic and project
 * (codes, '' for all), demo ('real' by default, 'demo' or 'all'), lang
 * (EN by default) and measure ('count' by default, or 'participants').
 * Values it does not know are read as the default.
 */
export function readState(search = location.search) {
  const p = new URLSearchParams(search);
  const kinds = (p.get('kind') || '').split(',').filter((k) => KINDS.includes(k));
  const lang = (p.get('lang') || '').toUpperCase();
  return {
    from: year(p.get('from')),
    to: year(p.get('to')),
    kinds: KINDS.filter((k) => kinds.includes(k)),
    region: code(p.get('region')),
    topic: code(p.get('topic')),
    project: code(p.get('project')),
    demo: DEMOS.includes(p.get('demo')) ? p.get('demo') : 'real',
    lang: LANGS.includes(lang) ? lang : 'EN',
    measure: MEASURES.includes(p.get('measure')) ? p.get('measure') : 'count',
  };
}

/** The query string of a state: only its values that are not the default, '' when none is. */
export function stateQuery(state) {
  const p = new URLSearchParams();
  if (state.from != null) p.set('from', String(state.from));
  if (state.to != null) p.set('to', String(state.to));
  if (state.kinds && state.kinds.length > 0) p.set('kind', state.kinds.join(','));
  if (state.region) p.set('region', state.region);
  if (state.topic) p.set('topic', state.topic);
  if (state.project) p.set('project', state.project);
  if (state.demo && state.demo !== 'real') p.set('demo', state.demo);
  if (state.lang && state.lang !== 'EN') p.set('lang', state.lang);
  if (state.measure && state.measure !== 'count') p.set('measure', state.measure);
  const s = p.toString();
  return s ? '?' + s : '';
}

/** Puts the state in the address bar (history.replaceState): a reload or a shared link shows the same view. */
export function writeState(state) {
  history.replaceState(history.state, '', location.pathname + stateQuery(state) + location.hash);
}

/**
 * The ActivityWhereInput of a state. Years are whole: from 2015 to 2016
 * is every start from 2015-01-01 up to, not including, 2017-01-01; an
 * activity whose start no source gives is left out by either bound.
 */
export function activityWhere(state) {
  const w = {};
  if (state.demo === 'real') w.demo = false;
  else if (state.demo === 'demo') w.demo = true;
  if (state.kinds && state.kinds.length > 0) w.kindIn = [...state.kinds];
  if (state.from != null) w.startDateGTE = `${state.from}-01-01T00:00:00Z`;
  if (state.to != null) w.startDateLT = `${state.to + 1}-01-01T00:00:00Z`;
  if (state.region) w.hasBeneficiaryCountriesWith = [{ hasRegionWith: [{ code: state.region }] }];
  if (state.topic) w.hasTopicsWith = [{ code: state.topic }];
  if (state.project) w.hasProjectWith = [{ code: state.project }];
  return w;
}

/** The address of a CSV export of type ('activities', 'projects', …) filtered by where. */
export function exportURL(type, where) {
  const p = new URLSearchParams();
  if (where && Object.keys(where).length > 0) p.set('where', JSON.stringify(where));
  const s = p.toString();
  return `/export/${type}.csv` + (s ? '?' + s : '');
}
