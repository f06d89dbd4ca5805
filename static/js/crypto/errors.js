// The protocol's one error (crypto/errors.py).

/** The one error for every parse, verify, unwrap or decrypt failure; it carries no detail. */
export class CryptoError extends Error {
  constructor() {
    super("cryptographic operation failed");
    this.name = "CryptoError";
  }
}

/** @returns {never} */
export function fail() {
  throw new CryptoError();
}
