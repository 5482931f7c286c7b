/* The regulation item form: the clause list follows the chosen document (the service refuses
   a clause of another one). The clause options' URL comes from the form's data-clause-options-url. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var basis = document.getElementById("id_basis");
  var clause = document.getElementById("id_clause");
  var form = basis && basis.closest("[data-clause-options-url]");
  if (!basis || !clause || !form || !window.htmx) {
    return;
  }
  basis.addEventListener("change", function () {
    var url = form.dataset.clauseOptionsUrl + "?basis=" + encodeURIComponent(basis.value);
    window.htmx.ajax("GET", url, { target: "#id_clause", swap: "innerHTML" });
  });
});
