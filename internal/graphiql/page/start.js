// Starts GraphiQL in the page's #graphiql element, against the endpoint
// its data-endpoint names. It is a file rather than an inline script so
// that the page's Content-Security-Policy allows scripts from 'self' only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
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
