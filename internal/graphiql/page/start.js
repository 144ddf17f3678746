// Starts GraphiQL in the page's #graphiql element, against the endpoint
// its data-endpoint names. It is a file rather than an inline script so
// that the page's Content-Security-Policy allows scripts from 'self' only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  // A link may open a request ready to run (the dashboard's "open in
  // GraphiQL"): ?query=…&variables=… prefill the editors.
  var params = new URLSearchParams(location.search);
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      query: params.get('query') || undefined,
      variables: params.get('variables') || undefined,
      // GraphiQL's own HTTP fetcher: the headers a user types in the
      // headers editor (Authorization: Bearer <key>) go with each request.
      fetcher: GraphiQL.createFetcher({ url: root.dataset.endpoint }),
      isHeadersEditorEnabled: true,
      // A pasted API key stays in the tab's memory rather than in
      // localStorage, where it would outlive the tab.
      shouldPersistHeaders: false,
      inputValueDeprecation: true
    })
  );
})();
