// The notebook's overview page.
import { $ } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { fillView, formatValue } from "../display.js";
import { clearProblem, showProblems } from "../form/fields.js";
import { saveStatus } from "../status.js";
import { goalTitle, newestFirst } from "./common.js";

/** The overview: the goals, the next meeting, and the phase. */
export function show(app) {
  const { book } = app;
  const list = $("#overview-goal-list");
  if (list) {
    for (const goal of book.byType("goal")) {
      const item = document.createElement("li");
      item.textContent = goal.failed
        ? message("integrity")
        : [goalTitle(goal), formatValue(book, "status", "select", goal.body.status)].filter(Boolean).join(" · ");
      list.append(item);
    }
  }
  const next = $("#overview-next-meeting");
  const latest = newestFirst(book, book.byType("meeting").filter((m) => !m.failed))[0];
  if (next && latest && (latest.body.next_date || latest.body.next_topic || latest.body.prepare)) {
    fillView(next, book, latest.body);
    next.hidden = false;
  }
  const phaseForm = $("#phase-form");
  if (phaseForm) {
    const select = $("#phase-select");
    const move = async (phase) => {
      clearProblem(select);
      try {
        await book.setPhase(phase);
        saveStatus.set(message("phase-saved"));
        window.location.reload();
      } catch (error) {
        // Refused for a reason about the choice (the programme has not started): said at it.
        if (error?.body?.field === "phase" && error.body.message) {
          showProblems(phaseForm, [{ el: select, text: error.body.message }], { status: false });
          return;
        }
        saveStatus.set(message("save-error", { reason: error?.body?.message ?? error?.status ?? "" }));
      }
    };
    select.addEventListener("change", () => clearProblem(select));
    phaseForm.addEventListener("submit", (event) => {
      event.preventDefault();
      move(select.value);
    });
    $("#phase-auto")?.addEventListener("click", () => move(null));
  }
}
