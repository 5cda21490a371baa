/**
 * A child process for fsPodStoreLeftovers.test.ts: takes the file store's lock
 * on one record (the store's own lock options) and holds it.
 *
 * Usage: node --import tsx tests/support/lockHolderWorker.ts <record file> <hold ms>
 *
 * It prints `holding` once it has the lock. After `hold ms` it checks that the
 * lock is still its own, releases it, prints `released` and exits 0; a lock
 * found lost exits 2. It exits (1) when stdin closes, so it never outlives its
 * test; a test that wants a crashed holder kills it with SIGKILL while holding.
 */
import { FS_STORE_FILE_LOCK } from '../../src/actors/stores/createFsPodStore.js';
import { lockFile } from '../../src/actors/stores/lockFile.js';

const [file, holdText] = process.argv.slice(2);
const hold = Number(holdText);
if (file === undefined || !Number.isInteger(hold)) {
  process.stderr.write('usage: lockHolderWorker.ts <record file> <hold ms>\n');
  process.exit(1);
}

process.stdin.on('close', () => process.exit(1));
process.stdin.resume();

const held = await lockFile(file, FS_STORE_FILE_LOCK);
process.stdout.write('holding\n');
setTimeout(() => {
  try {
    held.assertHeld();
  } catch {
    process.exit(2);
  }
  void held.release().then(() => {
    process.stdout.write('released\n');
    process.exit(0);
  });
}, hold);
