// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary so keyboard and screen-reader users hear it first.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // An error summary link jumps to its field. Without this the browser scrolls the
  // input itself to the top of the window, hiding its label and hint above it; here
  // the whole field (label, hint, message) comes into view and its control gets focus.
  // A radio group's link points at its fieldset: focus the first option.
  document.querySelectorAll(".error-summary").forEach((box) => {
    box.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      const control = target.matches("input, select, textarea")
        ? target
        : target.querySelector("input, select, textarea");
      if (!control) return;
      event.preventDefault();
      (target.closest(".field") || target).scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
  });
});
