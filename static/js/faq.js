// FAQ answer page: a "Copy link" button for the permalink (progressive enhancement:
// without JavaScript the button stays hidden and the link can be selected by hand).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-copy-link]");
  const field = document.querySelector("[data-permalink]");
  const status = document.querySelector("[data-copy-status]");
  if (!button || !field || !status) return;

  const announce = (text) => {
    status.textContent = "";
    // A fresh text node after a tick makes screen readers announce a repeat copy too.
    window.setTimeout(() => { status.textContent = text; }, 50);
  };

  const copyBySelection = () => {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  };

  button.hidden = false;
  button.addEventListener("click", async () => {
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(field.value);
        copied = true;
      } catch (error) {
        copied = copyBySelection();
      }
    } else {
      copied = copyBySelection();
    }
    announce(copied ? "Link copied" : "Press Ctrl+C (or Cmd+C) to copy the selected link");
    if (!copied) { field.focus(); field.select(); }
  });

  // Selecting the whole link on focus makes copying by hand one keystroke.
  field.addEventListener("focus", () => field.select());
});
