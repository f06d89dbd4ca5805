// One question block (templates/recruitment/_question.html, templates/surveys/_answer_question.html):
// reading the application form's answer (also matching's replacement screen), showing a problem.
import { $$ } from "../lib/dom.js";

/** The answer of one question block, as the protocol wants it (undefined = not answered). */
export function readAnswer(block) {
  const { kind } = block.dataset;
  if (kind === "one") return $$("input:checked", block)[0]?.value;
  if (kind === "many") {
    const values = $$("input:checked", block).map((i) => i.value);
    return values.length ? values : undefined;
  }
  const input = $$("input, textarea", block)[0];
  if (kind === "consent") return input.checked || undefined;
  const text = input.value.trim();
  if (!text) return undefined;
  return kind === "number" ? Number(text) : text;
}

/** Show `text` (null: nothing wrong) at a question block, for its field and screen readers. */
export function showProblem(block, text) {
  const box = block.querySelector(".error-text");
  const target = block.querySelector("fieldset") ?? block.querySelector("input, textarea");
  box.textContent = text ?? "";
  box.hidden = !text;
  block.classList.toggle("has-error", Boolean(text));
  if (text) target.setAttribute("aria-invalid", "true");
  else target.removeAttribute("aria-invalid");
}
