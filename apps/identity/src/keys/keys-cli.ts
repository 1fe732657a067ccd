/**
 * `pnpm keys:rotate-signing [--prepublish-s N]`, `pnpm keys:rotate-data-key`, `pnpm keys:data-key-status`:
 * run with identity's environment. See README, "Key rotation".
 */
import { parseArgs } from 'node:util';
import { dataKeyRotationPlan, dataKeyStatus, rotateSigningKey } from './key-commands.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'prepublish-s': { type: 'string' } },
});

switch (positionals[0]) {
  case 'rotate-signing': {
    const prepublish = values['prepublish-s'];
    const staged = await rotateSigningKey(process.env, prepublish ? { prepublishS: Number(prepublish) } : {});
    console.log(`Staged signing key ${staged.kid}: published now, signing from ${staged.activatesAt}.`);
    console.log('The current key retires then and stays published until every token it signed has expired.');
    break;
  }
  case 'rotate-data-key':
    console.log(dataKeyRotationPlan(process.env));
    break;
  case 'data-key-status': {
    const { currentKeyId, done, total, byKey } = await dataKeyStatus(process.env);
    console.log(`Sealed under the current key ${currentKeyId}: ${done}/${total}`);
    for (const [key, count] of Object.entries(byKey)) console.log(`  ${key}: ${count}`);
    console.log(
      done === total
        ? 'Done: the decrypt-only keys (IDENTITY_DATA_KEYS_DECRYPT_ONLY) can be removed.'
        : 'Re-sealing is under way: keep the decrypt-only keys.',
    );
    break;
  }
  default:
    console.error('usage: keys-cli.ts rotate-signing [--prepublish-s N] | rotate-data-key | data-key-status');
    process.exitCode = 2;
}
