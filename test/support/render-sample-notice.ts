// Renders the sample notice in a process of its own and prints its sha256: the
// determinism test compares it with the bytes rendered in the test's process.
import { createHash } from 'node:crypto';
import { loadNoticeAssets } from '../../src/notices/notice-assets.ts';
import { renderNotice } from '../../src/notices/render-notice.ts';
import { sampleNoticeDocument } from '../../scripts/sample-notice.ts';

const pdf = await renderNotice(sampleNoticeDocument(), loadNoticeAssets());
process.stdout.write(createHash('sha256').update(pdf).digest('hex'));
