// Progressive enhancement only: every page works without this file.
import { initAll } from "./vendor/nhsuk/nhsuk-frontend.min.js";

initAll();

// The NHS.UK file upload puts a visually hidden comma inside its button, between the label and
// the button's own words, so the button's accessible name no longer contains its visible text
// (WCAG 2.5.3, label in name). Moved just outside the button, the comma still separates the
// label from the button's words when read out, and the visible words are read as they appear.
for (const button of document.querySelectorAll(".nhsuk-file-upload__drop-button")) {
  const comma = button.querySelector(":scope > .nhsuk-u-visually-hidden[id]");
  if (comma) button.before(comma);
}
