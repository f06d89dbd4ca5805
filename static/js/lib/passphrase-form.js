// The passphrase asked again on this device (templates/partials/_unlock.html): to unlock keys
// this browser no longer holds, or to sign in again when the session ended while writing. One
// flow for every such form: the passphrase goes only to `attempt`, never into a request body.
import { $ } from "./dom.js";
import { busy, failure, showError } from "./forms.js";
import { message } from "./messages.js";

/** What a refused passphrase says unless the page says otherwise. */
const refusedText = (error) => (error?.name === "CryptoError" ? message("unlock-failed") : failure(error));

const asking = new WeakMap();

/**
 * Show `form` and resolve, once `attempt(passphrase)` succeeds, with what it returned; the form
 * hides again. A refused attempt says why in the field's error line and asks on. Asking again
 * while the form is open returns the same promise.
 * @template T
 * @param {HTMLFormElement} form
 * @param {(passphrase: string) => Promise<T>} attempt
 * @param {{refused?: (error: Error) => string, required?: string|null, focus?: HTMLElement|null}}
 *   options `required`: the words for an empty field (else an empty passphrase is tried like any
 *   other); `focus`: where the focus goes when the form appears
 * @returns {Promise<T>}
 */
export function askForPassphrase(form, attempt, { refused = refusedText, required = null, focus = null } = {}) {
  if (asking.has(form)) return asking.get(form);
  const input = $("input[type=password], input[data-secret]", form);
  const reveal = showToggle(form, input);
  const say = (text) => showError(input, $(".field .error-text", form), text);
  const answer = new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      if (required && !input.value) return say(required);
      // Cleared first, so that the same refusal is announced again.
      say(null);
      await busy(form, async () => {
        let result;
        try {
          result = await attempt(input.value);
        } catch (error) {
          say(refused(error));
          return;
        }
        input.value = "";
        reveal(false);
        form.hidden = true;
        asking.delete(form);
        resolve(result);
      });
    };
  });
  asking.set(form, answer);
  say(null);
  form.hidden = false;
  focus?.focus();
  return answer;
}

/**
 * The form's "Show the passphrase" button (aria-pressed) shows the passphrase as typed, or
 * hides it again; returns the function that sets it (`reveal(false)` hides it).
 */
function showToggle(form, input) {
  const button = $(".show-secret-button", form);
  input.dataset.secret = "";
  const reveal = (shown) => {
    input.type = shown ? "text" : "password";
    button?.setAttribute("aria-pressed", String(shown));
  };
  if (button && !button.dataset.wired) {
    button.dataset.wired = "true";
    button.addEventListener("click", () => {
      reveal(button.getAttribute("aria-pressed") !== "true");
      input.focus();
    });
  }
  return reveal;
}
