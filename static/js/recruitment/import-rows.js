// One imported row checked on this device: the CSV's cells, mapped to questions, become the
// answers of an application (as sealing.js expects them) or a list of problems for the preview.
import { message } from "../lib/messages.js";

/** The mapping targets that are not questions. */
export const SPECIAL = { email: "@email", role: "@role", language: "@language" };

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
const MAX = { short: 200, long: 4000 };
const ROLE_WORDS = {
  mentor: ["mentor", "mentori", "mentors", "mentorit"],
  mentee: ["mentee", "aktori", "mentees", "aktorit", "mentoroitava"],
};
const LANGUAGE_WORDS = {
  fi: ["fi", "suomi", "finnish", "fin", "suomeksi"],
  en: ["en", "english", "englanti", "eng", "englanniksi"],
};
const HEADER_WORDS = {
  [SPECIAL.email]: ["email", "e-mail", "sähköposti", "mail", "sähköpostiosoite"],
  [SPECIAL.role]: ["role", "rooli"],
  [SPECIAL.language]: ["language", "kieli", "language for mail"],
  name: ["name", "nimi"],
};

const norm = (text) => String(text ?? "").trim().toLowerCase();

/** The target a column's header names: a special one, a question's key or label, or "". */
export function guessTarget(header, choices) {
  const h = norm(header);
  if (!h) return "";
  for (const [target, words] of Object.entries(HEADER_WORDS)) if (words.includes(h)) return target;
  const found = choices.find(([value, label]) => value && (norm(label) === h || norm(value) === h));
  return found ? found[0] : "";
}

function wordFor(table, value) {
  const v = norm(value);
  for (const [code, words] of Object.entries(table)) if (words.includes(v)) return code;
  return null;
}

/** The option code a cell names (by code or label, any case), or null. */
function optionCode(question, value) {
  const v = norm(value);
  for (const [code, label] of Object.entries(question.options ?? {})) {
    if (norm(code) === v || norm(label) === v) return code;
  }
  return null;
}

function answer(question, raw, errors) {
  const text = String(raw ?? "").trim();
  if (!text) return undefined;
  const label = question.label;
  if (question.kind === "number") {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 5) errors.push(message("err-number", { question: label }));
    return n;
  }
  if (question.kind === "one" || question.kind === "many") {
    const parts = text.split(/[;|\n]/).map((s) => s.trim()).filter(Boolean);
    if (question.kind === "one" && parts.length > 1) errors.push(message("err-one", { question: label }));
    const codes = [];
    for (const part of parts) {
      const code = optionCode(question, part);
      if (code === null) errors.push(message("err-choice", { value: part, question: label }));
      else if (!codes.includes(code)) codes.push(code);
    }
    return question.kind === "one" ? codes[0] : codes;
  }
  if (text.length > (MAX[question.kind] ?? MAX.short)) errors.push(message("err-long", { question: label }));
  return text;
}

/**
 * Check one row: `cells` (with `.line`), `map` the target of each column, `byRole` the
 * questions of each role, `defaults` {role, language}, `seen` the emails so far by role
 * (updated). Returns {line, email, role, language, answers, errors}.
 */
export function checkRow(cells, map, byRole, defaults, seen) {
  const errors = [];
  const pick = (target) => {
    const index = map.indexOf(target);
    return index >= 0 ? String(cells[index] ?? "").trim() : "";
  };
  const email = pick(SPECIAL.email);
  if (!EMAIL.test(email) || email.length > 254) errors.push(message("err-email"));
  let role = defaults.role;
  if (map.includes(SPECIAL.role) && pick(SPECIAL.role)) {
    role = wordFor(ROLE_WORDS, pick(SPECIAL.role));
    if (role === null) errors.push(message("err-role"));
  }
  let language = defaults.language;
  if (map.includes(SPECIAL.language) && pick(SPECIAL.language)) {
    language = wordFor(LANGUAGE_WORDS, pick(SPECIAL.language));
    if (language === null) errors.push(message("err-language"));
  }
  const answers = {};
  if (role) {
    const questions = new Map((byRole[role] ?? []).map((q) => [q.key, q]));
    map.forEach((target, index) => {
      const question = questions.get(target);
      if (!question) return;
      const value = answer(question, cells[index], errors);
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) answers[target] = value;
    });
    const key = `${role}:${email.toLowerCase()}`;
    if (EMAIL.test(email)) {
      if (seen.has(key)) errors.push(message("err-duplicate", { row: seen.get(key) }));
      else seen.set(key, cells.line);
    }
  }
  return { line: cells.line, email, role, language, answers, errors };
}
