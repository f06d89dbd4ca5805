// Evaluated in the page by tests/test_crypto_browser.py (Playwright page.evaluate).
async () => {
  const p = await import('/static/js/crypto/protocol.js');
  const ks = await import('/static/js/crypto/keystore.js');
  const made = await p.createAccount('keystore test passphrase', 'u_ks', {withRecovery: false});
  await ks.saveSecrets(made.secrets);
  await ks.putKey('nb', await p.importNotebookKey(p.newNotebookKey()));
  const back = await ks.loadSecrets();
  const nb = await ks.getKey('nb');
  const flags = [back.accountKey, back.identity.xPrivate, back.identity.edPrivate, nb].map(k => [k instanceof CryptoKey, k.extractable]);
  let refused = false;
  try { await ks.putKey('raw', await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, true, ['encrypt'])); } catch { refused = true; }
  await ks.clearAll();
  return {flags, refused, after: await ks.loadSecrets(), nbAfter: await ks.getKey('nb')};
}
