/* Partner hub: Copy buttons. Progressive enhancement: without this script the
   buttons stay hidden and every link and text can still be selected by hand.
   Loaded as a file (no inline script), so a strict Content-Security-Policy holds. */
(() => {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  const status = document.querySelector("[data-copy-status]");
  const announce = (text) => {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  };
  for (const button of document.querySelectorAll("button[data-copy-target]")) {
    const target = document.getElementById(button.dataset.copyTarget);
    if (!target) continue;
    const label = button.firstChild;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = "value" in target ? target.value : target.textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
        label.textContent = "Copied";
        announce("Copied to the clipboard.");
      } catch {
        if (target.select) target.select();
        announce("Copying was blocked: the text is selected, press Ctrl+C or Cmd+C.");
      }
      window.setTimeout(() => { label.textContent = "Copy"; }, 2000);
    });
  }
})();
