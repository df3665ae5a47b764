// kg's query page: YASGUI on this server's endpoint, with the shipped queries as examples.
// Runs offline: every file comes from the kg server, and no autocompleter calls out.
(function () {
  "use strict";
  // Tables show plain values, uncut: an ellipsis would cut Arabic labels on the wrong side.
  var Table = Yasgui.Yasr.plugins.table;
  var draw = Table.prototype.draw;
  Table.prototype.draw = function (config) {
    return draw.call(this, Object.assign({ compact: true, isEllipsed: false }, config));
  };
  var examples = JSON.parse(document.getElementById("kg-examples").textContent);
  var endpoint = new URL("sparql", window.location.href).href;
  document.getElementById("kg-endpoint").textContent = endpoint;
  var yasgui = new Yasgui(document.getElementById("kg-yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null, // each graph is its own: no tabs carried over from another server
    endpointCatalogueOptions: { getData: function () { return []; } },
    yasqe: {
      autocompleters: ["variables"], // the others ask prefix.cc and LOV over the network
      value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    },
  });
  var menu = document.getElementById("kg-examples-menu");
  examples.forEach(function (example, index) {
    var option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.name + (example.title ? " — " + example.title : "");
    menu.appendChild(option);
  });
  menu.addEventListener("change", function () {
    if (menu.value === "") return;
    var tab = yasgui.getTab();
    tab.setQuery(examples[Number(menu.value)].query);
    tab.query();
  });
  // Each result cell takes the direction of its text: Arabic right to left, IRIs left to right.
  var root = document.getElementById("kg-yasgui");
  new MutationObserver(function () {
    root.querySelectorAll(".yasr td:not([dir])").forEach(function (cell) {
      cell.setAttribute("dir", "auto");
    });
  }).observe(root, { childList: true, subtree: true });
  window.kgYasgui = yasgui;
  window.kgReady = true;
})();
