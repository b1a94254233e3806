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

// Search-as-you-type fields: an input with role="combobox" and data-combobox="NAME" (the
// hidden field that receives the chosen value). htmx fills its listbox (aria-controls) with
// suggestions from the server while the person types; here the arrow keys move through
// them, Enter or a click chooses one (its title into the field, its data-value into the
// hidden field) and submits the form, Escape closes the list. Typing again forgets the
// choice. Without JavaScript the field is a plain text filter. Listeners are delegated, so
// fields that htmx swaps in work too.
(() => {
  const isCombobox = (el) => el instanceof HTMLInputElement && el.matches("[data-combobox]");
  const listOf = (input) => document.getElementById(input.getAttribute("aria-controls"));
  const choices = (list) =>
    Array.from(list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  const active = (list) => list.querySelector('[role="option"][aria-selected="true"]');

  const setActive = (input, option) => {
    const list = listOf(input);
    list.querySelectorAll('[role="option"]').forEach((el) => {
      el.setAttribute("aria-selected", el === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const setOpen = (input, open) => {
    const list = listOf(input);
    if (!list) return;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(input, null);
  };
  const choose = (input, option) => {
    const hidden = input.form.elements.namedItem(input.dataset.combobox);
    if (hidden) hidden.value = option.dataset.value;
    input.value = option.dataset.label;
    setOpen(input, false);
    input.form.requestSubmit();
  };

  // Suggestions arrived: show them while the field has the focus.
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = event.detail.target;
    if (!(list instanceof HTMLElement) || !list.matches("[data-combobox-list]")) return;
    const input = document.querySelector(`[aria-controls="${list.id}"]`);
    if (input) {
      const hasOptions = list.querySelector('[role="option"]') !== null;
      setOpen(input, document.activeElement === input && input.value.trim() !== "" && hasOptions);
    }
  });

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!isCombobox(input)) return;
    const hidden = input.form && input.form.elements.namedItem(input.dataset.combobox);
    if (hidden) hidden.value = "";
    if (input.value.trim() === "") setOpen(input, false);
  });

  // Leaving the field filters nothing by itself (a filter form that submits on "change"
  // would filter by the half-typed text): choosing a suggestion or Enter does.
  document.addEventListener(
    "change",
    (event) => {
      if (isCombobox(event.target)) event.stopPropagation();
    },
    true,
  );

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!isCombobox(input)) return;
    const list = listOf(input);
    if (!list) return;
    const open = !list.hidden;
    const options = choices(list);
    const current = options.indexOf(active(list));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      setOpen(input, true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0 ? (step > 0 ? 0 : options.length - 1) : current + step;
      setActive(input, options[(next + options.length) % options.length]);
    } else if (event.key === "Enter" && open && current >= 0) {
      event.preventDefault();
      choose(input, options[current]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(input, false);
    }
  });

  // A click on a suggestion chooses it; pressing the mouse keeps the focus in the field.
  document.addEventListener("mousedown", (event) => {
    const option = event.target instanceof Element && event.target.closest("[data-combobox-list] [role=option]");
    if (option) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const option = event.target instanceof Element && event.target.closest("[data-combobox-list] [role=option]");
    if (!option || option.getAttribute("aria-disabled") === "true") return;
    const list = option.closest("[data-combobox-list]");
    const input = document.querySelector(`[aria-controls="${list.id}"]`);
    if (input) choose(input, option);
  });

  document.addEventListener("focusout", (event) => {
    if (isCombobox(event.target)) setOpen(event.target, false);
  });
})();

// The focus is never lost after an htmx update: when the swap removed the element that had
// the focus (the button just pressed, inside the region it replaced), the focus moves into
// the new region — to what the server asked for (autofocus, which htmx honours itself), else
// its alert or status message, else its heading, else the region — so that a keyboard or
// screen-reader user goes on from there rather than from the top of the page.
(() => {
  let regionId = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    regionId =
      target instanceof HTMLElement && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const current = document.activeElement;
    const lost = !current || current === document.body || !current.isConnected;
    const region = (regionId && document.getElementById(regionId)) || event.detail.elt;
    regionId = null;
    if (!lost || !(region instanceof HTMLElement) || !region.isConnected) return;
    const spot =
      ['[role="alert"]', '[role="status"]:not(.htmx-indicator)', "h1, h2, h3"]
        .map((selector) => region.querySelector(selector))
        .find((el) => el !== null) || region;
    if (!spot.matches("a[href], button, input, select, textarea, [tabindex]")) {
      spot.setAttribute("tabindex", "-1");
    }
    spot.focus();
  });
})();

// Navigation groups (<details data-nav-group>): one open at a time; a click elsewhere or
// Escape closes them (Escape returns the focus to the group's label). Without JavaScript
// they open and close as plain disclosures.
(() => {
  const groups = () => Array.from(document.querySelectorAll("details[data-nav-group]"));
  document.addEventListener(
    "toggle",
    (event) => {
      const opened = event.target;
      if (!(opened instanceof HTMLDetailsElement) || !opened.matches("[data-nav-group]")) return;
      if (opened.open) groups().forEach((g) => { if (g !== opened) g.open = false; });
    },
    true,
  );
  document.addEventListener("click", (event) => {
    const inside = event.target instanceof Element && event.target.closest("details[data-nav-group]");
    groups().forEach((g) => { if (g !== inside) g.open = false; });
  });
  // Capture phase: an open group takes Escape before the header's handler (which would
  // close the whole phone menu); a second Escape then closes the menu.
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape") return;
      const group =
        event.target instanceof Element && event.target.closest("details[data-nav-group][open]");
      if (group) {
        group.open = false;
        group.querySelector("summary").focus();
        event.stopPropagation();
      }
    },
    true,
  );
})();
