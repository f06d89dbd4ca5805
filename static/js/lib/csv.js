// CSV on this device (RFC 4180, as spreadsheets write it): read a pasted or chosen file into
// rows, and write rows into a file a spreadsheet opens. Nothing here touches the network.

import { offerDownload } from "./dom.js";

export class CsvError extends Error {
  constructor(line) {
    super(`csv line ${line}`);
    this.name = "CsvError";
    this.line = line;
  }
}

/** The delimiter of the first non-empty line: semicolon, tab or comma (the most frequent). */
export function guessDelimiter(text) {
  const first = text.split(/\r\n|\n|\r/).find((line) => line.trim()) ?? "";
  let best = ",";
  let most = 0;
  for (const candidate of [",", ";", "\t"]) {
    const count = first.split(candidate).length - 1;
    if (count > most) {
      best = candidate;
      most = count;
    }
  }
  return best;
}

/**
 * Rows of cells from CSV text: quoted cells may hold the delimiter, quotes ("") and line
 * breaks; a byte order mark is dropped; wholly empty lines are skipped. Each row keeps the
 * line it started on (`line`, counted from 1). An unclosed quote throws CsvError.
 */
export function parseCsv(text, delimiter = guessDelimiter(text)) {
  const source = text.startsWith("\ufeff") ? text.slice(1) : text;
  const rows = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== "")) rows.push(Object.assign(cells, { line: rowLine }));
    cells = [];
    cell = "";
  };
  while (i < source.length) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n") line += 1;
        cell += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
    } else if (ch === "\r" || ch === "\n") {
      endRow();
      if (ch === "\r" && source[i + 1] === "\n") i += 1;
      line += 1;
      rowLine = line;
    } else {
      cell += ch;
    }
    i += 1;
  }
  if (quoted) throw new CsvError(rowLine);
  endRow();
  return rows;
}

// A cell a spreadsheet would run as a formula starts with one of these (as core/csvout.py).
const FORMULA = /^[=+\-@\t\r]/;

/** A cell made safe to open: a would-be formula is written as text (a leading apostrophe). */
export function neutralise(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return FORMULA.test(text) ? `'${text}` : text;
}

const quote = (text) => (/[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** CSV text of rows (arrays of cells), CRLF line ends, every cell neutralised and quoted as needed. */
export function writeCsv(rows) {
  return rows.map((row) => row.map((cell) => quote(neutralise(cell))).join(",")).join("\r\n") + "\r\n";
}

/** Offer `text` as a download named `filename` (UTF-8 with a byte order mark, for spreadsheets). */
export function downloadCsv(filename, text) {
  offerDownload(new Blob(["\ufeff", text], { type: "text/csv;charset=utf-8" }), filename);
}
