// GraphiQL for the ISO 20000 readiness API: queries and mutations over HTTP, subscriptions
// over the WebSocket (graphql-transport-ws) with the headers pane's Authorization sent in
// connection_init, as the server expects it there and not on the upgrade request.
(function () {
  "use strict";
  var http = GraphiQL.createFetcher({ url: "/graphql" });
  var wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql/ws";

  function operationOf(params, opts) {
    var document = opts && opts.documentAST;
    if (!document) {
      return /^\s*subscription\b/.test(params.query) ? "subscription" : "query";
    }
    for (var i = 0; i < document.definitions.length; i++) {
      var definition = document.definitions[i];
      if (definition.kind !== "OperationDefinition") continue;
      if (!params.operationName || (definition.name && definition.name.value === params.operationName)) {
        return definition.operation;
      }
    }
    return "query";
  }

  function authorization(headers) {
    if (!headers) return undefined;
    for (var name in headers) {
      if (name.toLowerCase() === "authorization") return headers[name];
    }
    return undefined;
  }

  function fetcher(params, opts) {
    if (operationOf(params, opts) !== "subscription") return http(params, opts);
    var headers = opts && opts.headers;
    return {
      subscribe: function (observer) {
        var client = graphqlWs.createClient({
          url: wsUrl,
          lazy: true,
          retryAttempts: 0,
          connectionParams: { Authorization: authorization(headers) }
        });
        var dispose = client.subscribe(params, {
          next: function (value) { observer.next(value); },
          error: function (error) {
            observer.error(error instanceof Error ? error : new Error(error.reason || "the subscription failed"));
          },
          complete: function () { observer.complete(); }
        });
        return { unsubscribe: function () { dispose(); client.dispose(); } };
      }
    };
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    shouldPersistHeaders: true,
    defaultHeaders: '{\n  "Authorization": "Bearer <token>"\n}',
    defaultEditorToolsVisibility: true
  }));
})();
