// Evaluated in the page by tests/test_crypto_browser.py (Playwright page.evaluate).
async ([mode, input]) => {
  const p = await import('/static/js/crypto/protocol.js');
  const enc = await import('/static/js/crypto/encoding.js');
  const unhex = enc.hexToBytes;
  const ident = (o) => p.identityFromPrivate(o.user_id, unhex(o.x), unhex(o.ed));
  if (mode === 'open') {
    const me = await ident(input.recipient);
    const sender = await p.verifyBundle(input.sender_bundle, input.sender_bundle.user);
    const key = await p.acceptShare(me, sender, input.share, input.nb, 1);
    const nbKey = await p.importNotebookKey(key);
    const entry = await p.openEntry(nbKey, {notebookId: input.nb, entryId: 'e1', entryType: 'meeting', kv: 1, rev: 2, authorId: input.sender_bundle.user}, input.envelope);
    const message = await p.openMessage(me, sender, {msgType: 'flag-report', programmeId: 'g1', messageId: 'm1', senderId: input.sender_bundle.user, recipientId: me.userId}, input.sealed);
    const account = await p.unlockAccount(input.passphrase, input.registration.kdf, {...input.registration.key_material, bundle: input.registration.bundle}, input.account_user);
    return {entry, message, accountUser: account.userId, accountBundle: account.identity.bundle.json};
  }
  const me = await ident(input.sender);
  const recipient = await p.verifyBundle(input.recipient_bundle, input.recipient_bundle.user);
  const key = p.newNotebookKey();
  const nbKey = await p.importNotebookKey(key);
  const made = await p.createAccount(input.passphrase, 'u_js', {withRecovery: true});
  return {
    share: await p.shareNotebookKey(me, recipient, input.nb, 1, key),
    envelope: await p.sealEntry(nbKey, {notebookId: input.nb, entryId: 'e1', entryType: 'meeting', kv: 1, rev: 2, authorId: me.userId}, input.body),
    sealed: await p.sealMessage(me, recipient, {msgType: 'flag-report', programmeId: 'g1', messageId: 'm1', senderId: me.userId, recipientId: recipient.user}, input.body),
    pin: await p.makePin(me, recipient, true),
    registration: made.registration,
    recoveryCode: made.recoveryCode,
  };
}
