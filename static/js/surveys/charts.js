// Survey results drawn in the organiser's page: per question a heading, an SVG bar chart and a
// real table holding the same numbers (the chart is a picture of the table, so screen readers
// get the table and the chart only its name). Answers are decrypted text: textContent only, and
// no style attributes (the CSP allows none): every look comes from static/css/survey-results.css.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 288; // viewBox units: 1:1 in the 288 px column of a 320 px phone, scaled elsewhere
const LINE = 15; // one line of label text
const BAR = 14;
const GAP = 4;
const NAME_WIDTH = 92; // the group's name left of its bar, when there are several groups
const COUNT_WIDTH = 44; // the count right of the longest bar
const LABEL_CHARS = 40; // a label line, wrapped at spaces
const NAME_CHARS = 12; // a group's name beside its bar (the table has it whole)

let drawn = 0; // ids for titles and headings, unique in the page

function el(name, attributes = {}, text) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgEl(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Lines of at most `width` characters, broken at spaces (a longer word is cut). */
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest; rest = rest.slice(width)) {
      const piece = rest.slice(0, width);
      if (!line) line = piece;
      else if (line.length + 1 + piece.length <= width) line += ` ${piece}`;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  return line ? [...lines, line] : lines.length ? lines : [""];
}

const shorten = (text, width) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** A cell's label as the reader sees it: yes/no translated, other labels as written. */
function cellLabel(kind, cell, labels) {
  return kind === "yesno" ? (labels[cell.id] ?? cell.label) : cell.label;
}

/** The bar chart of one question: per cell its label, then one bar per group with its count. */
function chart(entry, { labels, number, titleText }) {
  const { question, results } = entry;
  const cells = results[0].result.cells;
  const several = results.length > 1;
  const peak = Math.max(1, ...results.flatMap(({ result }) => result.cells.map((c) => c.count ?? 0)));
  const id = `survey-chart-${(drawn += 1)}`;
  const svg = svgEl("svg", { class: "survey-chart", role: "img", "aria-labelledby": id });
  svg.append(svgEl("title", { id }, titleText));
  const left = several ? NAME_WIDTH : 0;
  const span = WIDTH - left - COUNT_WIDTH;
  let y = 0;
  const text = (x, className, content) =>
    svg.append(svgEl("text", { x, y: y + BAR - 3, class: className }, content));
  cells.forEach((cell, ci) => {
    for (const line of wrap(cellLabel(question.kind, cell, labels), LABEL_CHARS)) {
      y += LINE;
      svg.append(svgEl("text", { x: 0, y: y - 3, class: "chart-label" }, line));
    }
    results.forEach(({ label, result }, gi) => {
      const count = result.cells[ci].count;
      y += GAP;
      if (several) text(0, "chart-group", shorten(label, NAME_CHARS));
      if (count === null) text(left, "chart-hidden", labels.hidden);
      else {
        const width = Math.max(2, Math.round((span * count) / peak));
        svg.append(svgEl("rect", { x: left, y, width, height: BAR, class: `chart-bar chart-bar-${gi % 4}` }));
        text(left + width + 4, "chart-value", number.format(count));
      }
      y += BAR;
    });
    y += GAP * 2;
  });
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${Math.max(y, LINE)}`);
  return svg;
}

/** The table of one question: a row per cell, a column per group, then answered and mean. */
function table(entry, { labels, number, decimal, caption }) {
  const { question, results } = entry;
  const node = el("table", { class: "survey-table" });
  node.append(el("caption", {}, caption));
  const head = el("tr");
  head.append(el("th", { scope: "col" }, labels.answer));
  for (const { label } of results) head.append(el("th", { scope: "col", class: "num" }, label));
  const thead = el("thead");
  thead.append(head);
  node.append(thead);
  const body = el("tbody");
  const row = (title, values, className) => {
    const tr = el("tr", className ? { class: className } : {});
    tr.append(el("th", { scope: "row" }, title));
    for (const value of values) {
      tr.append(
        value === null
          ? el("td", { class: "num survey-hidden" }, labels.hidden)
          : el("td", { class: "num" }, value),
      );
    }
    body.append(tr);
  };
  const format = (n) => (n === null ? null : number.format(n));
  (results[0].result.cells ?? []).forEach((cell, ci) => {
    row(cellLabel(question.kind, cell, labels), results.map(({ result }) => format(result.cells[ci].count)));
  });
  row(labels.answered, results.map(({ result }) => format(result.answered)), "survey-total");
  if (question.kind === "scale") {
    const tr = el("tr", { class: "survey-total" });
    tr.append(el("th", { scope: "row" }, labels.mean));
    for (const { result } of results) {
      tr.append(
        result.mean === null
          ? el("td", { class: "num survey-hidden" }, labels.notShown ?? labels.hidden)
          : el("td", { class: "num" }, decimal.format(result.mean)),
      );
    }
    body.append(tr);
  }
  node.append(body);
  return node;
}

/** The free texts of one question: per group how many answered and the texts as a list. */
function texts(entry, { labels, number, level }) {
  const box = el("div", { class: "survey-texts" });
  for (const { label, result } of entry.results) {
    if (entry.results.length > 1) box.append(el(`h${Math.min(level + 1, 6)}`, {}, label));
    if (result.texts === null) {
      box.append(el("p", { class: "survey-hidden" }, `${labels.answered}: ${labels.hidden}`));
      continue;
    }
    box.append(el("p", {}, `${labels.answered}: ${number.format(result.answered)}`));
    const list = el("ul", labels.texts ? { "aria-label": `${labels.texts}: ${label}` } : {});
    for (const text of result.texts) list.append(el("li", {}, text));
    box.append(list);
  }
  return box;
}

/**
 * Draw a comparison (compareGroups' result) into `container`, replacing what it held: for each
 * question a section with a heading, a bar chart (SVG, role="img", named by its title) and a
 * table with a caption holding the same numbers, or for free texts the texts as lists. Hidden
 * counts read `labels.hidden`; numbers are formatted for `locale`.
 *
 * @param {Element} container
 * @param {ReturnType<import("./results.js").compareGroups>} comparison
 * @param {{locale: string, labels: {hidden: string, answered: string, mean: string,
 *   answer: string, noAnswers: string, chart?: string, table?: string, texts?: string,
 *   notShown?: string, yes?: string, no?: string}, headingLevel?: number}} options
 *   `labels.chart` and `labels.table`, if given, prefix each chart's name and table's caption
 *   ("Chart: question"); `notShown` is written for a mean left out (else `hidden`); `texts`
 *   names each list of free texts; `headingLevel` (of the questions) defaults to 3.
 */
export function renderResults(container, comparison, { locale, labels, headingLevel = 3 }) {
  const number = new Intl.NumberFormat(locale);
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const level = Math.min(Math.max(headingLevel, 1), 6);
  const sections = comparison.map((entry) => {
    const { question } = entry;
    const headingId = `survey-question-${(drawn += 1)}`;
    const section = el("section", { class: "survey-result", "aria-labelledby": headingId });
    section.append(el(`h${level}`, { id: headingId }, question.text));
    if (entry.results[0]?.result.cells) {
      const titleText = labels.chart ? `${labels.chart}: ${question.text}` : question.text;
      section.append(chart(entry, { labels, number, titleText }));
      const caption = labels.table ? `${labels.table}: ${question.text}` : question.text;
      section.append(table(entry, { labels, number, decimal, caption }));
    } else {
      section.append(texts(entry, { labels, number, level }));
    }
    return section;
  });
  container.replaceChildren(...(sections.length ? sections : [el("p", {}, labels.noAnswers)]));
}
