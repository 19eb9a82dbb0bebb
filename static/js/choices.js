// Search-as-you-type for filters with many choices (a body, a line): the box takes a code as typed; this script
// suggests matching choices from the server as one types, through the page's own FilterSet.
// The form names the address in data-choices-url, ending in "_/" where the filter's name goes.
(function () {
  "use strict";
  var pending = new WeakMap();
  var latest = new WeakMap();  // the last request per box: an earlier answer arriving late is dropped

  function suggest(input) {
    var form = input.form;
    var list = document.getElementById(input.getAttribute("list"));
    if (!form || !form.dataset.choicesUrl || !list) return;
    var url = new URL(form.dataset.choicesUrl.replace(/_\/$/, encodeURIComponent(input.dataset.choices) + "/"),
                      window.location.href);
    url.searchParams.set("q", input.value);
    var asked = url.toString();
    latest.set(input, asked);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (latest.get(input) !== asked) return;
        list.replaceChildren.apply(list, data.results.map(function (choice) {
          var option = document.createElement("option");
          option.value = choice.value;
          option.textContent = choice.label;
          return option;
        }));
      })
      .catch(function () { /* suggestions are a help, not a need: the box still takes a typed code */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.choices) return;
    clearTimeout(pending.get(input));
    pending.set(input, setTimeout(function () { suggest(input); }, 200));
  });
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.dataset.choices) suggest(input);
  });
})();
