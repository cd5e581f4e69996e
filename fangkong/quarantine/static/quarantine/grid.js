// The floor grid is typed from the keyboard: Enter or ↓ goes to the next person's
// temperature, ↑ to the previous one, Ctrl+Enter (or Ctrl+S) saves the whole floor.
(function () {
  "use strict";
  const form = document.getElementById("observation-grid");
  if (!form) return;
  const temps = Array.from(form.querySelectorAll("input.fk-temp"));
  const fever = parseFloat(form.dataset.fever);
  function mark(input) {
    const value = parseFloat(input.value.replace(",", "."));
    const reading = input.value.length === 3 && !input.value.includes(".") ? value / 10 : value;
    input.closest("tr").classList.toggle("fk-fever", reading >= fever);
  }
  temps.forEach(function (input, index) {
    mark(input);
    input.addEventListener("input", function () { mark(input); });
    input.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" && !event.ctrlKey) || event.key === "ArrowDown") {
        event.preventDefault();
        const next = temps[index + 1];
        if (next) { next.focus(); next.select(); } else { form.querySelector("button[type=submit]").focus(); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        const previous = temps[index - 1];
        if (previous) { previous.focus(); previous.select(); }
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "Enter" || event.key === "s")) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const firstEmpty = temps.find(function (input) { return !input.value; }) || temps[0];
  if (firstEmpty) firstEmpty.focus();
})();
