// The organiser's survey results (templates/surveys/results.html): the sealed answers are
// fetched, opened with my keys on this device (surveys/sealing.js), and only then counted —
// mentors and mentees side by side, or the mid-point and end surveys side by side — by
// surveys/results.js, drawn by surveys/charts.js (textContent only), and offered as a CSV.
import { api } from "../lib/api.js";
import { byId, offerDownload, pageLanguage } from "../lib/dom.js";
import { failure } from "../lib/forms.js";
import { announce, message } from "../lib/messages.js";
import { renderResults } from "../surveys/charts.js";
import { compareGroups, resultsCsv } from "../surveys/results.js";
import { openSurveyAnswer } from "../surveys/sealing.js";
import { secretsOrUnlock } from "./flag-messages.js";

const root = byId("results-root");
const programmeId = document.body.dataset.programmeId;
let comparison = null;

const labels = () => {
  const d = root.dataset;
  return {
    hidden: d.hidden, question: d.question, group: d.group, answer: d.answer, count: d.count,
    answered: d.answered, mean: d.mean, yes: d.yes, no: d.no, noAnswers: d.noAnswers,
    texts: d.texts, mentors: d.mentors, mentees: d.mentees, notShown: d.notShown,
    chart: d.chart, table: d.table,
  };
};

const say = (text) => { byId("results-status").textContent = text; };

/** One survey's questions and the bodies I could open (`unopened`: how many I could not). */
async function openSurvey(secrets, kind) {
  const path = `/api/v1/organiser/programmes/${encodeURIComponent(programmeId)}/surveys/${kind}/answers`;
  const data = await api("GET", path);
  const bodies = [];
  let unopened = 0;
  for (const answer of data.answers) {
    try {
      bodies.push(await openSurveyAnswer(secrets.identity, answer, programmeId, kind));
    } catch (err) {
      if (err?.name !== "CryptoError" && !(err instanceof TypeError)) throw err;
      unopened += 1;
    }
  }
  return { enough: data.enough, questions: data.questions, bodies, unopened };
}

const asAnswers = (bodies) => bodies.map((b) => ({ role: b.role, answers: b.answers }));

/** Mentors and mentees (and everyone) of one survey. */
function byRole(survey) {
  const d = root.dataset;
  return compareGroups(survey.questions, [
    { key: "all", label: d.everyone, answers: asAnswers(survey.bodies) },
    { key: "mentor", label: d.mentors, answers: asAnswers(survey.bodies.filter((b) => b.role === "mentor")) },
    { key: "mentee", label: d.mentees, answers: asAnswers(survey.bodies.filter((b) => b.role === "mentee")) },
  ]);
}

/** The mid-point's comparable questions, with the end survey's answers moved onto their ids. */
function midVsEnd(mid, end) {
  const d = root.dataset;
  const pairs = JSON.parse(d.comparable || "{}");
  const endByKey = new Map(end.questions.filter((q) => q.key).map((q) => [q.key, q]));
  const questions = [];
  const moves = [];
  for (const q of mid.questions) {
    const other = endByKey.get(pairs[q.key]);
    if (!other || other.kind !== q.kind) continue;
    questions.push(q);
    moves.push([q.id, other.id]);
  }
  const moved = end.bodies.map((b) => {
    const answers = {};
    for (const [midId, endId] of moves) if (endId in b.answers) answers[midId] = b.answers[endId];
    return { role: b.role, answers };
  });
  return compareGroups(questions, [
    { key: "midpoint", label: d.midpoint, answers: asAnswers(mid.bodies) },
    { key: "end", label: d.end, answers: moved },
  ]);
}

function showSigned(surveys) {
  const list = byId("signed-list");
  const items = [];
  for (const survey of surveys) {
    const texts = new Map(survey.questions.map((q) => [q.id, q]));
    for (const body of survey.bodies) {
      if (!body.signed) continue;
      const item = document.createElement("li");
      const who = document.createElement("strong");
      who.textContent = `${body.signed.name} (${body.signed.pair})`;
      const answers = document.createElement("dl");
      for (const [qid, value] of Object.entries(body.answers)) {
        const q = texts.get(qid);
        if (!q) continue;
        const dt = document.createElement("dt");
        dt.textContent = q.text;
        const dd = document.createElement("dd");
        const label = (v) => q.options?.find((o) => o.id === v)?.label ?? String(v);
        const d = root.dataset;
        dd.textContent = Array.isArray(value) ? value.map(label).join("; ")
          : typeof value === "boolean" ? (value ? d.yes : d.no) : label(value);
        answers.append(dt, dd);
      }
      item.append(who, answers);
      items.push(item);
    }
  }
  list.replaceChildren(...items);
  byId("results-signed").hidden = items.length === 0;
}

async function show(secrets) {
  say(message("opening"));
  try {
    const compare = root.dataset.compare === "true";
    const kinds = compare ? ["midpoint", "end"] : [root.dataset.kind];
    const surveys = [];
    for (const kind of kinds) surveys.push(await openSurvey(secrets, kind));
    comparison = compare ? midVsEnd(surveys[0], surveys[1]) : byRole(surveys[0]);
    renderResults(byId("results-body"), comparison, { locale: pageLanguage(), labels: labels() });
    showSigned(surveys);
    const opened = surveys.reduce((n, s) => n + s.bodies.length, 0);
    const unopened = surveys.reduce((n, s) => n + s.unopened, 0);
    const parts = [];
    if (opened >= 5) parts.push(message("opened", { count: opened }));
    if (unopened) parts.push(message("unopened", { count: unopened }));
    say(parts.join(" "));
    byId("results-actions").hidden = !surveys.every((s) => s.enough);
    announce(parts.join(" "));
  } catch (error) {
    say(failure(error));
  }
}

function downloadCsv() {
  if (!comparison) return;
  const csv = resultsCsv(comparison, labels());
  offerDownload(new Blob([csv], { type: "text/csv;charset=utf-8" }), root.dataset.filename);
}

async function start() {
  byId("results-csv").addEventListener("click", downloadCsv);
  byId("results-print").addEventListener("click", () => window.print());
  const secrets = await secretsOrUnlock(show);
  if (secrets) await show(secrets);
  else say(message("locked"));
}

if (root) start();
