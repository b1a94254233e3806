// Small progressive enhancements; every page works without JavaScript.
document.documentElement.classList.add("js");

// Destructive actions ask first. A form, or the button that submits it, carries the question
// in data-confirm; dismissing the dialog stops the submission. The listener runs in the
// capture phase, before htmx's own submit listener on the form, so htmx-driven forms are
// stopped as well. (The Content-Security-Policy forbids inline onclick handlers.)
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    const submitter = event.submitter;
    const question =
      (submitter && submitter.getAttribute("data-confirm")) ||
      (form instanceof HTMLFormElement && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit filter forms marked data-autosubmit when a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });

  // The menu button shows and hides the navigation on narrow screens (CSS shows the button
  // only there; without JavaScript the navigation is always shown).
  const toggle = document.querySelector("[data-menu-toggle]");
  const header = toggle && toggle.closest(".site-header");
  if (toggle && header) {
    const setOpen = (open) => {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("nav-open", open);
    };
    toggle.addEventListener("click", () => {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }
});
