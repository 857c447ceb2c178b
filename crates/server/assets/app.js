// Sign-up: default the time zone to the browser's. Feed address: select it on focus.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const select of document.querySelectorAll("select[data-default-zone]")) {
    if ([...select.options].some((option) => option.value === zone)) select.value = zone;
  }
  for (const input of document.querySelectorAll("input.feed-url")) {
    input.addEventListener("focus", () => input.select());
  }
});
