// Reading one question block of templates/recruitment/_question.html: the application form
// and matching's replacement screen ask the same questions.
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
