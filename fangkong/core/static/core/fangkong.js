// Small page behaviours declared in the markup with data- attributes, so that no template needs
// an inline script or an on*= attribute (both refused by the Content-Security-Policy):
//   data-fk-autosubmit               a select or checkbox submits its form when changed
//   data-fk-navigate                 a select goes to the URL of the chosen option
//   data-fk-confirm="question"       a form is sent only if the user confirms
//   data-fk-print                    a button prints the page
//   data-fk-check-all="selector"     a checkbox ticks every box the selector finds in its table
// Listeners sit on the document, so fragments that htmx swaps in behave the same.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.matches("[data-fk-autosubmit]") && target.form) {
      target.form.submit();
    } else if (target.matches("select[data-fk-navigate]")) {
      window.location.href = target.value;
    } else if (target.matches("input[type=checkbox][data-fk-check-all]")) {
      const scope = target.closest("table") || document;
      scope.querySelectorAll(target.dataset.fkCheckAll).forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.fkConfirm !== undefined) {
      if (!window.confirm(form.dataset.fkConfirm)) event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target.closest("[data-fk-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
