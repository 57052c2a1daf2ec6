// Each test file gets its own sync-state store, so no file sees identities or fingerprints another left behind.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.POS_SYNC_STATE_DIR = mkdtempSync(join(tmpdir(), 'pos-sync-state-'));
