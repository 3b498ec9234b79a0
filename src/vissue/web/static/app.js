// vissue — the editor's desk. Every page works without this file; it adds drag and drop on the
// theme board, a "working…" state on slow forms, and a way back from error pages.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Slow forms (building an issue): say so, and do not submit twice.
  document.querySelectorAll("button[data-busy]").forEach((button) => {
    const form = button.form;
    if (!form) return;
    form.addEventListener("submit", () => {
      button.disabled = true;
      button.textContent = button.dataset.busy;
    });
  });

  // One-line fields written as text areas (so long names wrap): Enter saves, as in an input.
  document.querySelectorAll("textarea[data-submit-on-enter]").forEach((area) => {
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        area.form.requestSubmit();
      }
    });
  });

  // Error pages: "Go back" returns to the page the editor came from.
  document.querySelectorAll("[data-back]").forEach((link) => {
    link.addEventListener("click", (event) => {
      if (history.length > 1) {
        event.preventDefault();
        history.back();
      }
    });
  });

  // The theme board: drag a card onto another theme. The card's own move form is filled in
  // (theme and position) and submitted, so the server sees exactly what the buttons send.
  let dragged = null;
  document.querySelectorAll(".card[draggable=true]").forEach((card) => {
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.work);
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      document.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
    });
  });
  document.querySelectorAll(".theme-column[data-theme]").forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const form = dragged.querySelector("form.move-form");
      const cards = [...column.querySelectorAll(".card")].filter((c) => c !== dragged);
      const position = cards.filter((c) => {
        const box = c.getBoundingClientRect();
        return box.top + box.height / 2 < event.clientY;
      }).length;
      form.elements.theme.value = column.dataset.theme;
      form.elements.position.value = column.dataset.theme ? String(position) : "";
      form.requestSubmit();
    });
  });

  // Unsaved changes: a form marked data-guard that was typed in asks before its text is left.
  const dirty = new Set();
  let leaving = false;
  document.querySelectorAll("form[data-guard]").forEach((form) => {
    form.addEventListener("input", () => dirty.add(form));
    form.addEventListener("submit", () => { leaving = true; });
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty.size && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  const discardOk = () => {
    if (!dirty.size) return true;
    if (!window.confirm("You have typed changes that are not saved. Leave them?")) return false;
    dirty.clear();
    return true;
  };
  // Links inside the page (another sentence, Close) ask first too; beforeunload covers the rest.
  document.querySelectorAll("a.sentence, a.close-editor").forEach((link) => {
    link.addEventListener("click", (event) => {
      if (!discardOk()) event.preventDefault();
      else leaving = true;
    });
  });

  // The sentence editor opens under its sentence, with the text ready to type in.
  const editor = document.querySelector(".edit-sentence textarea");
  if (editor) {
    editor.focus({ preventScroll: true });
    editor.setSelectionRange(editor.value.length, editor.value.length);
    editor.scrollIntoView({ block: "center" });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && discardOk()) {
        leaving = true;
        window.location.href = window.location.pathname + "#" + (editor.form.elements.sentence.value);
      }
    });
  } else if (location.hash.length > 1) {
    // Focus moves to what the last action was about (a card, a theme, a paragraph).
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: true });
    }
  }

  // Any form that takes more than a second says it is working.
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      const text = (button && button.dataset.busy) || "Working…";
      window.setTimeout(() => {
        const box = document.getElementById("progress");
        if (!box) return;
        box.querySelector(".progress-text").textContent = text;
        box.hidden = false;
      }, 1000);
    });
  });

  // The search index loading after a start: say how long it has taken, and when it is ready.
  const loading = document.querySelector("[data-index-loading]");
  if (loading) {
    const started = Date.now();
    const poll = () => {
      fetch("/api/status", { headers: { accept: "application/json" } })
        .then((r) => r.json())
        .then((status) => {
          if (status.index === "loading") {
            loading.querySelector(".elapsed").textContent = `${Math.round((Date.now() - started) / 1000)} s so far…`;
            window.setTimeout(poll, 1500);
          } else {
            loading.textContent = status.index === "ready" ? "The search index is ready." : "The search index could not be loaded: see the server's log.";
            loading.className = status.index === "ready" ? "notice ok" : "notice warn";
          }
        })
        .catch(() => window.setTimeout(poll, 3000));
    };
    poll();
  }

  // Screening candidates: the page comes back where it was after an accept, reject or pin.
  const list = document.querySelector("ol.candidates");
  if (list) {
    const key = "vissue-scroll:" + location.pathname;
    const kept = sessionStorage.getItem(key);
    if (kept !== null && !location.hash) window.scrollTo(0, Number(kept));
    sessionStorage.removeItem(key);
    document.querySelectorAll("form").forEach((form) => {
      form.addEventListener("submit", () => sessionStorage.setItem(key, String(window.scrollY)));
    });

    // Keys: j/k next/previous, a accept, r reject, p pin, x tick, o open.
    const cards = [...document.querySelectorAll("li.candidate")];
    const current = () => cards.indexOf(document.activeElement.closest ? document.activeElement.closest("li.candidate") : null);
    const press = (card, selector) => {
      const button = card && card.querySelector(selector);
      if (button) button.click();
    };
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) && event.target.type !== "checkbox") return;
      const i = current();
      const card = cards[i];
      const go = (j) => { if (cards[j]) { cards[j].focus(); event.preventDefault(); } };
      if (event.key === "j") go(i < 0 ? 0 : Math.min(cards.length - 1, i + 1));
      else if (event.key === "k") go(i < 0 ? 0 : Math.max(0, i - 1));
      else if (event.key === "a") press(card, "form.accept button");
      else if (event.key === "r") press(card, "button.danger");
      else if (event.key === "p") press(card, "form input[value=pin] ~ button, form input[value=unpin] ~ button");
      else if (event.key === "x" && card) { const box = card.querySelector("input.tick"); box.checked = !box.checked; }
      else if (event.key === "o" && card) press(card, "a.title");
    });
  }
});
