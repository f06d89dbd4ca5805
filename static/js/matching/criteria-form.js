// The criteria form of the matching page: filled from the criteria, read back into them.
/** Put the criteria into the form's fields. */
export function fill(form, criteria) {
  for (const box of form.querySelectorAll("fieldset[data-criterion]")) {
    const key = box.dataset.criterion;
    let setting;
    if (key === "p:0") setting = criteria.preferences[0] ?? { mode: "off", weight: 3 };
    else if (key.startsWith("q:")) setting = criteria.questions[key.slice(2)];
    else setting = criteria[key];
    if (!setting) continue;
    box.querySelector(".crit-mode").value = setting.mode;
    box.querySelector(".crit-weight").value = String(setting.weight);
    const aim = box.querySelector(".crit-aim");
    if (aim && setting.aim) aim.value = setting.aim;
    if (key === "p:0" && criteria.preferences[0]) {
      form.querySelector("#crit-p0-mentee").value = setting.mentee;
      form.querySelector("#crit-p0-mentor").value = setting.mentor;
      form.querySelector("#crit-p0-any").value = setting.any;
    }
  }
}

/** The criteria as the form says (the caller normalises them). */
export function read(form) {
  const out = { questions: {}, preferences: [] };
  for (const box of form.querySelectorAll("fieldset[data-criterion]")) {
    const key = box.dataset.criterion;
    const weight = Number.parseInt(box.querySelector(".crit-weight").value, 10);
    const setting = { mode: box.querySelector(".crit-mode").value, weight: Number.isInteger(weight) ? weight : 0 };
    const aim = box.querySelector(".crit-aim");
    if (aim) setting.aim = aim.value;
    if (key === "p:0") {
      if (setting.mode !== "off") {
        out.preferences.push({
          ...setting,
          mentee: form.querySelector("#crit-p0-mentee").value,
          mentor: form.querySelector("#crit-p0-mentor").value,
          any: form.querySelector("#crit-p0-any").value.trim(),
        });
      }
    } else if (key.startsWith("q:")) {
      out.questions[key.slice(2)] = setting;
    } else {
      out[key] = setting;
    }
  }
  return out;
}
