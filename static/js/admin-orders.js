// The order list's "select all on this page" box: shown only when this script runs (the list works
// without it, one box per order).
document.querySelectorAll("[data-select-all]").forEach((box) => {
  const label = box.closest("label");
  const form = box.closest("form");
  const boxes = () => form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`);
  if (label) label.hidden = false;
  box.addEventListener("change", () => boxes().forEach((b) => { b.checked = box.checked; }));
  form.addEventListener("change", (event) => {
    if (event.target === box) return;
    const all = [...boxes()];
    box.checked = all.length > 0 && all.every((b) => b.checked);
  });
});
