// Starts GraphiQL in the page's #graphiql element, against the endpoint
// its data-endpoint names, with the starter tabs of data-tabs. It is a
// file rather than an inline script so that the page's
// Content-Security-Policy allows scripts from 'self' only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint;
  // A link may open a request ready to run (the dashboard's "open in
  // GraphiQL"): ?query=…&variables=… prefill the editors, in a tab of
  // their own before the starters.
  var params = new URLSearchParams(location.search);
  var query = params.get('query') || undefined;
  var variables = params.get('variables') || undefined;
  // The starter tabs, one request for each kind of user. GraphiQL opens
  // them on a first visit only: later it restores the tabs the user left.
  var tabs = JSON.parse(root.dataset.tabs).map(function (s) {
    return { query: s.query };
  });
  if (query) {
    tabs.unshift({ query: query, variables: variables });
  }
  // Subscriptions go over a WebSocket to the same endpoint
  // (graphql-transport-ws), everything else over HTTP. GraphiQL's fetcher
  // uses the graphql-ws client bundled in graphiql.min.js, and sends the
  // headers editor's JSON as the connection_init payload, where the
  // server reads {"Authorization": "Bearer …"} as it reads the header.
  var ws = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;
  var send = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: ws });
  // GraphiQL reads the operation's name and syntax tree from the editor a
  // moment after each edit (debounced), and a request sent within that
  // moment carries the previous text's: a subscription run at once after
  // its tab opens went over HTTP as a query (BAD_REQUEST), a query pasted
  // over a named one asked for the old name. Both are read here from the
  // text sent instead; the fetcher decides by them which way it goes.
  function fetcher(params, opts) {
    var doc;
    try {
      doc = GraphiQL.GraphQL.parse(params.query);
    } catch (e) {
      return send(params, opts); // the server names the syntax error
    }
    var ops = doc.definitions.filter(function (d) {
      return d.kind === 'OperationDefinition';
    });
    var name = params.operationName;
    var named = ops.some(function (o) {
      return o.name && o.name.value === name;
    });
    if (!named) {
      name = ops.length === 1 && ops[0].name ? ops[0].name.value : undefined;
    }
    var run = function () {
      return send(
        Object.assign({}, params, { operationName: name }),
        Object.assign({}, opts, { documentAST: doc })
      );
    };
    var subscription = ops.some(function (o) {
      return o.operation === 'subscription' && (o.name ? o.name.value : undefined) === name;
    });
    var headers = (opts && opts.headers) || {};
    if (!subscription || Object.keys(headers).length === 0) {
      return run();
    }
    // A key the server refuses closes the WebSocket (4403), and the
    // WebSocket client retries five times before it says so, about 40 s
    // of nothing. So the headers are tried first on a request of their
    // own: a refused key shows the server's answer (UNAUTHENTICATED and
    // why) at once.
    return fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, headers),
      body: JSON.stringify({ query: '{ __typename }' })
    })
      .then(function (res) {
        return res.json();
      })
      .then(function (answer) {
        return answer && answer.errors ? answer : run();
      });
  }
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      query: query,
      variables: variables,
      defaultTabs: tabs,
      // GraphiQL's own HTTP fetcher: the headers a user types in the
      // headers editor (Authorization: Bearer <key>) go with each request.
      fetcher: fetcher,
      isHeadersEditorEnabled: true,
      // A pasted API key stays in the tab's memory rather than in
      // localStorage, where it would outlive the tab.
      shouldPersistHeaders: false,
      inputValueDeprecation: true
    })
  );
})();
