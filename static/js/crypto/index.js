// Pairbook protocol v1, suite 1, in the browser (docs/PROTOCOL.md): WebCrypto only. The one
// module pages import, as `crypto/__init__.py` is in Python: each file here mirrors the Python
// file of the same name, with camelCase names (docs/JS-API.md). Bytes are Uint8Array, wire
// objects plain JSON objects, and every failure is CryptoError.
export { b64uDecode, b64uEncode } from "./_codec.js";
export {
  changePassphrase, createAccount, openKeyMaterial, recoverAccount, recoverWithNewPassphrase,
  rewrapForNewPassphrase, rewrapForNewRecoveryCode, unlockAccount,
} from "./account.js";
export {
  confirmationDigest, confirmationMessage, signConfirmation, verifyConfirmation, verifyConfirmationDigest,
} from "./confirm.js";
export { newEntryId, openEntries, openEntry, parseEnvelope, sealEntry } from "./entry.js";
export { CryptoError } from "./errors.js";
export {
  formatSafetyNumber, identityFromPrivate, newIdentity, safetyNumber, sameKeys, verifyBundle,
} from "./identity.js";
export { derivePassphraseKeys, newKdfParams, parseKdfParams } from "./kdf.js";
export { makePin, openPin } from "./pin.js";
export {
  formatRecoveryCode, newRecoveryCode, parseRecoveryCode, recoveryAuth, recoveryAuthFromCode, recoveryKey,
} from "./recovery.js";
export { openMessage, parseSealed, sealMessage } from "./sealed.js";
export { acceptShare, parseShare, shareNotebookKey } from "./share.js";
export {
  importNotebookKey, newNotebookKey, openNotebookKey, unwrapKey, unwrapNotebookKey, wrapKey, wrapNotebookKey,
} from "./wrap.js";
