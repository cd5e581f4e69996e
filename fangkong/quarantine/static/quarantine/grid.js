// The floor grid is typed from the keyboard: Enter or ↓ goes to the next person's
// temperature, ↑ to the previous one, Ctrl+Enter (or Ctrl+S) saves the whole floor.
(function () {
  "use strict";
  const form = document.getElementById("observation-grid");
  if (!form) return;
  const temps = Array.from(form.querySelectorAll("input.fk-temp"));
  const fever = parseFloat(form.dataset.fever);
  // "368" is 36.8 (a fast typist skips the point); the input takes numbers with one decimal
  // between its min and max, so the shorthand is written out before it is checked.
  function normalize(input) {
    if (/^\d{3}$/.test(input.value)) input.value = input.value.slice(0, 2) + "." + input.value[2];
  }
  function mark(input) {
    const value = parseFloat(input.value.replace(",", "."));
    const reading = input.value.length === 3 && !input.value.includes(".") ? value / 10 : value;
    input.closest("tr").classList.toggle("fk-fever", reading >= fever);
  }
  temps.forEach(function (input, index) {
    mark(input);
    input.addEventListener("input", function () { mark(input); });
    input.addEventListener("change", function () { normalize(input); });
    // Typing into a filled cell replaces its reading instead of appending to it ("36.2365"):
    // focus selects it, and the mouseup of the click that focused it must not undo that.
    let focusedByMouse = false;
    input.addEventListener("mousedown", function () { focusedByMouse = document.activeElement !== input; });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("mouseup", function (event) {
      if (focusedByMouse) { event.preventDefault(); focusedByMouse = false; }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "ArrowUp") {
        normalize(input);
      }
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
      temps.forEach(normalize);
      form.requestSubmit();
    }
  });
  const firstEmpty = temps.find(function (input) { return !input.value; }) || temps[0];
  if (firstEmpty) firstEmpty.focus();
})();
