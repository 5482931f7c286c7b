/* Buttons marked data-print print the page (the policy forbids inline handlers). */
"use strict";
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
