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

  // The editorial: Escape closes the sentence panel.
  const panel = document.querySelector(".edit-sentence textarea");
  if (panel) {
    panel.focus();
    panel.setSelectionRange(panel.value.length, panel.value.length);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") window.location.search = "";
    });
  }
});
