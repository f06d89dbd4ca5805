// Pairbook protocol v1, suite 1, in the browser (docs/PROTOCOL.md): WebCrypto only. The one
// module pages import; it mirrors crypto/ in Python with camelCase names (docs/JS-API.md).
// Bytes are Uint8Array, wire objects plain JSON objects, and every failure is CryptoError.
export { CryptoError, b64uDecode, b64uEncode } from "./_codec.js";
export {
  derivePassphraseKeys, formatRecoveryCode, importNotebookKey, newKdfParams, newNotebookKey,
  newRecoveryCode, openNotebookKey, parseKdfParams, parseRecoveryCode, recoveryAuth,
  recoveryAuthFromCode, recoveryKey, unwrapKey, unwrapNotebookKey, wrapKey, wrapNotebookKey,
} from "./keys.js";
export {
  formatSafetyNumber, identityFromPrivate, makePin, openPin, safetyNumber, sameKeys, verifyBundle,
} from "./identity.js";
export {
  changePassphrase, createAccount, openKeyMaterial, openWithRecoveryCode, recoverAccount,
  rewrapForNewPassphrase, rewrapForNewRecoveryCode, unlockAccount,
} from "./account.js";
export {
  confirmationDigest, confirmationMessage, signConfirmation, verifyConfirmation, verifyConfirmationDigest,
} from "./confirm.js";
export {
  acceptShare, newEntryId, openEntries, openEntry, openMessage, parseEnvelope, parseSealed,
  parseShare, sealEntry, sealMessage, shareNotebookKey,
} from "./sealing.js";

/** The author id of shared entries whose writer deleted their account (an app convention). */
export const FORMER_MEMBER = "former-member";
