/* Hand edits of a roster: when another person is picked, ask the server's independent checker at
   once and show every hard rule the change would break, before anything is saved. Saving still goes
   through the same check on the server, which refuses a hard violation with its reasons. */
(function () {
  "use strict";

  function render(verdict, result) {
    verdict.hidden = false;
    verdict.replaceChildren();
    if (result.ok) {
      verdict.className = "verdict ok";
      verdict.textContent = gettext("No rule is broken: this change may be saved.");
      return;
    }
    verdict.className = "verdict bad";
    const title = document.createElement("strong");
    title.textContent = gettext("This change breaks a hard rule and will be refused:");
    const list = document.createElement("ul");
    for (const message of result.violations) {
      const item = document.createElement("li");
      item.textContent = message;
      list.append(item);
    }
    verdict.append(title, list);
  }

  async function check(form, select) {
    const verdict = form.querySelector(".verdict");
    const url = form.dataset.checkUrl + "?person=" + encodeURIComponent(select.value);
    verdict.hidden = false;
    verdict.className = "verdict";
    verdict.textContent = gettext("Checking…");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      render(verdict, await response.json());
    } catch (error) {
      verdict.className = "verdict";
      verdict.textContent = gettext("Could not check now; saving will check again.");
    }
  }

  for (const form of document.querySelectorAll("form.edit[data-check-url]")) {
    const select = form.querySelector(".person-select");
    select.addEventListener("change", function () {
      check(form, select);
    });
  }
})();
