// CS등록: the ETS function keys, the customer lookup, the eraser and the recall switch.
(function () {
  "use strict";

  const form = document.getElementById("ticket-form");
  if (!form) return;
  const field = (name) => form.elements.namedItem(name);

  // Function keys press the button that shows them; the browser's own use of F5 (reload),
  // F12 etc. is suppressed on this screen so that a half-typed ticket is not lost.
  document.addEventListener("keydown", (event) => {
    if (!/^F([2-9]|1[0-2])$/.test(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = document.querySelector(`[data-fkey="${event.key}"]`);
    if (!target) return;
    event.preventDefault();
    if (target.disabled || target.classList.contains("disabled")) return;
    target.click();
  });

  // Enter in a one-line field does not save the ticket: only the buttons and keys do.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    if (event.target.type === "submit" || event.target.type === "button") return;
    event.preventDefault();
  });

  // 고객ID lookup: Enter searches instead of submitting the ticket.
  const lookup = field("customer_lookup");
  const results = document.getElementById("customer-results");
  const lookupButton = document.getElementById("lookup-button");
  if (lookup && lookupButton) {
    lookup.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        lookupButton.click();
      } else if (event.key === "Escape") {
        results.innerHTML = "";
      }
    });
  }

  const linked = form.querySelector("[data-customer-linked]");
  const unlinked = form.querySelector("[data-customer-unlinked]");
  function showLinked(isLinked) {
    if (linked) linked.hidden = !isLinked;
    if (unlinked) unlinked.hidden = isLinked;
  }

  function refreshPanel() {
    if (!window.htmx) return;
    window.htmx.ajax("GET", form.dataset.panelUrl, {
      target: "#customer-panel",
      swap: "outerHTML",
      values: { customer_id: field("customer_id").value, customer_phone: field("customer_phone").value },
    });
  }

  function pick(row) {
    field("customer_id").value = row.dataset.customerId;
    field("customer_name").value = row.dataset.name;
    if (row.dataset.phone) field("customer_phone").value = row.dataset.phone;
    results.innerHTML = "";
    lookup.value = "";
    showLinked(true);
    refreshPanel();
    field("customer_name").focus();
  }

  if (results) {
    results.addEventListener("click", (event) => {
      if (event.target.closest("[data-lookup-close]")) {
        results.innerHTML = "";
        return;
      }
      const button = event.target.closest("[data-pick-button]");
      if (button) pick(button.closest("tr[data-pick]"));
    });
    results.addEventListener("dblclick", (event) => {
      const row = event.target.closest("tr[data-pick]");
      if (row) pick(row);
    });
    results.addEventListener("keydown", (event) => {
      const row = event.target.closest("tr[data-pick]");
      if (row && event.key === "Enter") {
        event.preventDefault();
        pick(row);
      }
    });
    // One match needs no choosing (SPEC CS-07: the popup is for several matches).
    results.addEventListener("htmx:afterSettle", () => {
      const only = results.querySelector("table[data-autopick] tr[data-pick]");
      if (only) pick(only);
      else {
        const first = results.querySelector("tr[data-pick]");
        if (first) first.focus();
      }
    });
  }

  const unlink = form.querySelector("[data-unlink-customer]");
  if (unlink) {
    unlink.addEventListener("click", () => {
      field("customer_id").value = "";
      showLinked(false);
      refreshPanel();
    });
  }

  // The new-customer link carries the number typed into 고객전화번호.
  const phone = field("customer_phone");
  if (phone) {
    phone.addEventListener("change", () => {
      document.querySelectorAll("a[data-new-customer]").forEach((link) => {
        const url = new URL(link.href, window.location.href);
        if (phone.value.trim()) url.searchParams.set("phone", phone.value.trim());
        else url.searchParams.delete("phone");
        link.href = url.toString();
      });
    });
  }

  // The eraser (CS-14) empties the order and product numbers, nothing else.
  form.querySelectorAll("[data-clear]").forEach((button) => {
    button.addEventListener("click", () => {
      button.dataset.clear.split(" ").forEach((name) => {
        const input = field(name);
        if (input) input.value = "";
      });
    });
  });

  // The recall time is asked only when the recall box is ticked.
  const recall = field("recall");
  const recallAt = field("recall_at");
  if (recall && recallAt) {
    const sync = () => {
      recallAt.disabled = !recall.checked || recall.disabled;
      if (recall.checked && !recallAt.value && !recallAt.disabled) recallAt.focus();
    };
    recall.addEventListener("change", sync);
    recallAt.disabled = !recall.checked || recall.disabled;
  }

  // The discard reason gets the focus when its panel opens.
  const discardPanel = document.getElementById("discard-panel");
  if (discardPanel) {
    discardPanel.addEventListener("shown.bs.collapse", () => field("reason").focus());
  }
})();
